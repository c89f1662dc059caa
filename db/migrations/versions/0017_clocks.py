"""deadlines: clock rules, the holiday calendar, clocks per case (issue 18)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 11:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import db.types


revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('clock_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('urgent_amount', sa.Float(), nullable=True),
    sa.Column('extended_amount', sa.Float(), nullable=True),
    sa.Column('extended_unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('regime', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('citation', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('label_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('to_verify', sa.Boolean(), nullable=False),
    sa.Column('change_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'version')
    )
    op.create_index(op.f('ix_clock_rule_code'), 'clock_rule', ['code'], unique=False)
    op.create_table('holiday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('label_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('to_verify', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('case_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('started_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paused_since', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_seconds', sa.Integer(), nullable=False),
    sa.Column('stopped_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('warned_due_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('breach_announced_due_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'rule_code')
    )
    op.create_index('ix_case_clock_case_next', 'case_clock', ['case_id', 'stopped_at', 'due_at'], unique=False)
    op.create_index('ix_case_clock_owner_due', 'case_clock', ['owner', 'stopped_at', 'due_at'], unique=False)
    op.create_index('ix_case_clock_due', 'case_clock', ['stopped_at', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_clock_due', table_name='case_clock')
    op.drop_index('ix_case_clock_owner_due', table_name='case_clock')
    op.drop_index('ix_case_clock_case_next', table_name='case_clock')
    op.drop_table('case_clock')
    op.drop_table('holiday')
    op.drop_index(op.f('ix_clock_rule_code'), table_name='clock_rule')
    op.drop_table('clock_rule')

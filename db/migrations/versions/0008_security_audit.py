"""security audit: provider invitations, domain-bound providers, provider sign-outs

Revision ID: 0008
Revises: 0011
Create Date: 2026-12-02 09:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import db.types


revision: str = '0008'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('pantau_user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('invited_provider', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column('sessions_valid_after', db.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table('email_domain_rule', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('providers', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table('email_domain_rule', schema=None) as batch_op:
        batch_op.drop_column('providers')
    with op.batch_alter_table('pantau_user', schema=None) as batch_op:
        batch_op.drop_column('sessions_valid_after')
        batch_op.drop_column('invited_provider')

"""capture jobs, captures and their markers; perceptual hashes of images (issue 21)

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-02 09:27:13.394759
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import db.types


revision: str = '0011'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('capture_marker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('marker', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('capture_marker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capture_marker_platform_code'), ['platform_code'], unique=False)

    op.create_table('capture_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['pantau_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('capture_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capture_job_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_capture_job_due', ['status', 'due_at'], unique=False)

    op.create_table('capture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('canonical_url', sa.Text(), nullable=True),
    sa.Column('author_handle', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('page_metadata', sa.JSON(), nullable=False),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('proxy', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('captured_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('manifest_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('signature', sa.JSON(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ),
    sa.ForeignKeyConstraint(['job_id'], ['capture_job.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.create_index('ix_capture_case_kind', ['case_id', 'kind', 'captured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_capture_job_id'), ['job_id'], unique=False)

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capture_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_evidence_capture_id'), ['capture_id'], unique=False)
        batch_op.create_foreign_key('fk_evidence_capture_id', 'capture', ['capture_id'], ['id'])

    with op.batch_alter_table('evidence_blob', schema=None) as batch_op:
        batch_op.add_column(sa.Column('perceptual_hash', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_evidence_blob_perceptual_hash'), ['perceptual_hash'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('evidence_blob', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_blob_perceptual_hash'))
        batch_op.drop_column('perceptual_hash')

    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_constraint('fk_evidence_capture_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_evidence_capture_id'))
        batch_op.drop_column('capture_id')

    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capture_job_id'))
        batch_op.drop_index('ix_capture_case_kind')

    op.drop_table('capture')
    with op.batch_alter_table('capture_job', schema=None) as batch_op:
        batch_op.drop_index('ix_capture_job_due')
        batch_op.drop_index(batch_op.f('ix_capture_job_case_id'))

    op.drop_table('capture_job')
    with op.batch_alter_table('capture_marker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capture_marker_platform_code'))

    op.drop_table('capture_marker')

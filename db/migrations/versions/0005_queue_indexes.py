"""queue indexes and a stored search vector

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 04:40:00
"""
from typing import Sequence, Union

from alembic import op

from db.search_index import store_search_vector


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Sorting by deadline within a status (the "awaiting platform" and "overdue" views)
    # and a liaison's queue (platform, status, deadline) read these in order.
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_status_due', ['status', 'sla_due_at'], unique=False)
        batch_op.create_index(
            'ix_case_platform_status_due', ['platform_code', 'status', 'sla_due_at'], unique=False
        )
        batch_op.drop_index('ix_case_platform_status')
    store_search_vector(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_case_search_vector")
        op.execute("ALTER TABLE case_search DROP COLUMN IF EXISTS search_vector")
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_case_search_tokens ON case_search "
            "USING gin (array_to_tsvector(string_to_array(document, ' ')))"
        )
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_platform_status', ['platform_code', 'status'], unique=False)
        batch_op.drop_index('ix_case_platform_status_due')
        batch_op.drop_index('ix_case_status_due')

"""the case's next due running clock, stored (issue 18): the queue's "next deadline" sort

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import db.types


revision: str = '0018'
down_revision: Union[str, None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # ADD COLUMN, not a batch: SQLite would copy the whole table for a batch.
    op.add_column(
        'case_file',
        sa.Column('next_clock_due_at', db.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.execute(
        "UPDATE case_file SET next_clock_due_at = (SELECT min(c.due_at) FROM case_clock c "
        "WHERE c.case_id = case_file.id AND c.stopped_at IS NULL)"
    )
    op.create_index('ix_case_next_clock_due', 'case_file', ['next_clock_due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_next_clock_due', table_name='case_file')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('next_clock_due_at')

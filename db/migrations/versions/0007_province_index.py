"""an index for a province's cases by status and platform

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 05:32:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index(
            'ix_case_province_status_platform',
            ['province_code', 'status', 'platform_code'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_province_status_platform')

"""statements of reasons the DSA Transparency Database accepts: scope, end dates,
partial automation, facts, the platform's PUID, and the admin-editable DSA mappings

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 09:50:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0012'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'dsa_mapping',
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('dsa_value', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('other_text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('additions', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'code'),
    )
    # A yes/no "automated decision" becomes the DSA's three answers.
    op.add_column(
        'decision',
        sa.Column(
            'automation',
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default='not_automated',
        ),
    )
    op.execute(
        "UPDATE decision SET automation = 'fully' WHERE automated_decision = "
        + ("true" if op.get_bind().dialect.name == 'postgresql' else "1")
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('automated_decision')
        batch_op.alter_column('automation', new_column_name='automated_decision',
                              server_default=None)
        batch_op.alter_column(
            'territorial_scope',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=100),
            type_=sqlmodel.sql.sqltypes.AutoString(length=800),
            existing_nullable=False,
        )
        for column in ('legal_reference', 'policy_reference'):
            batch_op.alter_column(
                column,
                existing_type=sqlmodel.sql.sqltypes.AutoString(length=300),
                type_=sqlmodel.sql.sqltypes.AutoString(length=500),
                existing_nullable=True,
            )
        batch_op.add_column(sa.Column('facts', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('visibility_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('monetary_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('account_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('service_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('puid', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.create_index('ix_decision_puid', ['puid'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_puid')
        batch_op.drop_column('puid')
        batch_op.drop_column('service_ends_on')
        batch_op.drop_column('account_ends_on')
        batch_op.drop_column('monetary_ends_on')
        batch_op.drop_column('visibility_ends_on')
        batch_op.drop_column('facts')
        for column in ('legal_reference', 'policy_reference'):
            batch_op.alter_column(
                column,
                existing_type=sqlmodel.sql.sqltypes.AutoString(length=500),
                type_=sqlmodel.sql.sqltypes.AutoString(length=300),
                existing_nullable=True,
            )
        batch_op.alter_column(
            'territorial_scope',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=800),
            type_=sqlmodel.sql.sqltypes.AutoString(length=100),
            existing_nullable=False,
        )
        batch_op.add_column(
            sa.Column('automated', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE decision SET automated = (automated_decision = 'fully')")
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('automated_decision')
        batch_op.alter_column('automated', new_column_name='automated_decision',
                              server_default=None)
    op.drop_table('dsa_mapping')

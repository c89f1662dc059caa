"""legal grounds per regime, elections and phase types as data, region aliases

Revision ID: 0010
Revises: 0012
Create Date: 2026-12-02 09:50:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0010'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Seeded labels and spellings the review of issue 19 corrected: changed only where an
# admin has not already changed them.
_TERM_LABELS = [
    ('source', 'own_patrol', 'Patroli siber sendiri', 'Temuan patroli siber'),
    ('source', 'public_complaint', 'Pengaduan masyarakat', 'Laporan masyarakat'),
    ('source', 'regulator', 'Regulator', 'Komdigi'),
    ('decision_type', 'removed', 'Diturunkan', 'Diturunkan (take down)'),
    ('decision_type', 'account_terminated', 'Akun dihentikan', 'Akun ditutup permanen'),
    ('account_class', 'candidate', 'Kandidat', 'Peserta pemilu/calon'),
    ('account_class', 'official', 'Pejabat pemerintah', 'Pejabat negara/daerah'),
    ('category', 'black_campaign', 'Kampanye hitam/pencemaran nama baik',
     'Kampanye hitam (fitnah/penghinaan)'),
    ('category', 'paid_political_ad', 'Iklan politik berbayar / konten bermerek berbayar',
     'Iklan kampanye berbayar / konten endorse berbayar di luar ketentuan'),
    ('category', 'synthetic_media', 'Media sintetis/manipulasi',
     'Konten rekayasa/manipulasi (termasuk deepfake/AI)'),
    ('category', 'impersonation', 'Peniruan identitas / perilaku tidak autentik terkoordinasi',
     'Akun palsu/peniruan identitas; jaringan akun terkoordinasi'),
]
_REGION_NAMES = [
    ('62.71', 'Kota Palangkaraya', 'Kota Palangka Raya'),
    ('74.72', 'Kota Bau Bau', 'Kota Baubau'),
    ('92.03', 'Kabupaten Fak Fak', 'Kabupaten Fakfak'),
    ('19.71', 'Kota Pangkal Pinang', 'Kota Pangkalpinang'),
    ('21.72', 'Kota Tanjung Pinang', 'Kota Tanjungpinang'),
    ('16.73', 'Kota Lubuk Linggau', 'Kota Lubuklinggau'),
    ('72.09', 'Kabupaten Tojo Una Una', 'Kabupaten Tojo Una-Una'),
    ('72.04', 'Kabupaten Toli-Toli', 'Kabupaten Tolitoli'),
]


def upgrade() -> None:
    op.create_table('phase_type',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('label_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('region_alias',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('region_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_alias_region_code'), ['region_code'], unique=False)
    op.create_table('legal_ground',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('regime', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('citation', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('account_classes', sa.JSON(), nullable=False),
    sa.Column('takedown', sa.Boolean(), nullable=False),
    sa.Column('to_verify', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('legal_ground', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_ground_category_code'), ['category_code'], unique=False)

    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='pemilu'))
        batch_op.add_column(sa.Column('legal_regime', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='pemilu'))
        batch_op.add_column(sa.Column('region_codes', sa.JSON(), nullable=False, server_default='[]'))
    op.execute("UPDATE election SET kind = 'pilkada', legal_regime = 'pilkada' WHERE code = 'pilkada2024'")

    # Grounds an admin typed are kept, to check, as rows of the new table; the seed's own
    # (some of them wrong) are replaced by the corrected seed on the next start.
    connection = op.get_bind()
    term = sa.table('taxonomy_term', sa.column('kind'), sa.column('code'), sa.column('legal_grounds', sa.JSON()))
    ground = sa.table(
        'legal_ground', sa.column('category_code'), sa.column('regime'), sa.column('citation'),
        sa.column('account_classes', sa.JSON()), sa.column('takedown'), sa.column('to_verify'),
        sa.column('note'), sa.column('active'), sa.column('sort_order'), sa.column('version'),
        sa.column('change_note'),
    )
    old_seed = {
        'UU 7/2017 Pasal 280 ayat (1) huruf d', 'UU 1/2024 (ITE) Pasal 28 ayat (3)',
        'UU 7/2017 Pasal 280 ayat (1) huruf c', 'UU 1/2024 (ITE) Pasal 28 ayat (2)',
        'UU 1/2024 (ITE) Pasal 27A', 'UU 7/2017 Pasal 276 ayat (2)', 'PKPU 15/2023 Pasal 37',
        'UU 7/2017 Pasal 280 ayat (1) huruf j', 'UU 7/2017 Pasal 523',
        'UU 7/2017 Pasal 280 ayat (3)', 'UU 7/2017 Pasal 282', 'UU 20/2023 (ASN) Pasal 24',
        'UU 7/2017 Pasal 276 ayat (1)', 'UU 7/2017 Pasal 278 ayat (2)', 'UU 7/2017 Pasal 492',
        'UU 1/2024 (ITE) Pasal 35', 'PKPU 15/2023 Pasal 72', 'UU 27/2022 (PDP) Pasal 66',
        'UU 7/2017 Pasal 280 ayat (1) huruf f', 'UU 1/2024 (ITE) Pasal 29',
    }
    kept = []
    for kind, code, grounds in connection.execute(sa.select(term.c.kind, term.c.code, term.c.legal_grounds)):
        if kind != 'category':
            continue
        for citation in grounds or []:
            if citation not in old_seed:
                kept.append({
                    'category_code': code, 'regime': 'other', 'citation': citation[:300],
                    'account_classes': [], 'takedown': False, 'to_verify': True,
                    'note': 'Kept from before migration 0010.', 'active': True,
                    'sort_order': 900, 'version': 1, 'change_note': '',
                })
    with op.batch_alter_table('taxonomy_term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('change_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=''))
        batch_op.drop_column('legal_grounds')
    if kept:
        op.bulk_insert(ground, kept)
    for kind, code, before, after in _TERM_LABELS:
        connection.execute(
            sa.text('UPDATE taxonomy_term SET label_id = :after WHERE kind = :kind AND code = :code AND label_id = :before'),
            {'kind': kind, 'code': code, 'before': before, 'after': after},
        )
    for code, before, after in _REGION_NAMES:
        connection.execute(
            sa.text('UPDATE region SET name = :after WHERE code = :code AND name = :before'),
            {'code': code, 'before': before, 'after': after},
        )

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.alter_column('legal_ground',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=300),
               type_=sqlmodel.sql.sqltypes.AutoString(length=1000),
               existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.alter_column('legal_ground',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=1000),
               type_=sqlmodel.sql.sqltypes.AutoString(length=300),
               existing_nullable=True)
    with op.batch_alter_table('taxonomy_term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_grounds', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.drop_column('change_note')
        batch_op.drop_column('version')
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.drop_column('region_codes')
        batch_op.drop_column('legal_regime')
        batch_op.drop_column('kind')
    with op.batch_alter_table('legal_ground', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_ground_category_code'))
    op.drop_table('legal_ground')
    with op.batch_alter_table('region_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_alias_region_code'))
    op.drop_table('region_alias')
    op.drop_table('phase_type')

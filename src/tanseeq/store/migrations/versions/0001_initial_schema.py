"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:48:34.737095
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tanseeq.store.tables

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=True),
    sa.Column('name_ar', sa.String(length=200), nullable=True),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('agreements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('terminated_at', tanseeq.store.tables.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('audit_log',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('agency_id', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_ids', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('leaf_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('audit_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('frontier', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('object_areas',
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('area', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('object_id', 'area')
    )
    op.create_table('shares',
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('object_id', 'agency_id', 'mode')
    )
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shares_agency_id'), ['agency_id'], unique=False)

    op.create_table('agreement_areas',
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('area', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ),
    sa.PrimaryKeyConstraint('agreement_id', 'area')
    )
    op.create_table('agreement_categories',
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ),
    sa.PrimaryKeyConstraint('agreement_id', 'category')
    )
    op.create_table('agreement_parties',
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('accepted_at', tanseeq.store.tables.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ),
    sa.PrimaryKeyConstraint('agreement_id', 'agency_id')
    )
    op.create_table('notices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('offences', sa.JSON(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('warrant_ref', sa.String(length=200), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('dist_kind', sa.String(length=20), nullable=False),
    sa.Column('tlp', sa.String(length=20), nullable=False),
    sa.Column('handling', sa.JSON(), nullable=False),
    sa.Column('handling_note', sa.Text(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_status'), ['status'], unique=False)

    op.create_table('records',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=False),
    sa.Column('schema', sa.String(length=60), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('caption', sa.String(length=500), nullable=False),
    sa.Column('properties', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dist_kind', sa.String(length=20), nullable=False),
    sa.Column('tlp', sa.String(length=20), nullable=False),
    sa.Column('handling', sa.JSON(), nullable=False),
    sa.Column('handling_note', sa.Text(), nullable=True),
    sa.Column('blind_hits', sa.Boolean(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('source_id', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_schema'), ['schema'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_agency_id'), ['agency_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.Column('expires_at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', tanseeq.store.tables.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('notice_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('notice_id', sa.String(length=36), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notice_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_events_notice_id'), ['notice_id'], unique=False)

    op.create_table('notice_records',
    sa.Column('notice_id', sa.String(length=36), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ),
    sa.PrimaryKeyConstraint('notice_id', 'record_id')
    )
    with op.batch_alter_table('notice_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_records_record_id'), ['record_id'], unique=False)

    op.create_table('record_refs',
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('prop', sa.String(length=60), nullable=False),
    sa.Column('target_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ),
    sa.PrimaryKeyConstraint('record_id', 'prop', 'target_id')
    )
    with op.batch_alter_table('record_refs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_refs_target_id'), ['target_id'], unique=False)

    # The audit tree starts empty; its state row exists from the start so appends only lock it.
    op.execute("INSERT INTO audit_state (id, tree_size, frontier) VALUES (1, 0, '')")


def downgrade() -> None:
    with op.batch_alter_table('record_refs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_refs_target_id'))

    op.drop_table('record_refs')
    with op.batch_alter_table('notice_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_records_record_id'))

    op.drop_table('notice_records')
    with op.batch_alter_table('notice_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_events_notice_id'))

    op.drop_table('notice_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_agency_id'))

    op.drop_table('users')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_schema'))
        batch_op.drop_index(batch_op.f('ix_records_owner_id'))

    op.drop_table('records')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_status'))
        batch_op.drop_index(batch_op.f('ix_notices_owner_id'))

    op.drop_table('notices')
    op.drop_table('agreement_parties')
    op.drop_table('agreement_categories')
    op.drop_table('agreement_areas')
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shares_agency_id'))

    op.drop_table('shares')
    op.drop_table('object_areas')
    op.drop_table('audit_state')
    op.drop_table('audit_log')
    op.drop_table('agreements')
    op.drop_table('agencies')

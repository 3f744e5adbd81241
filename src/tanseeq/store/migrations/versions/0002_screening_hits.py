"""screening hits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:51:55.193406
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tanseeq.store.tables

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('searcher_user_id', sa.String(length=36), nullable=False),
    sa.Column('searcher_agency_id', sa.String(length=36), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hits_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hits_searcher_agency_id'), ['searcher_agency_id'], unique=False)
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_updated_at'))
    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hits_searcher_agency_id'))
        batch_op.drop_index(batch_op.f('ix_hits_owner_id'))

    op.drop_table('hits')

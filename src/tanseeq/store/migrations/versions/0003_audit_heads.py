"""audit heads

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:02:25.604961
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tanseeq.store.tables

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_heads',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root', sa.String(length=64), nullable=False),
    sa.Column('timestamp', tanseeq.store.tables.UTCDateTime(), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_heads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_heads_tree_size'), ['tree_size'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('audit_heads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_heads_tree_size'))

    op.drop_table('audit_heads')

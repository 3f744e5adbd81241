"""review retention

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:30:00

Notice review checks and decisions, retention (issue 5): the findings of the review checks,
the retention reminders sent (one per object and review date) and the ids of purged objects.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tanseeq.store.tables

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

UTC = tanseeq.store.tables.UTCDateTime


def upgrade() -> None:
    op.create_table('notice_checks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('notice_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('run_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notice_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_checks_notice_id'), ['notice_id'], unique=False)
    op.create_table('retention_reminders',
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=False),
    sa.Column('sent_at', UTC(), nullable=False),
    sa.PrimaryKeyConstraint('object_id', 'review_date')
    )
    op.create_table('erasures',
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=False),
    sa.Column('purged_at', UTC(), nullable=False),
    sa.PrimaryKeyConstraint('object_id')
    )
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasures_purged_at'), ['purged_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasures_purged_at'))
    op.drop_table('erasures')
    op.drop_table('retention_reminders')
    with op.batch_alter_table('notice_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_checks_notice_id'))
    op.drop_table('notice_checks')

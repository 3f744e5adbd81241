"""workflows

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:30:00

Requests for assistance, hit judgements, notifications (issue 5).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tanseeq.store.tables

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

UTC = tanseeq.store.tables.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
    op.create_table('threads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('initiator_id', sa.String(length=36), nullable=False),
    sa.Column('tlp', sa.String(length=20), nullable=False),
    sa.Column('handling', sa.JSON(), nullable=False),
    sa.Column('handling_note', sa.Text(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('hit_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', UTC(), nullable=False),
    sa.Column('updated_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['initiator_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hit_id')
    )
    op.create_table('thread_parties',
    sa.Column('thread_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('added_at', UTC(), nullable=False),
    sa.Column('added_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.PrimaryKeyConstraint('thread_id', 'agency_id')
    )
    with op.batch_alter_table('thread_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_parties_agency_id'), ['agency_id'], unique=False)
    op.create_table('thread_messages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('thread_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.String(length=36), nullable=True),
    sa.Column('author_agency_id', sa.String(length=36), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('tlp', sa.String(length=20), nullable=False),
    sa.Column('handling', sa.JSON(), nullable=False),
    sa.Column('handling_note', sa.Text(), nullable=True),
    sa.Column('at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('thread_id', 'seq', name='uq_message_seq')
    )
    with op.batch_alter_table('thread_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_messages_thread_id'), ['thread_id'], unique=False)
    op.create_table('message_refs',
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('target_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['thread_messages.id'], ),
    sa.PrimaryKeyConstraint('message_id', 'kind', 'target_id')
    )
    op.create_table('attachments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['thread_messages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_message_id'), ['message_id'], unique=False)
    op.create_table('message_reads',
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['thread_messages.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('message_id', 'user_id')
    )
    op.create_table('hit_judgements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('hit_id', sa.String(length=36), nullable=False),
    sa.Column('searcher_agency_id', sa.String(length=36), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('judged_by', sa.String(length=36), nullable=True),
    sa.Column('judged_at', UTC(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('searcher_agency_id', 'record_id', 'fingerprint', name='uq_judged_pair')
    )
    with op.batch_alter_table('hit_judgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hit_judgements_record_id'), ['record_id'], unique=False)
    op.create_table('notifications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('refs', sa.JSON(), nullable=False),
    sa.Column('created_at', UTC(), nullable=False),
    sa.Column('read_at', UTC(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)
    op.create_table('notification_prefs',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('email_opt_in', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('mail_outbox',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('notification_id', sa.String(length=36), nullable=False),
    sa.Column('to_addr', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', UTC(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTC(), nullable=False),
    sa.Column('sent_at', UTC(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)


def downgrade() -> None:
    op.drop_table('mail_outbox')
    op.drop_table('notification_prefs')
    op.drop_table('notifications')
    op.drop_table('hit_judgements')
    op.drop_table('message_reads')
    op.drop_table('attachments')
    op.drop_table('message_refs')
    op.drop_table('thread_messages')
    op.drop_table('thread_parties')
    op.drop_table('threads')
    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.drop_column('fingerprint')

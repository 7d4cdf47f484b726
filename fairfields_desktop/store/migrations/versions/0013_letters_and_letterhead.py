"""letters and letterhead

The school's postal address and telephone (the letterhead of letters to families), and every letter to a
family about an event of a request, as printed or saved: who, when, to whom, its words and the PDF's hash.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('telephone', sa.String(length=40), nullable=True))

    op.create_table('request_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.Column('printed_by', sa.String(length=60), nullable=False),
    sa.Column('to', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['request_events.id'], name=op.f('fk_request_letters_event_id_request_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_letters_request_id_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_letters'))
    )
    with op.batch_alter_table('request_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_letters_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_letters_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('request_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_letters_request_id'))
        batch_op.drop_index(batch_op.f('ix_request_letters_event_id'))
    op.drop_table('request_letters')
    with op.batch_alter_table('school_settings', schema=None) as batch_op:
        batch_op.drop_column('telephone')
        batch_op.drop_column('address')

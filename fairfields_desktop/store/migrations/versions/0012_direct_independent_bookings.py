"""the headteacher's reason for booking an independent therapist directly

Independent therapy with pupils in the school day is booked by an approved request; the headteacher alone
may book it directly, and her reason is kept on the booking (null for every other booking).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 18:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('direct_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('direct_reason')

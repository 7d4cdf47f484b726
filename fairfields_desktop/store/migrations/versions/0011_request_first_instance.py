"""the policy's first instance on a request

A request records whether sessions outside the school day were considered, and why they will not do
(`outside_school_day`, text; empty for requests made before it was asked).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-14 09:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outside_school_day', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('outside_school_day')

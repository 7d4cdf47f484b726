"""off-site sessions outside the authorisation

An off-site session logged outside the authorised day or times is refused, unless the headteacher (or an
acting head) lets the pupil go with a reason: the session keeps the reason and who gave it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 16:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('off_site_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exception_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('exception_by', sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('off_site_sessions', schema=None) as batch_op:
        batch_op.drop_column('exception_by')
        batch_op.drop_column('exception_reason')

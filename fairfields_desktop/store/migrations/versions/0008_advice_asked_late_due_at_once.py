"""advice asked late is due at once

Advice asked less than two weeks before a review meeting was stored due on the circulation date, before
the day it was asked (a date the dataset loader rightly refuses, so a backup of such a school did not
restore). Such advice is due at once: its due date becomes the day it was asked.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 06:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    advice = sa.table('advice_requests', sa.column('requested_on', sa.Date()), sa.column('due', sa.Date()))
    op.execute(advice.update()
               .where(advice.c.due.is_not(None), advice.c.due < advice.c.requested_on)
               .values(due=advice.c.requested_on))


def downgrade() -> None:
    pass  # the dates mended stay mended: the earlier date was never right

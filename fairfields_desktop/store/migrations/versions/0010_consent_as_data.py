"""consent as data

A consent names its recipient (a professional on the register, or an organisation), the review pack's
sections it covers, who gave it (a parent with parental responsibility, or the young person), and may end
on a day (`until`). Consents recorded before, in words, keep their words and get no sections: they are
"to be reviewed" and share nothing until someone reviews them (`reviewed_on`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('professional_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sections', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('given_by_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_consents_professional_id'), ['professional_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_consents_professional_id_professionals'), 'professionals',
                                    ['professional_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_consents_given_by_kind'),
                                         "given_by_kind in ('parent', 'young_person')")


def downgrade() -> None:
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_consents_given_by_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_consents_professional_id_professionals'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_consents_professional_id'))
        batch_op.drop_column('reviewed_on')
        batch_op.drop_column('until')
        batch_op.drop_column('given_by_kind')
        batch_op.drop_column('sections')
        batch_op.drop_column('organisation')
        batch_op.drop_column('professional_id')

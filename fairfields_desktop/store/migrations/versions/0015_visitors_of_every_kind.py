"""visitors of every kind

Parents and carers, contractors, governors, students, supply staff and other visitors are signed in as well
as professionals: a visit has a kind; a visitor who is not on the register of professionals is named on the
visit, with their organisation, whom they visit, their badge and (a contractor or supply staff in regulated
activity) the DBS certificate seen or that they are escorted. A professional's visit is as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 09:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

KINDS = "'professional', 'parent', 'contractor', 'governor', 'student', 'supply', 'other'"


def upgrade() -> None:
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='professional', nullable=False))
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('visiting', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('badge', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('regulated', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('dbs_certificate', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('dbs_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('escorted', sa.Boolean(), server_default='0', nullable=False))
        batch_op.alter_column('professional_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('purpose', existing_type=sa.String(length=30), nullable=True)
        batch_op.create_index(batch_op.f('ix_visits_name'), ['name'], unique=False)
        batch_op.create_check_constraint('kind', f"kind in ({KINDS})")
        batch_op.create_check_constraint('who', "(kind = 'professional') = (professional_id is not null)")
        batch_op.create_check_constraint('named', "kind = 'professional' or name is not null")


def downgrade() -> None:
    op.execute("DELETE FROM visit_pupils WHERE visit_id IN (SELECT id FROM visits WHERE kind <> 'professional')")
    op.execute("DELETE FROM visits WHERE kind <> 'professional'")
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_visits_named'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_visits_who'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_visits_kind'), type_='check')
        batch_op.drop_index(batch_op.f('ix_visits_name'))
        batch_op.alter_column('purpose', existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column('professional_id', existing_type=sa.Integer(), nullable=False)
        for column in ('escorted', 'dbs_date', 'dbs_certificate', 'regulated', 'badge', 'visiting', 'organisation',
                       'name', 'kind'):
            batch_op.drop_column(column)

"""Job development by specialists and placements as IPS counts them.

Employers get contact fields and the specialist who recorded them (``developed_by``);
openings the specialist who developed them; placements the job title, employer, hourly
wage, weekly hours and the competitive-integrated flag, and may name no opening (a job the
client found outside the pool). Every new column has a default
or is nullable, so rows stored before keep their meaning (a liaison's, not developed).

Revision ID: 0008_job_development
Revises: 0007_record_salt
Create Date: 2026-12-01 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_job_development'
down_revision: str | None = '0007_record_salt'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('employers', schema=None) as batch_op:
        for name, length in (('contact_name', 120), ('contact_phone', 40), ('contact_email', 254),
                             ('contact_address', 400)):
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default='', nullable=False))
        batch_op.add_column(sa.Column('developed_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_employers_developed_by', 'users', ['developed_by'], ['id'])
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('developed_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_openings_developed_by', 'users', ['developed_by'], ['id'])
        batch_op.create_index(batch_op.f('ix_openings_developed_by'), ['developed_by'], unique=False)
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.alter_column('opening_id', existing_type=sa.String(length=32), nullable=True)
        batch_op.add_column(sa.Column('job_title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(
            sa.Column('employer_name', sa.String(length=200), server_default='', nullable=False)
        )
        batch_op.add_column(sa.Column('hourly_wage', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('weekly_hours', sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column('competitive_integrated', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('placements', schema=None) as batch_op:
        for name in ('competitive_integrated', 'weekly_hours', 'hourly_wage', 'employer_name', 'job_title'):
            batch_op.drop_column(name)
        batch_op.alter_column('opening_id', existing_type=sa.String(length=32), nullable=False)
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_openings_developed_by'))
        batch_op.drop_constraint('fk_openings_developed_by', type_='foreignkey')
        batch_op.drop_column('developed_by')
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_constraint('fk_employers_developed_by', type_='foreignkey')
        for name in ('developed_by', 'contact_address', 'contact_email', 'contact_phone', 'contact_name'):
            batch_op.drop_column(name)

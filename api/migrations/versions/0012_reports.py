"""Outcome reports and the fairness audit: clients' enrolment date, self-reported demographics.

``clients.enrolled_on`` (the day the client joined the program; outcome reports count days to a
first job from it) is backfilled from the day the client was added (``created_at``, UTC), then
made required. ``client_demographics`` holds a client's optional self-reported groups (sex,
race or ethnicity, age band, functional disability category), apart from the matching profile.

Revision ID: 0012_reports
Revises: 0011_posting_source
Create Date: 2026-12-01 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_reports'
down_revision: str | None = '0011_posting_source'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolled_on', sa.Date(), nullable=True))
    # SQLite keeps created_at as UTC text ("2026-03-02 09:30:00.000000"); PostgreSQL as timestamptz.
    day = "date(created_at)" if op.get_bind().dialect.name == "sqlite" else "(created_at AT TIME ZONE 'UTC')::date"
    op.execute(f"UPDATE clients SET enrolled_on = {day}")
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.alter_column('enrolled_on', existing_type=sa.Date(), nullable=False)
    op.create_table(
        'client_demographics',
        sa.Column('client_id', sa.String(length=32), nullable=False),
        sa.Column('sex', sa.String(length=32), nullable=True),
        sa.Column('race_ethnicity', sa.String(length=32), nullable=True),
        sa.Column('age_band', sa.String(length=32), nullable=True),
        sa.Column('disability', sa.String(length=32), nullable=True),
        sa.Column('recorded_by', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by'], ['users.id']),
        sa.PrimaryKeyConstraint('client_id'),
    )


def downgrade() -> None:
    op.drop_table('client_demographics')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('enrolled_on')

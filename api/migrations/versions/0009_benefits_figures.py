"""Benefits figures an admin loads for a new year (beside the packaged ``data/benefits_us_*.json``).

Revision ID: 0009_benefits_figures
Revises: 0008_job_development
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_benefits_figures'
down_revision: str | None = '0008_job_development'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('benefits_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('benefits_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefits_figures_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('benefits_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefits_figures_year'))
    op.drop_table('benefits_figures')

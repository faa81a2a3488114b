"""Inferred strengths a specialist removed for a client (not inferred again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('removed_strengths',
    sa.Column('client_id', sa.String(length=32), nullable=False),
    sa.Column('phrase_key', sa.String(length=400), nullable=False),
    sa.Column('phrase', sa.String(length=200), nullable=False),
    sa.Column('removed_by', sa.Integer(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['removed_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('client_id', 'phrase_key')
    )


def downgrade() -> None:
    op.drop_table('removed_strengths')

"""Pools of openings stored once, content-addressed; recommendation records reference one.

* ``opening_pools``: one row per pool version, keyed by the SHA-256 of its canonical JSON.
* ``recommendation_records.pool_hash``: the pool a record was computed against (its
  ``opening_snapshots`` is then empty). Existing records keep their own copy and a null
  ``pool_hash``: a plain ADD COLUMN, no UPDATE, so they verify as before.

Revision ID: 0005_pools
Revises: 0004
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_pools'
down_revision: str | None = '0005_tamper'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'opening_pools',
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('n_openings', sa.Integer(), nullable=False),
        sa.Column('openings', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('hash'),
    )
    op.add_column('recommendation_records', sa.Column('pool_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recommendation_records') as batch:
        batch.drop_column('pool_hash')
    op.drop_table('opening_pools')

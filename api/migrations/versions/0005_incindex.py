"""Openings record the openings version that last changed them: the change log of the matcher cache.

``openings.changed_version`` is the value of the ``openings`` counter after the
transaction that last wrote the opening; a worker whose fitted pool is at version
``v`` reads only the openings with ``changed_version > v`` and patches its index.
Existing openings get 0: every fitted pool loads them in full.

Revision ID: 0005_incindex
Revises: 0004
Create Date: 2026-12-01 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_incindex'
down_revision: str | None = '0005_pools'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_openings_changed_version', ['changed_version'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.drop_index('ix_openings_changed_version')
        batch_op.drop_column('changed_version')

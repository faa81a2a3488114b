"""Imported postings remember their source and their id there (job-board imports).

``openings.source`` (the import profile, e.g. ``linkedin``) and ``openings.external_id`` (the
posting's id on that board), unique together, so a re-import updates the opening it stored
before. Both are null for openings entered here (several nulls never collide).

Revision ID: 0011_posting_source
Revises: 0010_request_id
Create Date: 2026-12-01 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_posting_source'
down_revision: str | None = '0010_request_id'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('external_id', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint('uq_openings_source_external_id', ['source', 'external_id'])


def downgrade() -> None:
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.drop_constraint('uq_openings_source_external_id', type_='unique')
        batch_op.drop_column('external_id')
        batch_op.drop_column('source')

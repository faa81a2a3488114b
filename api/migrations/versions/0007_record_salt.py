"""Recommendation records get a random salt inside their hashes.

An unsalted hash of a record's inputs lets anyone who sees the hash and the rest of the
record (an auditor sees everything but the client's home) try every ZIP centre until the
hash matches: the home is found in seconds. From this revision each new record keeps a
random 128-bit salt, covered by its inputs hash and its content hash and shown to no one
but the verifier; records written before keep their unsalted hashes (they are sealed).

Revision ID: 0007_record_salt
Revises: 0006_poolchunks
Create Date: 2026-12-01 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_record_salt'
down_revision: str | None = '0006_poolchunks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy): the append-only triggers on the table stay.
    op.add_column('recommendation_records', sa.Column('salt', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recommendation_records', schema=None) as batch_op:
        batch_op.drop_column('salt')

"""Tokens that end and marked demo users: ``users.token_version`` and ``users.is_demo``.

* ``token_version``: copied into every access token and checked on each request; a password,
  role or active-state change and a logout add one, which ends the tokens issued before.
* ``is_demo``: set on the users ``placement-api demo`` creates; a start outside demo mode
  refuses to serve while such a user exists.

Revision ID: 0005_authn
Revises: 0004
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_authn'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('token_version', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('is_demo', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('is_demo')
        batch.drop_column('token_version')

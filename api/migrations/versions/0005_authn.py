"""Tokens that end and marked demo users: ``users.token_version`` and ``users.is_demo``.

* ``token_version``: copied into every access token and checked on each request; a password,
  role or active-state change and a logout add one, which ends the tokens issued before.
* ``is_demo``: set on the users ``placement-api demo`` creates; a start outside demo mode
  refuses to serve while such a user exists. Demo users of earlier versions (a demo username
  whose password is still the former default ``demo-password``) are marked here too.

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


_USERS = sa.table(
    'users',
    sa.column('id', sa.Integer()),
    sa.column('username', sa.String()),
    sa.column('hashed_password', sa.String()),
    sa.column('is_demo', sa.Boolean()),
)
# Frozen here: the demo usernames and default password before this revision.
_FORMER_DEMO_USERS = ('admin', 'specialist', 'specialist2', 'liaison', 'auditor')
_FORMER_DEMO_PASSWORD = 'demo-password'


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('token_version', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('is_demo', sa.Boolean(), nullable=False, server_default=sa.false()))
    _mark_former_demo_users()


def _mark_former_demo_users() -> None:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = PasswordHasher()
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_USERS.c.id, _USERS.c.hashed_password).where(_USERS.c.username.in_(_FORMER_DEMO_USERS))
    ).all()
    for user_id, hashed in rows:
        try:
            hasher.verify(hashed, _FORMER_DEMO_PASSWORD)
        except (VerificationError, InvalidHashError):
            continue
        bind.execute(sa.update(_USERS).where(_USERS.c.id == user_id).values(is_demo=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('is_demo')
        batch.drop_column('token_version')

"""Canonical JSON moves to RFC 8785: the audit chain records each event's form, config hashes are redone.

* ``audit_events.canon``: the canonical form an event (and the record it seals) was
  hashed in. Every existing event gets 1 (the former ``json.dumps`` form) through the
  column default, with no UPDATE (the table is append-only); new events are written with 2.
* ``program_configs.config_hash`` is recomputed over RFC 8785 (as ``MatcherConfig.config_hash``
  now is); the former value stays in ``legacy_config_hash``, since recommendation records
  and audit events of that time carry it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from matcher.canonical import canonical_bytes

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONFIGS = sa.table(
    'program_configs',
    sa.column('version', sa.Integer()),
    sa.column('config', sa.JSON()),
    sa.column('config_hash', sa.String()),
    sa.column('legacy_config_hash', sa.String()),
)


def _legacy_config_hash(config: dict[str, Any]) -> str:
    # MatcherConfig.config_hash before this revision, frozen here.
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild): the append-only triggers stay as they are.
    op.add_column('audit_events', sa.Column('canon', sa.Integer(), server_default=sa.text('1'), nullable=False))
    op.add_column('program_configs', sa.Column('legacy_config_hash', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_CONFIGS.c.version, _CONFIGS.c.config, _CONFIGS.c.config_hash)).all()
    for version, config, stored in rows:
        connection.execute(
            _CONFIGS.update()
            .where(_CONFIGS.c.version == version)
            .values(
                config_hash=hashlib.sha256(canonical_bytes(config)).hexdigest()[:16],
                legacy_config_hash=stored,
            )
        )


def downgrade() -> None:
    connection = op.get_bind()
    newer = connection.execute(sa.text('SELECT COUNT(*) FROM audit_events WHERE canon <> 1')).scalar()
    if newer:
        raise RuntimeError(
            f'{newer} audit events are hashed in RFC 8785 (canon 2): the former code could not verify them'
        )
    connection.execute(
        _CONFIGS.update()
        .where(_CONFIGS.c.legacy_config_hash.is_not(None))
        .values(config_hash=_CONFIGS.c.legacy_config_hash)
    )
    for version, config in connection.execute(
        sa.select(_CONFIGS.c.version, _CONFIGS.c.config).where(_CONFIGS.c.legacy_config_hash.is_(None))
    ).all():
        connection.execute(
            _CONFIGS.update().where(_CONFIGS.c.version == version).values(config_hash=_legacy_config_hash(config))
        )
    op.drop_column('program_configs', 'legacy_config_hash')
    op.drop_column('audit_events', 'canon')

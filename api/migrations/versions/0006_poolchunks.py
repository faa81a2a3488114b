"""Pools of openings stored by content: each opening snapshot once, each pool version as chunks.

* ``opening_snapshots``: one opening as the engine read it, keyed by the SHA-256 of its
  RFC 8785 text, however many pool versions hold it.
* ``pool_chunks``: runs of a pool's opening hashes (an RFC 8785 array), keyed by their hash.
* ``pool_manifests``: one row per pool version, its chunk hashes in order (``form`` 1 or 2,
  see ``api.audit.pools``).

Each ``opening_pools`` row (the whole pool as one text) is split into these, in form 1:
its hash, which recommendation records and their seals reference, stays the SHA-256 of
the array of the openings, rebuilt from the snapshots; records are not touched, so they
verify as before. ``opening_pools`` is then dropped.

Revision ID: 0006_poolchunks
Revises: 0005_incindex
Create Date: 2026-12-01 10:00:00
"""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matcher.canonical import canonical_text

revision: str = "0006_poolchunks"
down_revision: str | None = "0005_incindex"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SNAPSHOTS = sa.table("opening_snapshots", sa.column("hash", sa.String()), sa.column("snapshot", sa.Text()))
_CHUNKS = sa.table("pool_chunks", sa.column("hash", sa.String()), sa.column("openings", sa.Text()))


def _tables() -> tuple[sa.TableClause, sa.TableClause]:
    """``opening_pools`` and ``pool_manifests``; ``at`` copied as stored (on SQLite, the service's
    own UTC text format)."""
    at = sa.Text() if op.get_bind().dialect.name == "sqlite" else sa.DateTime(timezone=True)
    old = sa.table(
        "opening_pools",
        sa.column("hash", sa.String()),
        sa.column("at", at),
        sa.column("n_openings", sa.Integer()),
        sa.column("openings", sa.Text()),
    )
    manifests = sa.table(
        "pool_manifests",
        sa.column("hash", sa.String()),
        sa.column("at", at),
        sa.column("n_openings", sa.Integer()),
        sa.column("form", sa.Integer()),
        sa.column("chunks", sa.Text()),
    )
    return old, manifests


_FORM_OPENINGS = 1
_BOUNDARY = "00"  # api.audit.pools.BOUNDARY, frozen here


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _array(items: Sequence[str]) -> str:
    return "[" + ",".join(items) + "]"


def upgrade() -> None:
    op.create_table(
        "opening_snapshots",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    op.create_table(
        "pool_chunks",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("openings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    op.create_table(
        "pool_manifests",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_openings", sa.Integer(), nullable=False),
        sa.Column("form", sa.Integer(), nullable=False),
        sa.Column("chunks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    connection = op.get_bind()
    old_pools, manifests = _tables()
    snapshots: set[str] = set()
    chunks: set[str] = set()
    for (pool_hash,) in connection.execute(sa.select(old_pools.c.hash).order_by(old_pools.c.at)).all():
        at, text = connection.execute(
            sa.select(old_pools.c.at, old_pools.c.openings).where(old_pools.c.hash == pool_hash)
        ).one()
        texts = [canonical_text(o) for o in json.loads(text)]
        hashes = [_sha(t) for t in texts]
        new = {h: t for h, t in zip(hashes, texts, strict=True) if h not in snapshots}
        if new:
            connection.execute(sa.insert(_SNAPSHOTS), [{"hash": h, "snapshot": t} for h, t in new.items()])
            snapshots.update(new)
        keys, start = [], 0
        for i, h in enumerate(hashes):
            if h.startswith(_BOUNDARY) or i == len(hashes) - 1:
                body = _array([f'"{x}"' for x in hashes[start : i + 1]])
                key, start = _sha(body), i + 1
                if key not in chunks:
                    connection.execute(sa.insert(_CHUNKS).values(hash=key, openings=body))
                    chunks.add(key)
                keys.append(key)
        manifest = {
            "hash": pool_hash,
            "at": at,
            "n_openings": len(hashes),
            "form": _FORM_OPENINGS,
            "chunks": _array([f'"{k}"' for k in keys]),
        }
        connection.execute(sa.insert(manifests).values(**manifest))
    op.drop_table("opening_pools")


def downgrade() -> None:
    op.create_table(
        "opening_pools",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_openings", sa.Integer(), nullable=False),
        sa.Column("openings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    connection = op.get_bind()
    old_pools, manifests = _tables()
    later = connection.execute(
        sa.select(sa.func.count()).select_from(manifests).where(manifests.c.form != _FORM_OPENINGS)
    ).scalar_one()
    if later:
        # Their hash covers the openings' hashes, which 0005 cannot check: records would not verify.
        raise RuntimeError(f"{later} pool versions were stored after 0006; they cannot be downgraded")
    for pool_hash, at, n_openings, chunk_list in connection.execute(
        sa.select(manifests.c.hash, manifests.c.at, manifests.c.n_openings, manifests.c.chunks)
    ).all():
        hashes = [
            h
            for key in json.loads(chunk_list)
            for h in json.loads(
                connection.execute(sa.select(_CHUNKS.c.openings).where(_CHUNKS.c.hash == key)).scalar_one()
            )
        ]
        wanted, texts = sorted(set(hashes)), dict[str, str]()
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            found = sa.select(_SNAPSHOTS.c.hash, _SNAPSHOTS.c.snapshot).where(_SNAPSHOTS.c.hash.in_(batch))
            texts.update(connection.execute(found).all())
        openings = _array([texts[h] for h in hashes])
        connection.execute(
            sa.insert(old_pools).values(hash=pool_hash, at=at, n_openings=n_openings, openings=openings)
        )
    op.drop_table("pool_manifests")
    op.drop_table("pool_chunks")
    op.drop_table("opening_snapshots")

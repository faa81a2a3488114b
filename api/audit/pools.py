"""Pools of openings stored by content: each opening once, each pool version as a list of chunks.

A pool version is what the engine read: its openings' snapshots, in order. Each snapshot
is stored once (``opening_snapshots``) under the SHA-256 of its RFC 8785 text, however
many versions hold it. The pool's hash, which a recommendation record references and
its seal covers, is the SHA-256 of the RFC 8785 array of those hashes
(:func:`api.audit.chain.pool_hash`). The matcher cache keeps each opening's hash, computed
once when the opening enters or changes, so a new version after an edit costs a hash
over 64-character keys, not a canonical form of every opening.

The array of opening hashes is stored cut into chunks (``pool_chunks``) at boundaries
set by the content: a chunk ends after an opening whose hash starts with
:data:`BOUNDARY` (one in 256). Editing, adding or removing an opening changes the chunk
that holds it and moves no other boundary, so a new version stores one or two chunks,
its manifest (the chunk hashes, ``pool_manifests``) and the changed openings' snapshots:
tens of kB at 100k openings, not the whole pool.

Pools stored before revision 0006 (:data:`FORM_OPENINGS`) were one text, the RFC 8785 array
of the openings themselves; the migration split them the same way and their hash stays
the SHA-256 of ``[`` + the snapshot texts joined by ``,`` + ``]``, which is recomputed here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.audit import store
from api.audit.chain import hash_list_text, opening_text, pool_hash, text_hash

_log = logging.getLogger(__name__)

#: What a pool's hash is the SHA-256 of: the array of its openings (before 0006), or of their hashes.
FORM_OPENINGS, FORM_HASHES = 1, 2
#: A chunk ends after an opening whose hash starts with this (one in 256: about 17 kB a chunk).
BOUNDARY = "00"


class PoolError(Exception):
    """A stored pool that is missing, incomplete, or no longer matches its hash."""


@dataclass(frozen=True, slots=True)
class PoolVersion:
    """A pool of openings as the engine read it: each opening's hash and snapshot, in order."""

    hash: str
    opening_hashes: Sequence[str]
    snapshots: Sequence[dict[str, Any]]

    @classmethod
    def of(cls, snapshots: Sequence[dict[str, Any]]) -> PoolVersion:
        """The pool of these snapshots, hashing each one (a fresh pool; tests, one-off pools)."""
        hashes = [text_hash(opening_text(s)) for s in snapshots]
        return cls(pool_hash(hashes), hashes, snapshots)


def chunk_spans(opening_hashes: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of a pool's array of opening hashes."""
    ends = [i + 1 for i, h in enumerate(opening_hashes) if h.startswith(BOUNDARY)]
    if not ends or ends[-1] != len(opening_hashes):
        ends.append(len(opening_hashes))
    starts = [0, *ends[:-1]]
    return [(a, b) for a, b in zip(starts, ends, strict=True) if b > a]


def save_pool(session: Session, pool: PoolVersion, *, at: dt.datetime) -> bool:
    """Store a pool version unless it is there (True when stored); only what is new is written.

    The caller holds the chain lock, so no other writer stores pools meanwhile. The
    pool's hash and every snapshot written are checked against their content.
    """
    if store.pool_stored(session, pool.hash):
        return False
    hashes = pool.opening_hashes
    if len(hashes) != len(pool.snapshots) or pool_hash(hashes) != pool.hash:
        raise ValueError("pool hash is not the hash of the pool's opening hashes")
    spans = chunk_spans(hashes)
    texts = [hash_list_text(hashes[a:b]) for a, b in spans]
    keys = [text_hash(t) for t in texts]
    stored = store.pool_keys(session, "chunks", keys)
    new = [(k, t, span) for k, t, span in zip(keys, texts, spans, strict=True) if k not in stored]
    members = [i for _, _, (a, b) in new for i in range(a, b)]
    have = store.pool_keys(session, "snapshots", [hashes[i] for i in members])
    snapshots: dict[str, str] = {}
    for i in members:
        if hashes[i] in have or hashes[i] in snapshots:
            continue
        text = opening_text(pool.snapshots[i])
        if text_hash(text) != hashes[i]:
            raise ValueError(f"opening {i} of the pool does not match its hash")
        snapshots[hashes[i]] = text
    store.insert_absent(session, "snapshots", [{"hash": h, "snapshot": t} for h, t in snapshots.items()])
    store.insert_absent(session, "chunks", [{"hash": k, "openings": t} for k, t, _ in new])
    manifest = {
        "hash": pool.hash,
        "at": at,
        "n_openings": len(hashes),
        "form": FORM_HASHES,
        "chunks": keys,
    }
    store.insert_absent(session, "manifests", [manifest])
    return True


def _opening_hashes(
    session: Session, pool: str, chunks: dict[str, list[str] | None]
) -> tuple[int, list[str]]:
    """``(form, opening hashes)`` of a stored pool, from its manifest and chunks, checked.

    ``chunks`` holds the chunks read so far (None: altered) and gets the ones read now.
    """
    manifest = store.pool_manifest(session, pool)
    if manifest is None:
        raise PoolError(f"pool of openings {pool} is missing")
    form, text = manifest
    keys = _parse_hashes(text, pool)
    for key, chunk in store.pool_texts(session, "chunks", [k for k in keys if k not in chunks]).items():
        chunks[key] = _parse_hashes(chunk, pool) if text_hash(chunk) == key else None
    out: list[str] = []
    for key in keys:
        found = chunks.get(key)
        if found is None:
            raise PoolError(f"pool of openings {pool} was altered (a chunk is missing or changed)")
        out += found
    if form == FORM_HASHES and pool_hash(out) != pool:
        raise PoolError(f"pool of openings {pool} was altered")
    return form, out


def _parse_hashes(text: str, pool: str) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(h, str) for h in value):
        raise PoolError(f"pool of openings {pool} was altered (unreadable)")
    return value


def _ordered_texts(session: Session, pool: str, form: int, hashes: Sequence[str]) -> list[str]:
    """The snapshot texts of ``hashes`` in order, each checked against its hash."""
    texts = store.pool_texts(session, "snapshots", hashes)
    out = []
    for h in hashes:
        text = texts.get(h)
        if text is None or text_hash(text) != h:
            raise PoolError(f"pool of openings {pool} was altered (an opening is missing or changed)")
        out.append(text)
    if form == FORM_OPENINGS and text_hash("[" + ",".join(out) + "]") != pool:
        raise PoolError(f"pool of openings {pool} was altered")
    return out


def load_pool(session: Session, pool: str) -> list[dict[str, Any]]:
    """The openings of a stored pool version, in the order the engine read them, checked.

    Raises :class:`PoolError` when it is missing or no longer matches its hash.
    """
    form, hashes = _opening_hashes(session, pool, {})
    return [json.loads(t) for t in _ordered_texts(session, pool, form, hashes)]


def pool_openings(session: Session, pool: str) -> list[dict[str, Any]] | None:
    """The openings of a stored pool version (as :func:`load_pool`), or None when it is not
    stored or no longer matches its hash (which verification reports)."""
    try:
        return load_pool(session, pool)
    except PoolError as exc:
        _log.warning("%s", exc)
        return None


def pool_problems(session: Session, pools: Mapping[str, int]) -> list[tuple[int, str]]:
    """``(seq, message)`` for each referenced pool (pool hash -> first event seq) that fails.

    Every stored snapshot is rehashed once and every chunk read once, however many
    pool versions share them; pools stored before 0006 are rehashed as one text.
    """
    if not pools:
        return []
    intact = {h for h, text in store.stream_snapshots(session) if text_hash(text) == h}
    chunks: dict[str, list[str] | None] = {}
    problems = []
    for pool, seq in pools.items():
        try:
            form, hashes = _opening_hashes(session, pool, chunks)
            if form == FORM_OPENINGS:
                _ordered_texts(session, pool, form, hashes)
            elif not intact.issuperset(hashes):
                raise PoolError(f"pool of openings {pool} was altered (an opening is missing or changed)")
        except PoolError as exc:
            problems.append((seq, f"{exc} (record of event {seq})"))
    return problems

"""Pools of openings stored by content: each opening once, each pool version as a list of chunks.

A pool version is what the engine read: its openings' snapshots, in order. Each snapshot
is stored once (``opening_snapshots``) under the SHA-256 of its RFC 8785 text, however
many versions hold it. The array of those opening hashes is cut into chunks at
boundaries set by the content: a chunk ends after an opening whose hash starts with
:data:`BOUNDARY` (one in 256). Each chunk (``pool_chunks``) is stored under the SHA-256
of its RFC 8785 array of opening hashes, and the pool version (``pool_manifests``) under
the SHA-256 of the RFC 8785 array of its chunk hashes (:func:`api.audit.chain.pool_hash`):
the pool hash that recommendation records reference and their seals cover. Every level
is content-addressed, so verification rehashes each stored text as it is.

Editing, adding or removing an opening changes the chunk that holds it and moves no
other boundary. The matcher cache keeps each opening's hash (computed once when the
opening enters or changes) and the chunk hashes (:data:`ChunkMemo`), so a new version
after an edit hashes one chunk and the manifest, and stores those and the changed
opening's snapshot: tens of kB at 100k openings, not the whole pool.

Pools stored before revision 0006 (:data:`FORM_OPENINGS`) were one text, the RFC 8785 array
of the openings themselves; the migration split them the same way and their hash stays
the SHA-256 of ``[`` + the snapshot texts joined by ``,`` + ``]``, which is recomputed here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.audit import store
from api.audit.chain import hash_list_text, opening_text, pool_hash, text_hash

_log = logging.getLogger(__name__)

#: What a pool's hash is the SHA-256 of: the array of its openings (before 0006), or of its chunk hashes.
FORM_OPENINGS, FORM_CHUNKS = 1, 2
#: A chunk ends after an opening whose hash starts with this (one in 256: about 17 kB a chunk).
BOUNDARY = "00"


class PoolError(Exception):
    """A stored pool that is missing, incomplete, or no longer matches its hash."""


#: Chunk hashes by the chunk's opening hashes: a new pool version hashes only its new chunks.
ChunkMemo = MutableMapping[tuple[str, ...], str]


@dataclass(frozen=True, slots=True)
class PoolVersion:
    """A pool of openings as the engine read it: each opening's hash and snapshot, in order,
    its chunks ``(start, end, hash)`` and its hash (the hash of the chunk hashes)."""

    opening_hashes: Sequence[str]
    snapshots: Sequence[dict[str, Any]]
    chunks: Sequence[tuple[int, int, str]]
    hash: str

    @classmethod
    def build(
        cls, opening_hashes: Sequence[str], snapshots: Sequence[dict[str, Any]], memo: ChunkMemo | None = None
    ) -> PoolVersion:
        """The pool of these openings (``opening_hashes[i]`` is the hash of ``snapshots[i]``).

        ``memo`` keeps chunk hashes across versions: after an edit only the chunk holding
        the opening is hashed again (finding the boundaries is one pass over the hashes).
        """
        if len(opening_hashes) != len(snapshots):
            raise ValueError("a pool needs one hash per opening snapshot")
        chunks = [
            (a, b, _chunk_key(tuple(opening_hashes[a:b]), memo)) for a, b in chunk_spans(opening_hashes)
        ]
        return cls(opening_hashes, snapshots, chunks, pool_hash([k for _, _, k in chunks]))

    def edited(
        self,
        opening_hashes: Sequence[str],
        snapshots: Sequence[dict[str, Any]],
        changed: Collection[int],
        memo: ChunkMemo | None = None,
    ) -> PoolVersion:
        """The pool after the openings at positions ``changed`` were edited in place.

        Same openings in the same order, some of them changed: only a changed opening can
        move a boundary (its own), so the chunks are this pool's with those around the
        changed openings cut again, and only those hashed again; no pass over every opening.
        The result is the one :meth:`build` gives.
        """
        if len(opening_hashes) != len(self.opening_hashes) or len(snapshots) != len(opening_hashes):
            raise ValueError("an edited pool has the same openings, one hash per snapshot")
        ends = {b for _, b, _ in self.chunks}
        for i in changed:
            if opening_hashes[i].startswith(BOUNDARY):
                ends.add(i + 1)
            elif i + 1 < len(opening_hashes):
                ends.discard(i + 1)
        keys = {(a, b): key for a, b, key in self.chunks}
        dirty = sorted(changed)
        chunks = []
        a = 0
        for b in sorted(ends):
            key = keys.get((a, b))
            hit = bisect.bisect_left(dirty, a)
            if key is None or (hit < len(dirty) and dirty[hit] < b):  # a new span, or a changed member
                key = _chunk_key(tuple(opening_hashes[a:b]), memo)
            chunks.append((a, b, key))
            a = b
        return PoolVersion(opening_hashes, snapshots, chunks, pool_hash([k for _, _, k in chunks]))

    @classmethod
    def of(cls, snapshots: Sequence[dict[str, Any]]) -> PoolVersion:
        """The pool of these snapshots, hashing each one (a fresh pool; tests, one-off pools)."""
        return cls.build([text_hash(opening_text(s)) for s in snapshots], snapshots)


def _chunk_key(members: tuple[str, ...], memo: ChunkMemo | None) -> str:
    """The hash of a chunk of opening hashes (remembered in ``memo``)."""
    key = memo.get(members) if memo is not None else None
    if key is None:
        key = text_hash(hash_list_text(members))
        if memo is not None:
            memo[members] = key
    return key


def chunk_spans(opening_hashes: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of a pool's array of opening hashes."""
    ends = [i + 1 for i, h in enumerate(opening_hashes) if h.startswith(BOUNDARY)]
    if not ends or ends[-1] != len(opening_hashes):
        ends.append(len(opening_hashes))
    starts = [0, *ends[:-1]]
    return [(a, b) for a, b in zip(starts, ends, strict=True) if b > a]


def save_pool(session: Session, pool: PoolVersion, *, at: dt.datetime) -> bool:
    """Store a pool version unless it is there (True when stored); only what is new is written.

    The caller holds the chain lock, so no other writer stores pools meanwhile. Every
    chunk and snapshot written is checked against its hash, and the pool's hash is
    the hash of its chunks' (:class:`PoolVersion` builds it so).
    """
    if store.pool_stored(session, pool.hash):
        return False
    hashes = pool.opening_hashes
    stored = store.pool_keys(session, "chunks", [k for _, _, k in pool.chunks])
    new: dict[str, str] = {}
    for a, b, key in pool.chunks:
        if key not in stored and key not in new:
            new[key] = hash_list_text(hashes[a:b])
            if text_hash(new[key]) != key:
                raise ValueError(f"chunk {key} of the pool does not match its hash")
    members = [i for a, b, key in pool.chunks if key in new for i in range(a, b)]
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
    store.insert_absent(session, "chunks", [{"hash": k, "openings": t} for k, t in new.items()])
    manifest = {
        "hash": pool.hash,
        "at": at,
        "n_openings": len(hashes),
        "form": FORM_CHUNKS,
        "chunks": [k for _, _, k in pool.chunks],
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
    if form == FORM_CHUNKS and text_hash(text) != pool:
        raise PoolError(f"pool of openings {pool} was altered")
    keys = _parse_hashes(text, pool)
    for key, chunk in store.pool_texts(session, "chunks", [k for k in keys if k not in chunks]).items():
        chunks[key] = _parse_hashes(chunk, pool) if text_hash(chunk) == key else None
    out: list[str] = []
    for key in keys:
        found = chunks.get(key)
        if found is None:
            raise PoolError(f"pool of openings {pool} was altered (a chunk is missing or changed)")
        out += found
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

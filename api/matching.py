"""The fitted Matcher kept by the app, and shortlists stored as recommendation records.

Fitting indexes every open opening (text model, features), so it is done once
per ``(config version, as_of, filters)`` and then kept up to date: each request
reads the openings version (one counter), and when openings changed since the
fitted pool's version the matcher is patched with just those openings
(``Matcher.update_openings``: append, patch, drop), read from the change log
``openings.changed_version``. After ``refit_after`` incremental changes a full
refit runs in a background thread and is swapped in atomically; requests keep
using the patched matcher meanwhile. Every worker process does the same check,
so several workers stay consistent (docs/operators.md, "Several workers").

When an O*NET occupation store has been imported (``Settings.occupations_path``),
it is loaded once with the cache and every pool of openings is enriched from it
before fitting: unrated demands, missing skills and RIASEC are inferred and
marked as such (``matcher.occupations.enrich_openings``). The engine is built by
``matcher.assembly.build_matcher``, as everywhere else.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import gc
import logging
import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from sqlalchemy.orm import Session

from api import benefits, store
from api.audit.chain import opening_text, text_hash
from api.audit.pools import PoolVersion
from api.models import Opening as OpeningRow
from api.models import ProgramConfig
from api.occupations import cached_store
from api.schemas import ShortlistFilters
from matcher.assembly import OpeningEnricher, build_matcher, trained_text_model
from matcher.commute import TravelTimes
from matcher.config import MatcherConfig
from matcher.occupations import OccupationStore
from matcher.pipeline import Matcher
from matcher.records import opening_from_record, opening_to_record
from matcher.vocab import load_vocabulary

_log = logging.getLogger(__name__)

CacheKey = tuple[int, dt.date, tuple[Any, ...]]  # (config version, as_of, filters)


@dataclass(frozen=True, slots=True)
class Fitted:
    """A matcher fitted on a pool of openings, with the records it was fitted on.

    ``records`` are the stored records; ``pool`` what the engine saw (the same, or
    enriched from the occupation store when one is in use), each opening with its
    content hash, and the pool's hash, which recommendation records reference
    (:mod:`api.audit.pools`).
    """

    matcher: Matcher
    records: dict[str, dict[str, Any]]
    config_version: int
    pool: PoolVersion

    @property
    def pool_hash(self) -> str:
        return self.pool.hash


def load_occupations(path: Path | None) -> OccupationStore | None:
    """The O*NET occupation store imported at ``path`` (loaded once per process), or None."""
    return cached_store(path)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A fitted pool and the openings version it reflects; replaced, never modified.

    ``order`` and ``position`` (by opening id, in the order of ``fitted.records`` and of
    the pool version's snapshots and hashes) are what a patch starts from: an edit writes
    the changed openings' hashes into a copy of the pool's list at their places, and only
    they are hashed again. Versions that only edit share them.
    """

    fitted: Fitted
    version: int
    order: dict[str, tuple[dt.datetime, str]]  # stored order of each record: (created_at, id)
    position: dict[str, int]  # each opening's place in the pool (the order of ``fitted.records``)
    changes: int = 0  # openings patched in since the last full fit
    refitting: bool = False


class MatcherCache:
    """Thread-safe cache of fitted matchers (the unfiltered pool and a few filtered ones).

    ``refit_after``: incremental opening changes after which a full refit runs in the background.
    """

    def __init__(
        self,
        max_entries: int = 8,
        *,
        text_model: Any = None,
        text_model_id: str | None = None,
        occupations: OccupationStore | None = None,
        refit_after: int = 1000,
        travel_times: TravelTimes | None = None,
        shortlists_kept: int = 256,
    ) -> None:
        self._lock = threading.Lock()  # one fit or update at a time; LRUCache itself is not thread-safe
        self._entries: LRUCache[CacheKey, _Entry] = LRUCache(maxsize=max_entries)
        self.n_fits = 0  # full fits (in a request or in the background)
        self.n_updates = 0  # incremental updates
        self.refit_after = refit_after
        self._refits: list[threading.Thread] = []
        # A pre-trained text model (``models/text_model.joblib``) keeps text similarity
        # independent of which openings happen to be open; None fits one per pool.
        self.text_model = text_model
        self.text_model_id = text_model_id
        # Loaded once; None when no O*NET store was imported (nothing is inferred then).
        self.occupations = occupations
        self.travel_times = travel_times  # GTFS transit (api.travel), given to every fitted matcher
        # Remembers each enriched opening: a refit after one opening changed re-enriches only that one.
        self._enricher = OpeningEnricher(occupations) if occupations is not None else None
        # Each opening's content hash with the openings version it was computed at
        # (``changed_version``, bumped by every write): a refit rehashes only what changed.
        # Plain dict operations, safe from the background refit thread under the GIL.
        self._hashes: dict[str, tuple[int, str]] = {}
        # Chunk hashes by their openings' hashes (api.audit.pools): a new pool version hashes
        # only its new chunks. Bounded: a few pools' worth of chunks of ~256 openings.
        self._chunks: LRUCache[tuple[str, ...], str] = LRUCache(maxsize=8192)
        self._chunks_lock = threading.Lock()
        # Rankings by everything that determines them (api.shortlists): a GET whose inputs did
        # not change is given the same ranking without running the engine again.
        self.shortlists = Memo(maxsize=shortlists_kept)

    @classmethod
    def with_artifacts(
        cls, *, occupations_path: Path | None = None, travel_times: TravelTimes | None = None
    ) -> MatcherCache:
        """A cache using the trained text model when it is there and matches this install,
        and the occupation store at ``occupations_path`` when one was imported there."""
        model, text_model_id = trained_text_model()
        return cls(
            text_model=model,
            text_model_id=text_model_id,
            occupations=load_occupations(occupations_path),
            travel_times=travel_times,
        )

    def get(self, session: Session, *, as_of: dt.date, filters: ShortlistFilters) -> Fitted:
        """The matcher for the current openings and configuration, fitting or patching it if needed."""
        config_row = store.config.current(session)
        config_version = config_row.version if config_row else 0
        version = store.openings.openings_version(session)  # read before any opening row
        key: CacheKey = (config_version, as_of, _filter_key(filters))
        with self._lock:
            entry = self._entries.get(key)  # a hit becomes the most recently used
            if entry is None:
                entry = self._full_fit(session, config_row, version, as_of, filters)
            elif entry.version < version:
                entry = self._update(session, entry, version, as_of, filters)
            else:
                return entry.fitted
            if entry.changes > self.refit_after and not entry.refitting:
                entry = dataclasses.replace(entry, refitting=True)
                self._refit_in_background(session, key, filters)
            self._entries[key] = entry  # evicts the least recently used beyond max_entries
            return entry.fitted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
        self.shortlists.clear()

    def wait_for_refits(self, timeout: float | None = None) -> None:
        """Wait for the background refits started so far (tests, shutdown)."""
        for thread in list(self._refits):
            thread.join(timeout)

    def _full_fit(
        self,
        session: Session,
        config_row: ProgramConfig | None,
        version: int,
        as_of: dt.date,
        filters: ShortlistFilters,
    ) -> _Entry:
        rows = [o for o in store.openings.matchable(session, as_of=as_of) if _keep(o, filters)]
        config_version = config_row.version if config_row else 0
        fitted = self._fit(rows, benefits.config_for(session, config_row, as_of), config_version, as_of)
        self.n_fits += 1
        order = {row.id: (row.created_at, row.id) for row in rows}
        # What stays for the life of the process goes to the permanent generation: the collector
        # no longer walks the pool's millions of objects on a later request (100+ ms at 100k).
        # Thawed and collected first, so a pool evicted or replaced since the last full fit is
        # freed even if it holds reference cycles (one full collection a fit: 0.7 s at 100k,
        # beside the fit's ~25 s).
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        return _Entry(fitted, version, order, _positions(order))

    def _update(
        self, session: Session, entry: _Entry, version: int, as_of: dt.date, filters: ShortlistFilters
    ) -> _Entry:
        """``entry`` patched with the openings written since its version (append / patch / drop)."""
        old = entry.fitted
        upserts: list[OpeningRow] = []
        removed: set[str] = set()
        for row, matchable in store.openings.changed_since(session, version=entry.version, as_of=as_of):
            if matchable and _keep(row, filters):
                upserts.append(row)
            elif row.id in old.records:
                removed.add(row.id)
        vocab = load_vocabulary()
        openings = [opening_from_record(row.record, vocab) for row in upserts]
        seen = self._enricher(openings) if self._enricher is not None else openings
        matcher = copy.copy(old.matcher)  # requests holding the old one keep their pool
        matcher.update_openings(seen, removed)
        snapshot = {
            row.id: opening_to_record(opening) if self._enricher is not None else row.record
            for row, opening in zip(upserts, seen, strict=True)
        }
        digest = {row.id: self._opening_hash(row, snapshot[row.id]) for row in upserts}
        records = dict(old.records)  # by id: what a shortlist shows of its suggestions
        records.update((row.id, row.record) for row in upserts)
        if removed or any(row.id not in old.records for row in upserts):
            order, position, pool = self._placed(entry, records, upserts, removed, snapshot, digest)
            records = {i: records[i] for i in order}  # the pool's order
        else:  # edits only: the same openings in the same places; only their chunks are cut again
            order, position = entry.order, entry.position
            hashes, snapshots = list(old.pool.opening_hashes), list(old.pool.snapshots)
            for i in snapshot:
                hashes[position[i]], snapshots[position[i]] = digest[i], snapshot[i]
            with self._chunks_lock:
                pool = old.pool.edited(hashes, snapshots, [position[i] for i in snapshot], self._chunks)
        fitted = Fitted(matcher=matcher, records=records, config_version=old.config_version, pool=pool)
        self.n_updates += 1
        _log.info(
            "patched the pool to openings v%d: %d upserted, %d removed", version, len(seen), len(removed)
        )
        changes = entry.changes + len(upserts) + len(removed)
        return dataclasses.replace(
            entry, fitted=fitted, version=version, order=order, position=position, changes=changes
        )

    def _placed(
        self,
        entry: _Entry,
        records: dict[str, dict[str, Any]],
        upserts: list[OpeningRow],
        removed: set[str],
        snapshot: dict[str, dict[str, Any]],
        digest: dict[str, str],
    ) -> tuple[dict[str, tuple[dt.datetime, str]], dict[str, int], PoolVersion]:
        """The stored order, places and pool version after openings were added or dropped."""
        pool = entry.fitted.pool
        order = dict(entry.order)  # copied: the entry's is shared with the versions before
        snapshots = dict(zip(entry.order, pool.snapshots, strict=True))
        hashes = dict(zip(entry.order, pool.opening_hashes, strict=True))
        for i in removed:
            del records[i], order[i], snapshots[i], hashes[i]
        last = order[next(reversed(order))] if order else None
        appended = [row.id for row in upserts if row.id not in order]
        for row in upserts:
            order[row.id] = (row.created_at, row.id)
            snapshots[row.id], hashes[row.id] = snapshot[row.id], digest[row.id]
        keys = [order[i] for i in appended]
        if keys and (keys != sorted(keys) or (last is not None and keys[0] < last)):
            # e.g. a reopened opening: back to the stored order, as a full fit reads it
            order = {i: order[i] for i in sorted(order, key=order.__getitem__)}
        ids = list(order)
        pool = self._pool([hashes[i] for i in ids], [snapshots[i] for i in ids])
        return order, _positions(ids), pool

    def _pool(self, hashes: list[str], snapshots: list[dict[str, Any]]) -> PoolVersion:
        """The pool version of these openings; chunks unchanged since an earlier version are not rehashed."""
        with self._chunks_lock:  # the background refit builds pools too
            return PoolVersion.build(hashes, snapshots, self._chunks)

    def _opening_hash(self, row: OpeningRow, snapshot: dict[str, Any]) -> str:
        """The content hash of one opening's snapshot, computed once per version of the opening."""
        known = self._hashes.get(row.id)
        if known is not None and known[0] == row.changed_version:
            return known[1]
        digest = text_hash(opening_text(snapshot))
        self._hashes[row.id] = (row.changed_version, digest)
        return digest

    def _refit_in_background(self, session: Session, key: CacheKey, filters: ShortlistFilters) -> None:
        """Refit ``key``'s pool in a thread of its own and swap it in when done."""
        bind = session.get_bind()

        def work() -> None:
            try:
                with Session(bind) as own:
                    config_row = store.config.current(own)
                    if (config_row.version if config_row else 0) != key[0]:
                        return  # the configuration changed: that pool is fitted afresh on demand
                    version = store.openings.openings_version(own)
                    entry = self._full_fit(own, config_row, version, key[1], filters)
            except Exception:  # a failed refit leaves the patched pool in use
                _log.exception("background refit failed")
                entry = None
            with self._lock:
                current = self._entries.get(key)
                if entry is not None and current is not None:
                    self._entries[key] = entry  # newer changes are patched in by the next request
                elif current is not None:
                    self._entries[key] = dataclasses.replace(current, refitting=False)

        thread = threading.Thread(target=work, name="matcher-refit", daemon=True)
        self._refits = [t for t in self._refits if t.is_alive()] + [thread]
        thread.start()

    def _fit(
        self, rows: list[OpeningRow], config: MatcherConfig, config_version: int, as_of: dt.date
    ) -> Fitted:
        vocab = load_vocabulary()
        records = {row.id: row.record for row in rows}
        openings = [opening_from_record(record, vocab) for record in records.values()]
        matcher = build_matcher(
            openings,
            as_of=as_of,
            config=config,
            vocabulary=vocab,
            text_model=self.text_model,
            occupations=self._enricher,
            travel_times=self.travel_times,
        )
        snapshots = list(records.values())
        if self._enricher is not None:  # what the engine saw: the enriched records, in stored order
            seen = {o.id: o for o in matcher.index.openings}
            snapshots = [opening_to_record(seen[o.id]) for o in openings]
        hashes = [self._opening_hash(row, snapshot) for row, snapshot in zip(rows, snapshots, strict=True)]
        _log.info("fitted on %d openings (config v%d, %s)", len(rows), config_version, as_of)
        return Fitted(
            matcher=matcher,
            records=records,
            config_version=config_version,
            pool=self._pool(hashes, snapshots),
        )


class Memo:
    """A small thread-safe LRU map (``LRUCache`` itself is not thread-safe)."""

    def __init__(self, maxsize: int) -> None:
        self._lock = threading.Lock()
        self._items: LRUCache[Hashable, Any] = LRUCache(maxsize=maxsize)

    def get(self, key: Hashable) -> Any:
        with self._lock:
            return self._items.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def _positions(ids: Iterable[str]) -> dict[str, int]:
    return {i: k for k, i in enumerate(ids)}


def _filter_key(filters: ShortlistFilters) -> tuple[Any, ...]:
    return (
        tuple(sorted(i.casefold() for i in filters.industries)),
        tuple(sorted(filters.employer_ids)),
        filters.remote_only,
        filters.min_hourly_wage,
    )


def _keep(row: OpeningRow, filters: ShortlistFilters) -> bool:
    record = row.record
    industries = {i.casefold() for i in filters.industries}
    if industries and str(record.get("industry", "")).casefold() not in industries:
        return False
    if filters.employer_ids and row.employer_id not in filters.employer_ids:
        return False
    if filters.remote_only and not record.get("remote"):
        return False
    wage, stated = filters.min_hourly_wage, record.get("hourly_wage")
    # pay not stated is a question (WAGE_NOT_STATED), not a failure: the filter keeps the opening
    return wage is None or stated is None or float(stated) >= wage

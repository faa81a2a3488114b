"""The fitted Matcher kept by the app, and shortlists stored as recommendation records.

Fitting indexes every open opening (text model, features), so it is done once
and reused until the openings, the program configuration or the date change:
the cache key is ``(openings version, config version, as_of)``.

When an O*NET occupation store has been imported (``Settings.occupations_path``),
it is loaded once with the cache and every pool of openings is enriched from it
before fitting: unrated demands, missing skills and RIASEC are inferred and
marked as such (``matcher.occupations.enrich_openings``). The engine is built by
``matcher.assembly.build_matcher``, as everywhere else.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from sqlalchemy.orm import Session

from api import store
from api.models import Opening as OpeningRow
from api.schemas import ShortlistFilters
from matcher.assembly import OpeningEnricher, build_matcher, trained_text_model
from matcher.canonical import sha256_hex
from matcher.config import MatcherConfig
from matcher.occupations import OccupationStore, StoreError
from matcher.pipeline import Matcher
from matcher.records import opening_from_record, opening_to_record
from matcher.vocab import load_vocabulary

_log = logging.getLogger(__name__)

CacheKey = tuple[int, int, dt.date, tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Fitted:
    """A matcher fitted on a pool of openings, with the records it was fitted on.

    ``records`` are the stored records; ``snapshots`` what the engine saw (the same,
    or enriched from the occupation store when one is in use).
    """

    matcher: Matcher
    records: dict[str, dict[str, Any]]
    config_version: int
    snapshots: list[dict[str, Any]]
    # Content address of ``snapshots`` (SHA-256 of their RFC 8785 form), computed once at fit:
    # recommendation records reference the pool by it (``opening_pools``).
    pool_hash: str = ""


def load_occupations(path: Path | None) -> OccupationStore | None:
    """The O*NET occupation store imported at ``path``, or None when there is none."""
    if path is None:
        return None
    if not (path / "metadata.json").exists():
        _log.info("no occupation store at %s: demands and strengths are not inferred", path)
        return None
    try:
        occupations = OccupationStore.load(path)
    except StoreError as exc:
        _log.warning("%s; demands and strengths are not inferred", exc)
        return None
    _log.info("using the occupation store %s (%d occupations)", path, len(occupations))
    return occupations


class MatcherCache:
    """Thread-safe cache of fitted matchers (the unfiltered pool and a few filtered ones)."""

    def __init__(
        self,
        max_entries: int = 8,
        *,
        text_model: Any = None,
        text_model_id: str | None = None,
        occupations: OccupationStore | None = None,
    ) -> None:
        self._lock = threading.Lock()  # one fit at a time; LRUCache itself is not thread-safe
        self._entries: LRUCache[CacheKey, Fitted] = LRUCache(maxsize=max_entries)
        self.n_fits = 0
        # A pre-trained text model (``models/text_model.joblib``) keeps text similarity
        # independent of which openings happen to be open; None fits one per pool.
        self.text_model = text_model
        self.text_model_id = text_model_id
        # Loaded once; None when no O*NET store was imported (nothing is inferred then).
        self.occupations = occupations
        # Remembers each enriched opening: a refit after one opening changed re-enriches only that one.
        self._enricher = OpeningEnricher(occupations) if occupations is not None else None

    @classmethod
    def with_artifacts(cls, *, occupations_path: Path | None = None) -> MatcherCache:
        """A cache using the trained text model when it is there and matches this install,
        and the occupation store at ``occupations_path`` when one was imported there."""
        model, text_model_id = trained_text_model()
        return cls(
            text_model=model, text_model_id=text_model_id, occupations=load_occupations(occupations_path)
        )

    def get(self, session: Session, *, as_of: dt.date, filters: ShortlistFilters) -> Fitted:
        """The matcher for the current openings and configuration, fitting it if needed."""
        config_row = store.config.current(session)
        config_version = config_row.version if config_row else 0
        key: CacheKey = (
            store.openings.openings_version(session),
            config_version,
            as_of,
            _filter_key(filters),
        )
        with self._lock:
            fitted = self._entries.get(key)  # a hit becomes the most recently used
            if fitted is not None:
                return fitted
            rows = [o for o in store.openings.matchable(session, as_of=as_of) if _keep(o, filters)]
            config = store.config.matcher_config(config_row)
            fitted = self._fit(rows, config, config_version, as_of)
            self.n_fits += 1
            self._entries[key] = fitted  # evicts the least recently used beyond max_entries
            return fitted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

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
        )
        snapshots = list(records.values())
        if self._enricher is not None:  # what the engine saw: the enriched records, in stored order
            seen = {o.id: o for o in matcher.index.openings}
            snapshots = [opening_to_record(seen[o.id]) for o in openings]
        _log.info("fitted on %d openings (config v%d, %s)", len(rows), config_version, as_of)
        return Fitted(
            matcher=matcher,
            records=records,
            config_version=config_version,
            snapshots=snapshots,
            pool_hash=sha256_hex(snapshots),
        )


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
    wage = filters.min_hourly_wage
    return wage is None or float(record.get("hourly_wage", 0.0)) >= wage

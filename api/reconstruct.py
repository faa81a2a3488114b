"""Rebuild a past shortlist from its recommendation record and the stored pool version.

The record keeps the client the engine read, the pool of openings by hash
(stored by content, :mod:`api.audit.pools`; older records keep their own copy), the configuration
version, the text model id, the date, ``k``, the rejected openings and the GTFS feeds by
name and content hash (``travel``). The
engine is built again from exactly those (``matcher.assembly.build_matcher``), with the
feeds configured now, and ranks again; the result is compared, field by field, with what
was shown: a feed changed since the record shows as a difference in ``travel`` (and in the
configuration hash, which covers the feeds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import benefits, store, travel
from api.audit.models import RecommendationRecord
from api.audit.pools import PoolError, load_pool
from api.shortlists import ENGINE_FIELDS, NEAR_MISSES, recorded_suggestion
from matcher.assembly import build_matcher
from matcher.commute import TravelTimes
from matcher.config import MatcherConfig
from matcher.records import client_from_record, opening_from_record
from matcher.serialize import shortlist_to_dict
from matcher.vocab import load_vocabulary

_SHORTLIST_FIELDS = (
    "n_considered",
    "n_excluded",
    "exclusion_counts",
    "engine_version",
    "config_hash",
    "travel",
)


class ReconstructError(Exception):
    """The record cannot be rebuilt (its pool, configuration or text model is not available)."""


@dataclass(frozen=True, slots=True)
class Reconstruction:
    """A rebuilt shortlist and how it compares with the recorded one."""

    record_id: str
    pool_hash: str | None
    n_openings: int
    shortlist: dict[str, Any]
    differences: list[str]

    @property
    def identical(self) -> bool:
        return not self.differences


def _config(
    session: Session,
    version: int,
    config_hash: str,
    as_of: dt.date,
    feeds: list[dict[str, str]] | None = None,
) -> MatcherConfig:
    """The record's configuration; ``config_hash`` covers the recorded GTFS ``feeds`` when it has any."""
    rows = (
        [None] if version == 0 else [r for r in store.config.list_versions(session) if r.version == version]
    )
    if not rows:
        raise ReconstructError(f"configuration version {version} ({config_hash}) is not stored")
    # A record made before the benefits figures were picked by date used the version's own figures.
    pinned = store.config.matcher_config(rows[0])
    former = {pinned.config_hash, rows[0].legacy_config_hash if rows[0] is not None else None}
    former = {travel.config_hash(h, feeds or []) for h in former if h is not None}
    return pinned if config_hash in former else benefits.config_for(session, rows[0], as_of)


def _openings(session: Session, record: RecommendationRecord) -> list[dict[str, Any]]:
    if record.pool_hash is None:
        return list(record.opening_snapshots)
    try:
        return load_pool(session, record.pool_hash)
    except PoolError as exc:
        raise ReconstructError(str(exc)) from None


def reconstruct(
    session: Session,
    record: RecommendationRecord,
    *,
    text_model: Any,
    text_model_id: str | None,
    travel_times: TravelTimes | None = None,
) -> Reconstruction:
    """Rank the record's client against the record's pool again and compare with what was shown."""
    shown = record.shortlist
    recorded_model = shown.get("text_model")
    if recorded_model is not None and recorded_model != text_model_id:
        raise ReconstructError(f"text model {recorded_model} is not the one installed ({text_model_id})")
    vocab = load_vocabulary()
    records = _openings(session, record)
    as_of = dt.date.fromisoformat(str(shown["as_of"]))
    recorded_feeds = shown.get("travel", {}).get("gtfs_feeds", [])
    config = _config(session, int(shown.get("config_version", 0)), record.config_hash, as_of, recorded_feeds)
    matcher = build_matcher(
        [opening_from_record(r, vocab) for r in records],
        as_of=as_of,
        config=config,
        vocabulary=vocab,
        text_model=text_model if recorded_model is not None else None,
        travel_times=travel_times,  # the service's GTFS feeds, as the shortlist was made
    )
    client = client_from_record(record.client_snapshot)
    rejected = list(shown.get("rejected", []))
    (again,) = matcher.recommend(
        [client],
        k=int(shown["k"]),
        blocked={client.id: rejected},
        explain_exclusions=False,
        near_misses=NEAR_MISSES,
    )
    rebuilt = shortlist_to_dict(again)
    if "travel" in shown:  # recorded since feeds are: the hash covers the feeds configured now
        feeds = travel.feed_versions(travel_times)
        rebuilt["config_hash"] = travel.config_hash(rebuilt["config_hash"], feeds)
        rebuilt["travel"] = {"gtfs_feeds": feeds}
    return Reconstruction(
        record_id=record.id,
        pool_hash=record.pool_hash,
        n_openings=len(records),
        shortlist=rebuilt,
        differences=_differences(shown, rebuilt),
    )


def _differences(shown: dict[str, Any], rebuilt: dict[str, Any]) -> list[str]:
    """Names of the fields that differ (``suggestions[2].score``); empty when identical."""
    out = [f for f in _SHORTLIST_FIELDS if f in shown and shown[f] != rebuilt[f]]
    before, after = shown.get("suggestions", []), rebuilt["suggestions"]
    if len(before) != len(after):
        out.append("suggestions (count)")
    for i, (a, b) in enumerate(zip(before, after, strict=False)):
        if "explanation_hash" in a:  # a record keeps numbers and codes, its texts by hash
            kept = recorded_suggestion(b)
            out += [f"suggestions[{i}].{f}" for f in a if a[f] != kept.get(f)]
        else:
            out += [f"suggestions[{i}].{f}" for f in ENGINE_FIELDS if a.get(f) != b.get(f)]
    summary = shown.get("exclusions")
    misses = summary.get("nearest_misses") if isinstance(summary, dict) else None
    if misses is not None:
        keys = ("opening_id", "score", "code", "why", "feasible_if")
        strip = [{k: m.get(k) for k in keys} for m in misses]
        again = [{k: m.get(k) for k in keys} for m in rebuilt["near_misses"]]
        if strip != again:
            out.append("exclusions.nearest_misses")
    return out

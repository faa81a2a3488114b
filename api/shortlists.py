"""Shortlists for one client, each stored as a recommendation record in the audit trail.

With an occupation store in use, the client gets strengths inferred from past job
titles (minus those the specialist removed) and the openings inferred demands; the
audit record keeps the enriched records the engine actually saw.

A shortlist is computed with reads only (no lock held while the engine ranks) and
then stored in a short write transaction that only inserts the record and its
chain event, retried a few times when it meets contention (``api.db.run_write``).

The record references the pool of openings by its hash (``Fitted.pool``: each opening
stored once by content, a new pool version stores only what changed, :mod:`api.audit.pools`),
not a copy, and the GTFS feeds that gave transit minutes by name and content hash
(``travel``, folded into its configuration hash too: :mod:`api.travel`). Exclusions are
summarised: counts by reason code and the nearest misses; every why-not is computed on
request, a page at a time (:func:`list_exclusions`) or for one opening (:func:`explain_pair`).

A GET may reuse the ranking of identical inputs made earlier in this process
(``MatcherCache.shortlists``, keyed by everything the engine reads): it is still recorded,
as a record of its own, and reconstructs like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import store, travel
from api.audit import record_recommendation
from api.audit.models import AuditEvent
from api.audit.pools import PoolVersion
from api.db import run_write
from api.fit_bands import fit_band
from api.inferred import client_snapshot, engine_client
from api.matching import Fitted, MatcherCache
from api.models import Client as ClientRow
from api.models import Opening as OpeningRow
from api.models import User
from api.options import ShortlistRead, shortlist_options
from api.rematch.store import other_list_counts
from api.schemas import ShortlistFilters
from matcher.assembly import build_matcher
from matcher.canonical import sha256_hex
from matcher.options import options_reach
from matcher.pipeline import Matcher
from matcher.records import opening_from_record
from matcher.serialize import exclusion_to_dict, shortlist_to_dict, suggestion_to_dict
from matcher.types import Client, Suggestion


@dataclass(frozen=True, slots=True)
class ComputedShortlist:
    """A ranked shortlist and what its recommendation record will keep (nothing stored yet)."""

    body: dict[str, Any]
    client_snapshot: dict[str, Any]
    pool: PoolVersion
    engine_version: str
    config_hash: str
    recorded: tuple[dict[str, Any], ...]  # what the record keeps of each suggestion
    # what was read for it, for the options of the same request (never recorded)
    read: ShortlistRead | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Ranked:
    """What the engine gave for one set of inputs, kept for reuse (never modified)."""

    body: dict[str, Any]
    engine_version: str
    config_hash: str
    recorded: tuple[dict[str, Any], ...]
    reach: float | None = None  # the options' widest reach, when the search was widened to it


#: How many nearest misses (best openings failing exactly one limit) a shortlist gives.
NEAR_MISSES = 5
#: The fields of a shown suggestion that the engine produced (the rest are added by the service).
ENGINE_FIELDS = ("opening_id", "rank", "score", "contributions", "factors", "positives", "concerns", "hints")


def explanation_hash(suggestion: dict[str, Any]) -> str:
    """SHA-256 of a suggestion's engine fields (scores, contributions, every reason and text)."""
    return sha256_hex({f: suggestion.get(f) for f in ENGINE_FIELDS})


def recorded_suggestion(suggestion: dict[str, Any]) -> dict[str, Any]:
    """What the record keeps of a shown suggestion: numbers and codes, its texts by hash.

    The texts are rebuilt exactly from the pool and the inputs (:mod:`api.reconstruct`),
    which checks them against ``explanation_hash``.
    """
    reasons = [r["code"] for kind in ("positives", "concerns", "hints") for r in suggestion[kind]]
    keep = {f: suggestion[f] for f in ("opening_id", "rank", "score", "contributions")}
    return {**keep, "codes": reasons, "explanation_hash": explanation_hash(suggestion)}


def _summary(client_id: str, counts: dict[str, int], n_excluded: int, misses: list[Any]) -> dict[str, Any]:
    """Exclusions as a shortlist gives them: counts, nearest misses, and where to get the rest."""
    return {
        "n_excluded": n_excluded,
        "counts": counts,
        "nearest_misses": misses,
        "all": f"/clients/{client_id}/exclusions",
        "why_not": f"/clients/{client_id}/openings/{{opening_id}}/explain",
    }


def compute_shortlist(
    session: Session,
    *,
    cache: MatcherCache,
    client_row: ClientRow,
    k: int,
    filters: ShortlistFilters,
    as_of: dt.date,
    reuse: bool = False,
    options: bool = False,
) -> ComputedShortlist:
    """Rank the open openings for a client (rejected ones blocked); reads only, takes no lock.

    With ``reuse`` a ranking this process made from the same inputs (client snapshot,
    blocked openings, pool version, configuration, text model, ``k``, filters, day) is
    given again instead of ranking anew: the engine is deterministic, so it is the same
    shortlist. Only ``on_other_lists`` (other clients' nightly lists) is read afresh.

    With ``options`` (what would open more options is asked next, :mod:`api.options`) the
    engine's candidate search is widened to the client's widest change: the same shortlist,
    and the options start from its scored block instead of scoring another.
    """
    fitted = cache.get(session, as_of=as_of, filters=filters)
    client = engine_client(session, occupations=cache.occupations, client_row=client_row)
    rejected = store.decisions.blocked_opening_ids(session, client_id=client.id)
    snapshot = client_snapshot(client, client_row)
    key = (
        fitted.pool_hash,
        fitted.config_version,
        cache.text_model_id,
        as_of,
        k,
        filters.model_dump_json(),  # as given: the body repeats them
        tuple(rejected),
        sha256_hex(snapshot),
    )
    ranked = cache.shortlists.get(key) if reuse else None
    if ranked is None:
        ranked = _rank(fitted, cache, client, rejected, k=k, filters=filters, as_of=as_of, options=options)
        cache.shortlists.put(key, ranked)
    # Lists stay personal; each suggestion only says how many other clients' nightly lists have it.
    others = other_list_counts(session, client_id=client.id, opening_ids=ranked.body["shown_opening_ids"])
    suggestions = [
        {**item, "on_other_lists": others.get(item["opening_id"], 0)} for item in ranked.body["suggestions"]
    ]
    return ComputedShortlist(
        body={**ranked.body, "suggestions": suggestions},
        client_snapshot=snapshot,
        pool=fitted.pool,
        engine_version=ranked.engine_version,
        config_hash=ranked.config_hash,
        recorded=ranked.recorded,
        read=ShortlistRead(fitted, client, tuple(rejected), ranked.reach),
    )


def _rank(
    fitted: Fitted,
    cache: MatcherCache,
    client: Client,
    rejected: list[str],
    *,
    k: int,
    filters: ShortlistFilters,
    as_of: dt.date,
    options: bool = False,
) -> Ranked:
    """The engine's shortlist as the API gives it, without ``on_other_lists`` (read per request)."""
    widest = options_reach(fitted.matcher, client) if options else None
    reach = None if widest is None else np.array([widest])
    [(shortlists, _)] = fitted.matcher.recommend_blocks(  # one client: one chunk
        [client],
        k,
        reach=reach,
        blocked={client.id: rejected},
        explain_exclusions=False,
        near_misses=NEAR_MISSES,
    )
    shortlist = shortlists[0]
    body = shortlist_to_dict(shortlist)
    for item in body["suggestions"]:
        record = fitted.records[item["opening_id"]]
        item["title"], item["employer"] = record["title"], record["employer"]
    misses = body.pop("near_misses")
    for item in misses:
        record = fitted.records[item["opening_id"]]
        item["title"], item["employer"] = record["title"], record["employer"]
        item["band"] = fit_band(float(item["score"]))  # the score it would have, in words
    body["exclusions"] = _summary(client.id, body["exclusion_counts"], body["n_excluded"], misses)
    feeds = travel.feed_versions(cache.travel_times)  # which timetables gave the transit minutes
    body.update(
        config_hash=travel.config_hash(shortlist.config_hash, feeds),
        travel={"gtfs_feeds": feeds},
        shown_opening_ids=[item["opening_id"] for item in body["suggestions"]],
        pool_hash=fitted.pool_hash,
        client_id=client.id,
        as_of=as_of.isoformat(),
        k=k,
        filters=filters.model_dump(mode="json"),
        config_version=fitted.config_version,
        text_model=cache.text_model_id,
        rejected=rejected,
        occupation_store=cache.occupations is not None,
    )
    recorded = tuple(recorded_suggestion(s) for s in body["suggestions"])
    return Ranked(body, shortlist.engine_version, body["config_hash"], recorded, widest)


def record_shortlist(session: Session, computed: ComputedShortlist, *, actor: str) -> dict[str, Any]:
    """Store what was shown as a recommendation record sealed by its chain event (not committed).

    The whole write transaction of a shortlist: nothing else runs under the write lock.
    """
    kept = {**computed.body, "suggestions": list(computed.recorded)}
    stored = record_recommendation(
        session,
        actor=actor,
        client_snapshot=computed.client_snapshot,
        opening_snapshots=[],
        shortlist=kept,
        engine_version=computed.engine_version,
        config_hash=computed.config_hash,
        pool=computed.pool,
    )
    return {"recommendation_id": stored.id, **computed.body}


def make_shortlist(
    session: Session,
    *,
    cache: MatcherCache,
    client_row: ClientRow,
    user: User,
    k: int,
    filters: ShortlistFilters,
    as_of: dt.date,
    reuse: bool = False,
    options: bool = False,
    add_options: bool = False,
) -> dict[str, Any]:
    """Compute a shortlist (``reuse``, ``options``: see :func:`compute_shortlist`), then record and
    commit it in a short write transaction (retried): every shortlist given is recorded.

    With ``add_options`` the body also carries ``options`` (:func:`api.options.shortlist_options`)
    when ``options`` asked for them or the list is shorter than ``k``, computed from what the
    shortlist read (the client, its rejections, the engine) rather than read again.
    """
    computed = compute_shortlist(
        session,
        cache=cache,
        client_row=client_row,
        k=k,
        filters=filters,
        as_of=as_of,
        reuse=reuse,
        options=options,
    )
    actor = user.username  # read now: a retry's rollback expires the loaded rows
    body = run_write(session, lambda s: record_shortlist(s, computed, actor=actor))
    if add_options and (options or len(body["suggestions"]) < k):
        body["options"] = shortlist_options(
            session, cache=cache, client_row=client_row, filters=filters, as_of=as_of, read=computed.read
        )
    return body


def explain_pair(
    session: Session, *, cache: MatcherCache, client_row: ClientRow, opening_id: str, as_of: dt.date
) -> dict[str, Any] | None:
    """Why (or why not) one opening for one client; None if no such opening is stored.

    An opening outside the pool (filled, closed or expired) is explained by the same engine
    (configuration, vocabulary, text model of the pool) fitted on that opening alone, so the
    answer names every limit it fails: not open (with the day it was filled or closed, when
    the trail has it), expired on its date, and any of the client's own limits.
    """
    fitted = cache.get(session, as_of=as_of, filters=ShortlistFilters())
    row = store.openings.get_opening(session, opening_id=opening_id)
    if row is None:
        return None
    matcher = fitted.matcher if opening_id in fitted.records else _matcher_for(fitted, session, row, as_of)
    client = engine_client(session, occupations=cache.occupations, client_row=client_row)
    rejected = store.decisions.blocked_opening_ids(session, client_id=client.id)
    result = matcher.explain(client, opening_id, blocked={client.id: rejected})
    about = {
        "title": row.title,
        "employer": row.record["employer"],
        "status": row.status,
        "expires": row.expires.isoformat() if row.expires else None,
    }
    if isinstance(result, Suggestion):  # feasible; suggested unless another of its employer's ranks above
        body = {**about, **suggestion_to_dict(result), "band": fit_band(result.score)}
        return {"suggested": result.rank > 0, "feasible": True, **body}
    body = exclusion_to_dict(result)
    since = _status_since(session, row) if row.status != "open" else None
    for reason in body["reasons"]:
        if reason["code"] == "NOT_OPEN" and since is not None:
            reason["evidence"] = {**reason.get("evidence", {}), "since": since.isoformat()}
            reason["text"] = NOT_OPEN_SINCE.format(status=row.status, since=since.isoformat())
    return {"suggested": False, "feasible": False, **about, **body}


#: The NOT_OPEN why-not when the trail says since when (the engine's own text has no date).
NOT_OPEN_SINCE = "The opening was {status} on {since}"


def _matcher_for(fitted: Fitted, session: Session, row: OpeningRow, as_of: dt.date) -> Matcher:
    """The pool's engine fitted on one opening outside the pool (status and expiry as stored)."""
    (record,) = store.openings.engine_records(session, ids=[row.id])
    pool = fitted.matcher
    opening = opening_from_record(record, pool.vocab)
    return build_matcher(
        [opening],
        as_of=as_of,
        config=pool.config,
        vocabulary=pool.vocab,
        text_model=pool.text_model,
        travel_times=getattr(pool, "travel_times", None),
    )


def _status_since(session: Session, row: OpeningRow) -> dt.date | None:
    """The day the opening got its current status, from its latest ``opening.status`` event."""
    events = select(AuditEvent).where(AuditEvent.opening_id == row.id, AuditEvent.kind == "opening.status")
    for event in session.scalars(events.order_by(AuditEvent.seq.desc()).limit(5)):
        if event.payload.get("status") == row.status:
            return event.at.date()
    return None


def list_exclusions(
    session: Session,
    *,
    cache: MatcherCache,
    client_row: ClientRow,
    as_of: dt.date,
    code: str | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """One page of the openings ruled out for a client, each with every reason (computed now)."""
    fitted = cache.get(session, as_of=as_of, filters=ShortlistFilters())
    client = engine_client(session, occupations=cache.occupations, client_row=client_row)
    rejected = store.decisions.blocked_opening_ids(session, client_id=client.id)
    total, page = fitted.matcher.exclusions(
        client, blocked={client.id: rejected}, code=code, offset=offset, limit=limit
    )
    data = []
    for exclusion in page:
        record = fitted.records[exclusion.opening_id]
        item = exclusion_to_dict(exclusion)
        data.append({**item, "title": record["title"], "employer": record["employer"]})
    return {"client_id": client.id, "reason": code, "total": total, "offset": offset, "data": data}

"""Shortlists for one client, each stored as a recommendation record in the audit trail.

With an occupation store in use, the client gets strengths inferred from past job
titles (minus those the specialist removed) and the openings inferred demands; the
audit record keeps the enriched records the engine actually saw.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from api import store
from api.audit import record_recommendation
from api.inferred import client_snapshot, engine_client
from api.matching import MatcherCache
from api.models import Client as ClientRow
from api.models import User
from api.rematch.store import other_list_counts
from api.schemas import ShortlistFilters
from matcher.serialize import exclusion_to_dict, shortlist_to_dict, suggestion_to_dict
from matcher.types import Suggestion


def make_shortlist(
    session: Session,
    *,
    cache: MatcherCache,
    client_row: ClientRow,
    user: User,
    k: int,
    filters: ShortlistFilters,
    as_of: dt.date,
) -> dict[str, Any]:
    """Rank the open openings for a client (rejected ones blocked) and record what was shown."""
    fitted = cache.get(session, as_of=as_of, filters=filters)
    client = engine_client(session, occupations=cache.occupations, client_row=client_row)
    rejected = store.decisions.rejected_opening_ids(session, client_id=client.id)
    shortlist = fitted.matcher.recommend(
        [client], k=k, blocked={client.id: rejected}, explain_exclusions=True
    )[0]
    body = shortlist_to_dict(shortlist)
    # Lists stay personal; each suggestion only says how many other clients' nightly lists have it.
    shown = [item["opening_id"] for item in body["suggestions"]]
    others = other_list_counts(session, client_id=client.id, opening_ids=shown)
    for item in body["suggestions"]:
        record = fitted.records[item["opening_id"]]
        item["title"], item["employer"] = record["title"], record["employer"]
        item["on_other_lists"] = others.get(item["opening_id"], 0)
    body.update(
        client_id=client.id,
        as_of=as_of.isoformat(),
        k=k,
        filters=filters.model_dump(mode="json"),
        config_version=fitted.config_version,
        text_model=cache.text_model_id,
        rejected=rejected,
        occupation_store=cache.occupations is not None,
    )
    stored = record_recommendation(
        session,
        actor=user.username,
        client_snapshot=client_snapshot(client, client_row),
        opening_snapshots=fitted.snapshots,
        shortlist=body,
        engine_version=shortlist.engine_version,
        config_hash=shortlist.config_hash,
    )
    return {"recommendation_id": stored.id, **body}


def explain_pair(
    session: Session, *, cache: MatcherCache, client_row: ClientRow, opening_id: str, as_of: dt.date
) -> dict[str, Any] | None:
    """Why (or why not) one open opening for one client; None if it is not in the pool."""
    fitted = cache.get(session, as_of=as_of, filters=ShortlistFilters())
    if opening_id not in fitted.records:
        return None
    client = engine_client(session, occupations=cache.occupations, client_row=client_row)
    rejected = store.decisions.rejected_opening_ids(session, client_id=client.id)
    result = fitted.matcher.explain(client, opening_id, blocked={client.id: rejected})
    if isinstance(result, Suggestion):
        return {"suggested": True, **suggestion_to_dict(result)}
    return {"suggested": False, **exclusion_to_dict(result)}

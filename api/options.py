"""What would open more options, for the shortlist API, page and nightly digest.

Computed by the engine (:func:`matcher.options.what_would_open`) on the same pool of openings
as the shortlist, with the specialist's rejections blocked, then given each opening's title
and employer. Computed when asked for; the recommendation record keeps the shortlist, not these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from api import store
from api.inferred import engine_client
from api.matching import MatcherCache
from api.models import Client as ClientRow
from api.schemas import ShortlistFilters
from matcher.options import change_to_dict, what_would_open

#: The most changes a shortlist gives (best first).
MAX_CHANGES = 8


def shortlist_options(
    session: Session,
    *,
    cache: MatcherCache,
    client_row: ClientRow,
    filters: ShortlistFilters,
    as_of: dt.date,
) -> list[dict[str, Any]]:
    """The single changes that would open more openings for the client, best first."""
    fitted = cache.get(session, as_of=as_of, filters=filters)
    client = engine_client(session, occupations=cache.occupations, client_row=client_row)
    rejected = store.decisions.blocked_opening_ids(session, client_id=client.id)
    changes = what_would_open(fitted.matcher, client, blocked={client.id: rejected})
    out = []
    for change in changes[:MAX_CHANGES]:
        item = change_to_dict(change)
        for best in item["best"]:
            record = fitted.records[best["opening_id"]]
            best["title"], best["employer"] = record["title"], record["employer"]
        out.append(item)
    return out

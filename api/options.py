"""What would open more options, for the shortlist API, page and nightly digest.

Computed by the engine (:func:`matcher.options.what_would_open`) on the same pool of openings
as the shortlist, with the specialist's rejections blocked, then given each opening's title
and employer. Computed when asked for; the recommendation record keeps the shortlist, not these.

Asked right after a shortlist of the same request, the options start from what the shortlist
read (:class:`ShortlistRead`: the fitted engine, the engine's client, the rejections and the
widest reach) instead of reading the client, its inferred strengths and rejections again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import store
from api.fit_bands import fit_band
from api.inferred import engine_client
from api.matching import Fitted, MatcherCache
from api.models import Client as ClientRow
from api.schemas import ShortlistFilters
from matcher.options import change_to_dict, what_would_open
from matcher.types import Client

#: The most changes a shortlist gives (best first).
MAX_CHANGES = 8


@dataclass(frozen=True, slots=True)
class ShortlistRead:
    """What a shortlist read for its client, handed to the options of the same request.

    ``reach``: ``matcher.options.options_reach`` of the client when the shortlist was widened
    to it (else ``None``: the options compute it).
    """

    fitted: Fitted
    client: Client
    rejected: tuple[str, ...]
    reach: float | None = None


def shortlist_options(
    session: Session,
    *,
    cache: MatcherCache,
    client_row: ClientRow,
    filters: ShortlistFilters,
    as_of: dt.date,
    read: ShortlistRead | None = None,
) -> list[dict[str, Any]]:
    """The single changes that would open more openings for the client, best first.

    With ``read`` (what the shortlist just computed for this client read), nothing is read again.
    """
    if read is None:
        fitted = cache.get(session, as_of=as_of, filters=filters)
        client = engine_client(session, occupations=cache.occupations, client_row=client_row)
        rejected = store.decisions.blocked_opening_ids(session, client_id=client.id)
        reach = None
    else:
        fitted, client, rejected, reach = read.fitted, read.client, list(read.rejected), read.reach
    changes = what_would_open(fitted.matcher, client, blocked={client.id: rejected}, reach=reach)
    out = []
    for change in changes[:MAX_CHANGES]:
        item = change_to_dict(change)
        for best in item["best"]:
            record = fitted.records[best["opening_id"]]
            best["title"], best["employer"] = record["title"], record["employer"]
            best["band"] = fit_band(float(best["score"]))  # the score in words beside it
        out.append(item)
    return out

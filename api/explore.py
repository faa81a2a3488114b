"""Career exploration for one client: current open openings in an occupation and its related ones.

The JSON route (``api.routes.occupations``) and the page (``api.web.explore``) both call
:func:`client_openings`. The openings are those of the pool shortlists use (the same fitted
matcher, openings enriched from the occupation store, so an opening without an O*NET-SOC code
counts under the occupation its title resolves to). Each is checked against the client's hard
limits by the engine, as a shortlist does, and says only whether it passes them, its fit band and
the reasons it fails in words: nothing about where the client lives or how long the trip is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from api import occupations, store
from api.fit_bands import fit_band
from api.inferred import engine_client
from api.matching import MatcherCache
from api.models import Client as ClientRow
from api.schemas import ShortlistFilters
from matcher.constraints import Failed
from matcher.messages import EXCLUSION_WORDS
from matcher.occupations import OccupationStore

#: How many related occupations' openings are listed beside the chosen occupation's.
RELATED_TOP = 10


def occupation_set(store_: OccupationStore, code: str, *, related_top: int) -> dict[str, tuple[str, str]]:
    """The chosen occupation and its related ones: code -> (title, "chosen" | "related")."""
    chosen = {code: (occupations.title_of(store_, code), "chosen")}
    near = occupations.related(store_, code, top=related_top)
    return chosen | {r.code: (r.title, "related") for r in near if r.code != code}


def _failed_codes(bits: int) -> list[str]:
    return [f.name for f in Failed if f.name is not None and bits & f.value]


def client_openings(
    session: Session,
    *,
    cache: MatcherCache,
    occupation_store: OccupationStore,
    client_row: ClientRow,
    code: str,
    as_of: dt.date,
    related_top: int = RELATED_TOP,
    offset: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """The client's current openings in ``code`` (a store code) and its related occupations.

    Openings open to the client come first, best score first; then the ruled-out ones, each
    with the limits it fails; ``offset`` and ``limit`` pick a page of them. Reads only.
    """
    wanted = occupation_set(occupation_store, code, related_top=related_top)
    fitted = cache.get(session, as_of=as_of, filters=ShortlistFilters())
    index = fitted.matcher.index
    columns: list[tuple[int, str]] = []
    for j, opening in enumerate(index.openings):
        soc = occupations.canonical_code(occupation_store, opening.onet_soc) if opening.onet_soc else None
        if soc in wanted and index.is_open[j]:
            columns.append((j, soc))
    data: list[dict[str, Any]] = []
    if columns:
        client = engine_client(session, occupations=cache.occupations, client_row=client_row)
        blocked = {client.id: store.decisions.blocked_opening_ids(session, client_id=client.id)}
        scored = fitted.matcher.score([client], blocked=blocked)
        scores = scored.scores.score[0]
        for j, soc in columns:
            opening = index.openings[j]
            failed = _failed_codes(int(scored.codes[0, j]))
            data.append(
                {
                    "opening_id": opening.id,
                    "title": opening.title,
                    "employer": opening.employer,
                    "occupation_code": soc,
                    "occupation_title": wanted[soc][0],
                    "relation": wanted[soc][1],
                    "open_to_client": not failed,
                    "band": None if failed or np.isnan(scores[j]) else fit_band(float(scores[j])),
                    "ruled_out": failed,
                    "ruled_out_words": [EXCLUSION_WORDS.get(c, c) for c in failed],
                    "_score": -1.0 if failed or np.isnan(scores[j]) else float(scores[j]),
                }
            )
    data.sort(key=lambda d: (not d["open_to_client"], -d["_score"], d["relation"] != "chosen", d["title"]))
    for item in data:
        del item["_score"]
    shown = data[offset:] if limit is None else data[offset : offset + limit]
    return {
        "client_id": client_row.id,
        "code": code,
        "title": wanted[code][0],
        "occupations": [{"code": c, "title": t, "relation": r} for c, (t, r) in wanted.items()],
        "total": len(data),
        "count": len(shown),
        "data": shown,
    }

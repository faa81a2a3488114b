"""Page: the one-page shortlist a specialist prints to talk over with the client.

It shows the client's latest stored shortlist (the one named by ``?recommendation=``, from
the shortlist page's print link, or else the client's latest interactive record), with
its k and filters. Records keep numbers and a hash of each suggestion's texts, not the
texts, so the page ranks again (reads only, no record) and compares: when the same
openings come back with the same explanation hashes, on the same date, it prints them as
that record, and nothing is stored. When they differ (openings or the profile changed
since), what is printed is new, so it is stored as a record like any shortlist shown.
A list shorter than asked for also prints the few single changes that would open the most more
jobs ("what would open more options"), as facts to talk over.
Only plain words, to the client ("your availability"; ``api.web.client_words``): no scores,
ids, occupation codes, home location or ability levels by number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import RecommendationRecord
from api.db import run_write
from api.deps import MatcherDep, SessionDep, SettingsDep
from api.models import Client
from api.options import shortlist_options
from api.routes.clients import own_client
from api.schemas import ShortlistFilters
from api.shortlists import ComputedShortlist, compute_shortlist, explanation_hash, record_shortlist
from api.web.render import render
from api.web.session import SpecialistPage
from api.web.shortlist_view import DEFAULT_K, shortlist_view

router = APIRouter()

#: Reasons in its favour, things to talk over and support ideas per suggestion on paper (the
#: page shows them all): ten suggestions fit one A4 page.
PRINT_REASONS, PRINT_CONCERNS, PRINT_HINTS = 2, 1, 1
#: A short list also prints the changes that would open the most more jobs: this many.
PRINT_OPTIONS = 5


def latest_record(session: Session, client: Client, record_id: str | None) -> RecommendationRecord | None:
    """The interactive record asked for (if it is this client's), else the client's latest one."""
    if record_id:
        record = session.get(RecommendationRecord, record_id)
        if record is not None and record.client_id == client.id and record.kind == "interactive":
            return record
    query = (
        select(RecommendationRecord)
        .where(RecommendationRecord.client_id == client.id, RecommendationRecord.kind == "interactive")
        .order_by(RecommendationRecord.event_seq.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def back_query(k: int, filters: ShortlistFilters) -> str:
    """The shortlist page's query for the list printed: its k and filters (the page's form fields)."""
    values = {
        "industry": filters.industries[0] if filters.industries else "",
        "remote_only": "on" if filters.remote_only else "",
        "min_hourly_wage": "" if filters.min_hourly_wage is None else f"{filters.min_hourly_wage:g}",
        "k": "" if k == DEFAULT_K else str(k),
    }
    return urlencode({name: value for name, value in values.items() if value})


def same_as_recorded(record: RecommendationRecord, computed: ComputedShortlist) -> bool:
    """Whether ``computed`` shows exactly what ``record`` showed (openings, order, every text)."""
    kept = record.shortlist
    now = computed.body
    shown = [(s["opening_id"], s["explanation_hash"]) for s in kept.get("suggestions", [])]
    again = [(s["opening_id"], explanation_hash(s)) for s in now["suggestions"]]
    return bool(kept.get("as_of") == now["as_of"] and shown == again)


@router.get("/clients/{client_id}/shortlist/print", response_class=HTMLResponse)
def print_page(
    request: Request,
    session: SessionDep,
    user: SpecialistPage,
    settings: SettingsDep,
    cache: MatcherDep,
    client_id: str,
    recommendation: str = "",
) -> HTMLResponse:
    client = own_client(session, user, client_id)
    view, made_on, back = None, settings.today(), ""
    if client.status == "active":
        record = latest_record(session, client, recommendation[:64] or None)
        k, filters = DEFAULT_K, ShortlistFilters()
        if record is not None:
            k = int(record.shortlist.get("k", DEFAULT_K))
            filters = ShortlistFilters.model_validate(record.shortlist.get("filters", {}))
        computed = compute_shortlist(
            session, cache=cache, client_row=client, k=k, filters=filters, as_of=settings.today()
        )
        body: dict[str, Any]
        if record is not None and same_as_recorded(record, computed):
            body = {"recommendation_id": record.id, **computed.body}
        else:
            actor = user.username
            body = run_write(session, lambda s: record_shortlist(s, computed, actor=actor))
        view = shortlist_view(session, body)
        if len(view.cards) < k:  # a short list says what would open more, as the shortlist page does
            view.options = shortlist_options(
                session,
                cache=cache,
                client_row=client,
                filters=filters,
                as_of=settings.today(),
                read=computed.read,
            )[:PRINT_OPTIONS]
        made_on = dt.date.fromisoformat(body["as_of"])
        back = back_query(k, filters)
    return render(
        request,
        "shortlist_print.html",
        user=user,
        status_code=200 if view is not None else 409,
        nav="caseload",
        title=f"Job suggestions for {client.label}",
        client=client,
        view=view,
        made_on=made_on,
        specialist=user.full_name or user.username,
        print_reasons=PRINT_REASONS,
        print_concerns=PRINT_CONCERNS,
        print_hints=PRINT_HINTS,
        back_query=back,
    )

"""Pages of the audit trail (auditors and admins): recent recommendations, one trail, the chain check.

What they show is what the audit API shows an auditor (:mod:`api.routes.audit`, through
:mod:`api.audit.views`): a client's home is redacted, commute is a band of the client's
limit, and neither commute points nor total scores appear (together with the other
points they would give the commute away). Whether a suggestion's points add up to its
score is checked on the server and shown as yes or no.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from api import audit, store
from api.audit import count_recommendations, event_facts
from api.deps import MatcherDep, SessionDep, SettingsDep
from api.models import Role, User
from api.reconstruct import ReconstructError, reconstruct
from api.routes.audit import newest_recommendations, record_view
from api.web.audit_words import DECISION_WORDS
from api.web.paging import page_of
from api.web.render import render
from api.web.session import AuditorPage
from api.web.words import FACTOR_WORDS

router = APIRouter()

Text = Annotated[str, Query(max_length=200)]
KIND_WORDS = {"interactive": "asked for by a specialist", "rematch": "nightly run"}
#: Tolerance of "the points add up to the score" (the engine rounds points and scores).
ADD_UP_TOLERANCE = 0.01
#: Most chain events about the client read to find the ones covering one record.
EVENT_SCAN = 5000


def form_date(value: str, name: str, errors: dict[str, str]) -> dt.date | None:
    """A date field of a filter form (empty: none); a bad one is noted in ``errors`` by name."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = "Enter a date like 2026-03-02"
        return None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


@router.get("/audit", response_class=HTMLResponse)
def recommendations_page(
    request: Request,
    session: SessionDep,
    user: AuditorPage,
    since: Text = "",
    until: Text = "",
    actor: Text = "",
    record: Text = "",
) -> Response:
    """Recent recommendation records, newest first, filtered by dates, who asked, or record id."""
    errors: dict[str, str] = {}
    first, last = form_date(since, "since", errors), form_date(until, "until", errors)
    if first and last and last < first:
        errors["until"] = "The last day must be on or after the first day"
    filters: dict[str, Any] = {
        "actor": actor or None,
        "since": _midnight(first) if first else None,
        "until": _midnight(last + dt.timedelta(days=1)) if last else None,  # the whole last day
    }
    rows: list[audit.RecommendationRecord] = []
    total = 0
    if not errors and record:
        found = audit.get_recommendation(session, record.strip())
        rows, total = ([found], 1) if found is not None else ([], 0)
    elif not errors:
        total = count_recommendations(session, **filters)
    page = page_of(request, total=total)
    if not errors and not record:
        rows = newest_recommendations(session, limit=page.size, offset=page.offset, total=total, **filters)
    actors = [("", "Anyone")] + [
        (u.username, u.full_name or u.username) for u in store.users.list_users(session, role=Role.SPECIALIST)
    ]
    actors.append(("rematch", "The nightly run"))
    return render(
        request,
        "audit_list.html",
        user=user,
        nav="audit",
        status_code=422 if errors else 200,
        errors=errors,
        values={"since": since, "until": until, "actor": actor, "record": record},
        actors=actors,
        rows=[_row(r) for r in rows],
        page=page,
    )


def _row(record: audit.RecommendationRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "at": record.at,
        "client_id": record.client_id,
        "actor": record.actor,
        "kind": KIND_WORDS.get(record.kind, record.kind),
        "n_suggestions": len(record.shortlist.get("suggestions", [])),
    }


def _adds_up(suggestion: dict[str, Any]) -> bool | None:
    """Whether the stored points of every factor sum to the stored score (None: not recorded)."""
    points, score = suggestion.get("contributions"), suggestion.get("score")
    if not isinstance(points, dict) or not isinstance(score, int | float):
        return None
    return abs(sum(float(v) for v in points.values()) - float(score)) <= ADD_UP_TOLERANCE


def _suggestions(record: audit.RecommendationRecord, shown: dict[str, Any]) -> list[dict[str, Any]]:
    """Each suggestion as auditors see it, with the server's "the points add up" check."""
    full = record.shortlist.get("suggestions", [])
    out = []
    for item, stored in zip(shown.get("suggestions", []), full, strict=False):
        points = item.get("contributions") or {}
        rows = [(FACTOR_WORDS[f], float(points[f])) for f in FACTOR_WORDS if f in points]
        out.append(
            {
                "rank": item.get("rank"),
                "opening_id": item.get("opening_id"),
                "rows": rows,
                "shown_total": sum(p for _, p in rows),
                "commute": item.get("commute"),
                "codes": item.get("codes") or [c.get("code") for c in item.get("positives", [])],
                "adds_up": _adds_up(stored),
            }
        )
    return out


def _covering_events(session: SessionDep, record: audit.RecommendationRecord) -> list[dict[str, Any]]:
    """The chain event sealing the record, then the decisions and outcomes on its suggestions."""
    shown = {s.get("opening_id") for s in record.shortlist.get("suggestions", [])}
    events = audit.list_events(session, client_id=record.client_id, since=record.at, limit=EVENT_SCAN)
    out = []
    for event in events:
        payload = event.payload
        if event.seq == record.event_seq:
            what = "Sealed this recommendation record"
        elif event.kind == "decision" and (
            payload.get("recommendation_id") == record.id or event.opening_id in shown
        ):
            action = str(payload.get("action", ""))
            what = f"Decision on {event.opening_id}: {DECISION_WORDS.get(action, action)}"
            if payload.get("reason_code"):
                what += f" (reason: {str(payload['reason_code']).replace('_', ' ')})"
        elif event.kind == "outcome" and event.opening_id in shown:
            what = f"Outcome for {event.opening_id}: started {payload.get('start_date')}"
            if payload.get("end_date"):
                what += (
                    f", ended {payload['end_date']} ({payload.get('separation_reason') or 'no reason given'})"
                )
        else:
            continue
        out.append({"seq": event.seq, "at": event.at, "kind": event.kind, "actor": event.actor, "what": what})
    return out


def _record_or_404(session: SessionDep, record_id: str) -> audit.RecommendationRecord:
    record = audit.get_recommendation(session, record_id)
    if record is None:
        raise HTTPException(status_code=404, detail="There is no recommendation record with this id.")
    return record


def _trail(
    request: Request,
    session: SessionDep,
    user: User,
    record: audit.RecommendationRecord,
    reconstruction: dict[str, Any] | None = None,
) -> Response:
    view = record_view(record)
    shortlist = view["shortlist"]
    return render(
        request,
        "audit_trail.html",
        user=user,
        nav="audit",
        record=view,
        kind=KIND_WORDS.get(record.kind, record.kind),
        shortlist=shortlist,
        suggestions=_suggestions(record, shortlist),
        events=_covering_events(session, record),
        reconstruction=reconstruction,
        factor_words=FACTOR_WORDS,
    )


@router.get("/audit/recommendations/{record_id}", response_class=HTMLResponse)
def trail_page(request: Request, session: SessionDep, user: AuditorPage, record_id: str) -> Response:
    """One recommendation's trail: inputs, versions, suggestions and points, decisions, chain events."""
    return _trail(request, session, user, _record_or_404(session, record_id))


@router.post("/audit/recommendations/{record_id}/reconstruct", response_class=HTMLResponse)
def reconstruct_page(
    request: Request, session: SessionDep, user: AuditorPage, cache: MatcherDep, record_id: str
) -> Response:
    """Rebuild the shortlist from the record and its pool and show whether it is identical.

    Changes nothing, so the answer is the page itself (no redirect): sending it again
    only checks again.
    """
    record = _record_or_404(session, record_id)
    try:
        rebuilt = reconstruct(
            session,
            record,
            text_model=cache.text_model,
            text_model_id=cache.text_model_id,
            travel_times=cache.travel_times,
        )
        result: dict[str, Any] = {"identical": rebuilt.identical, "differences": rebuilt.differences}
        result["n_openings"] = rebuilt.n_openings
    except ReconstructError as exc:
        result = {"error": str(exc)}
    return _trail(request, session, user, record, reconstruction=result)


@router.get("/audit/verify", response_class=HTMLResponse)
def verify_form(request: Request, user: AuditorPage) -> Response:
    return render(request, "audit_verify.html", user=user, nav="audit", result=None, broken=None)


@router.post("/audit/verify", response_class=HTMLResponse)
def verify_page(request: Request, session: SessionDep, settings: SettingsDep, user: AuditorPage) -> Response:
    """Recompute the whole chain (as ``GET /api/v1/audit/verify``) and show the first broken event.

    Changes nothing, so the answer is the page itself (no redirect).
    """
    result = audit.verify_chain(session, key=settings.audit_signing_key())
    broken = None
    if result.first_broken_seq is not None:
        broken = event_facts(session, result.first_broken_seq) or {"seq": result.first_broken_seq}
    return render(request, "audit_verify.html", user=user, nav="audit", result=result, broken=broken)

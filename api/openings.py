"""Openings and their employers: the rules the JSON routes and the pages share.

Who may see and change what (a liaison: the openings of the employers they manage, any
status, and those specialists developed for employers no liaison manages; a specialist:
open, unexpired ones, and may record employers and openings they developed), how a posting
is stored (the engine's validation, the near-duplicate rule, the audit event) and how lists
are searched and paged. Functions flush but never commit: the caller commits.

Job development (IPS): a specialist's opening is marked ``developed_by`` them. It may be
edited by its developer and by the liaisons who manage its employer; a specialist's
employer likewise by its developer and its liaisons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import HTTPException
from sqlalchemy.orm import Session

from api import dedupe, store
from api.convert import opening_record, public_details
from api.events import log_event
from api.models import Employer, Opening, Role, User
from api.schemas import EmployerCreate, EmployerUpdate, OpeningDetails, OpeningPublic
from api.store.openings import OpeningFilter

#: Prefix of the near-duplicate refusal (``api.dedupe.refuse_near_duplicate``); the id follows.
_DUPLICATE = "Near-duplicate of opening "
#: "Expiring soon" on the pages: the last day to apply is within this many days.
SOON_DAYS = 14
#: JSON list pages: the default and largest ``limit``, and the largest ``offset`` (any database holds it).
DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET = 100, 500, 1_000_000_000


@dataclass(frozen=True)
class ListRequest:
    """What a reader asks of the openings list (all optional), before the role's rules."""

    search: str = ""
    employer_id: str | None = None
    status: str | None = None
    industry: str = ""
    expiring_within: int | None = None  # days from today
    sort: str = "created"
    descending: bool = False


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="Employer not found")


def managed_employer(session: Session, user: User, employer_id: str) -> Employer:
    """An employer ``user`` manages, or 404 (another liaison's employer does not exist for them)."""
    employer = (
        None
        if "\x00" in employer_id
        else store.employers.get_employer(session, employer_id=employer_id, liaison_id=user.id)
    )  # an id with NUL names nothing (PostgreSQL text cannot even hold it)
    if employer is None:
        raise _not_found()
    return employer


def readable_employer(session: Session, user: User, employer_id: str) -> Employer:
    """An employer ``user`` may read, or 404.

    A liaison: one they manage, or an unassigned one a specialist recorded; a specialist: any
    (they develop jobs with every employer and need its contact).
    """
    if "\x00" in employer_id:  # an id with NUL names nothing (PostgreSQL text cannot even hold it)
        raise _not_found()
    liaison_id = user.id if user.role == Role.LIAISON else None
    employer = store.employers.get_employer(
        session, employer_id=employer_id, liaison_id=liaison_id, developed=True
    )
    if employer is None:
        raise _not_found()
    return employer


def editable_employer(session: Session, user: User, employer_id: str) -> Employer:
    """An employer ``user`` may change: a liaison's managed one, a specialist's own (404 unseen, else 403)."""
    if user.role == Role.LIAISON:
        return managed_employer(session, user, employer_id)
    employer = readable_employer(session, user, employer_id)
    if not may_edit_employer(session, user, employer):
        raise HTTPException(status_code=403, detail="Only its liaisons and the specialist who recorded it")
    return employer


def public(opening: Opening, *, today: dt.date, developer_name: str | None = None) -> OpeningPublic:
    expires = opening.expires
    return OpeningPublic(
        id=opening.id,
        employer_id=opening.employer_id,
        employer_name=opening.record["employer"],
        status=opening.status,  # type: ignore[arg-type]
        expired=expires is not None and expires < today,
        developed_by=opening.developed_by,
        developed_by_name=developer_name,
        version=opening.version,
        created_at=opening.created_at,
        updated_at=opening.updated_at,
        details=public_details(opening.record),
    )


def visible(session: Session, user: User, opening_id: str) -> Opening:
    """An opening ``user`` may read (a liaison: of a managed employer), or 404."""
    liaison_id = user.id if user.role == Role.LIAISON else None
    opening = (
        None
        if "\x00" in opening_id
        else store.openings.get_opening(session, opening_id=opening_id, liaison_id=liaison_id)
    )  # an id with NUL names nothing (PostgreSQL text cannot even hold it)
    if opening is None:
        raise HTTPException(status_code=404, detail="Opening not found")
    return opening


def may_edit(session: Session, user: User, opening: Opening) -> bool:
    """Whether ``user`` may change the opening: its employer's liaison, or the specialist who developed it."""
    if user.role == Role.LIAISON:
        managed = store.employers.get_employer(session, employer_id=opening.employer_id, liaison_id=user.id)
        return managed is not None
    return user.role == Role.SPECIALIST and opening.developed_by == user.id


def may_edit_employer(session: Session, user: User, employer: Employer) -> bool:
    """Whether ``user`` may change the employer: a liaison managing it, or the specialist who recorded it."""
    if user.role == Role.LIAISON:
        return store.employers.get_employer(session, employer_id=employer.id, liaison_id=user.id) is not None
    return user.role == Role.SPECIALIST and employer.developed_by == user.id


def editable(session: Session, user: User, opening_id: str) -> Opening:
    """An opening ``user`` may change (details or status), or 404 when unseen, 403 when read-only.

    A liaison: an opening of an employer they manage; a specialist: one they developed.
    """
    opening = visible(session, user, opening_id)
    if may_edit(session, user, opening):
        return opening
    raise HTTPException(
        status_code=403, detail="Only the employer's liaisons and the specialist who developed it"
    )


def developer_names(session: Session, rows: list[Opening]) -> dict[int, str]:
    """The names of the specialists who developed these openings, by user id (one query)."""
    ids = {o.developed_by for o in rows if o.developed_by is not None}
    return store.openings.developer_names(session, user_ids=ids) if ids else {}


def list_openings(
    session: Session, user: User, asked: ListRequest, *, today: dt.date, limit: int, offset: int
) -> tuple[list[Opening], int]:
    """One page of the openings ``user`` may list, and how many there are in all.

    A liaison lists the openings of the employers they manage, any status; a specialist
    the open, unexpired ones (asking for another status gives none).
    """
    liaison = user.role == Role.LIAISON
    if not liaison and asked.status not in (None, "open"):
        return [], 0
    soon = today + dt.timedelta(days=asked.expiring_within) if asked.expiring_within is not None else None
    where = OpeningFilter(
        search=asked.search.strip(),
        employer_id=asked.employer_id,
        status=asked.status if liaison else "open",
        industry=asked.industry.strip(),
        valid_on=None if liaison and soon is None else today,
        expires_by=soon,
        sort=asked.sort,
        descending=asked.descending,
    )
    return store.openings.search_openings(
        session, liaison_id=user.id if liaison else None, where=where, limit=limit, offset=offset
    )


def industries(session: Session, user: User, *, today: dt.date) -> list[str]:
    """The industries the list of ``user`` can be filtered by."""
    if user.role == Role.LIAISON:
        return store.openings.industries(session, liaison_id=user.id)
    return store.openings.industries(session, liaison_id=None, valid_on=today)


def create_opening(
    session: Session, user: User, *, employer_id: str, details: OpeningDetails, today: dt.date
) -> Opening:
    """Store a new opening (404, 422 on a bad field, 409 near-duplicate).

    A liaison's is for an employer they manage; a specialist's for any employer, marked as
    developed by them.
    """
    specialist = user.role == Role.SPECIALIST
    employer = (readable_employer if specialist else managed_employer)(session, user, employer_id)
    record = opening_record(details, opening_id=store.new_id("O"), employer=employer.name, posted=today)
    dedupe.refuse_near_duplicate(session, employer_id=employer.id, record=record)
    opening = store.openings.create_opening(
        session,
        employer=employer,
        record=record,
        created_by=user.id,
        developed_by=user.id if specialist else None,
    )
    log_event(session, kind="opening.created", user=user, opening_id=opening.id)
    return opening


def update_opening(
    session: Session, user: User, opening: Opening, *, details: OpeningDetails, version: int, today: dt.date
) -> Opening:
    """Replace an opening's details; a stale ``version`` or a near-duplicate is a 409 (``Conflict``)."""
    posted = opening.record.get("posted")
    record = opening_record(
        details,
        opening_id=opening.id,
        employer=opening.record["employer"],
        status=opening.status,
        posted=dt.date.fromisoformat(posted) if posted else today,
    )
    if opening.version == version:  # a stale version gets the store's 409 first
        dedupe.refuse_near_duplicate(
            session, employer_id=opening.employer_id, record=record, exclude_id=opening.id
        )
    store.openings.update_opening(session, opening=opening, expected_version=version, record=record)
    log_event(session, kind="opening.updated", user=user, opening_id=opening.id)
    return opening


def set_status(session: Session, user: User, opening: Opening, new: str) -> Opening:
    """Mark an opening open, filled or closed (reopening refuses a near-duplicate of an open one)."""
    previous = opening.status
    if new == "open" and previous != "open":
        dedupe.refuse_near_duplicate(
            session, employer_id=opening.employer_id, record=opening.record, exclude_id=opening.id
        )
    store.openings.set_status(session, opening=opening, status=new)
    log_event(session, kind="opening.status", user=user, opening_id=opening.id, previous=previous, status=new)
    return opening


def duplicate_of(conflict: store.Conflict) -> str | None:
    """The id of the open opening a near-duplicate refusal names, or None for another conflict."""
    detail = conflict.detail
    return detail.removeprefix(_DUPLICATE) if detail.startswith(_DUPLICATE) else None


def next_page(path: str, query: list[tuple[str, str]], *, total: int, limit: int, offset: int) -> str | None:
    """The URL of the page after ``offset``/``limit`` with the same ``query``, or None on the last."""
    if offset + limit >= total:
        return None
    kept = [(k, v) for k, v in query if k not in ("limit", "offset")]
    return f"{path}?{urlencode([*kept, ('limit', str(limit)), ('offset', str(offset + limit))])}"


def create_employer(session: Session, user: User, body: EmployerCreate) -> Employer:
    """Add an employer: the liaison who adds it manages it; a specialist's is marked as developed
    by them and left unassigned (every liaison sees it until an admin assigns one)."""
    specialist = user.role == Role.SPECIALIST
    employer = store.employers.create_employer(
        session,
        **body.model_dump(),
        liaison_id=None if specialist else user.id,
        developed_by=user.id if specialist else None,
    )
    log_event(session, kind="employer.created", user=user, employer_id=employer.id)
    return employer


def update_employer(session: Session, user: User, employer: Employer, body: EmployerUpdate) -> Employer:
    """Replace an employer's details; a stale ``version`` is a ``Conflict``."""
    store.employers.update_employer(
        session, employer=employer, expected_version=body.version, **body.model_dump(exclude={"version"})
    )
    log_event(session, kind="employer.updated", user=user, employer_id=employer.id)
    return employer

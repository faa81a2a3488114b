"""Openings: liaisons manage their employers' openings; specialists read open ones."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, UploadFile, status

from api import dedupe, importer, store
from api.audit import append_events
from api.convert import opening_record, public_details
from api.deps import LiaisonUser, OpeningReader, SessionDep, SettingsDep
from api.events import log_event
from api.models import Opening, Role, User
from api.routes.employers import managed_employer
from api.schemas import (
    ImportReport,
    OpeningCreate,
    OpeningPublic,
    OpeningsPublic,
    OpeningUpdate,
    errors,
)

router = APIRouter(prefix="/openings", tags=["openings"], responses=errors(401, 403))

Status = Literal["open", "filled", "closed"]


def public(opening: Opening, settings: SettingsDep) -> OpeningPublic:
    expires = opening.expires
    return OpeningPublic(
        id=opening.id,
        employer_id=opening.employer_id,
        employer_name=opening.record["employer"],
        status=opening.status,  # type: ignore[arg-type]
        expired=expires is not None and expires < settings.today(),
        version=opening.version,
        created_at=opening.created_at,
        updated_at=opening.updated_at,
        details=public_details(opening.record),
    )


def _visible(session: SessionDep, user: User, opening_id: str) -> Opening:
    liaison_id = user.id if user.role == Role.LIAISON else None
    opening = store.openings.get_opening(session, opening_id=opening_id, liaison_id=liaison_id)
    if opening is None:
        raise HTTPException(status_code=404, detail="Opening not found")
    return opening


@router.get("")
def list_openings(
    session: SessionDep,
    user: OpeningReader,
    settings: SettingsDep,
    employer_id: Annotated[str | None, Query(max_length=32)] = None,
    status: Status | None = None,
) -> OpeningsPublic:
    """A liaison's openings (any status); for specialists, open and unexpired ones."""
    if user.role == Role.LIAISON:
        rows = store.openings.list_openings(
            session, liaison_id=user.id, employer_id=employer_id, status=status
        )
    else:
        rows = store.openings.list_openings(
            session, employer_id=employer_id, status="open", valid_on=settings.today()
        )
        rows = [r for r in rows if status in (None, "open")]
    return OpeningsPublic(data=[public(o, settings) for o in rows], count=len(rows))


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(404, 409))
def create_opening(
    session: SessionDep, user: LiaisonUser, settings: SettingsDep, body: OpeningCreate
) -> OpeningPublic:
    """Post an opening for a managed employer; a near-duplicate of an open one is a 409."""
    employer = managed_employer(session, user, body.employer_id)
    record = opening_record(
        body.details, opening_id=store.new_id("O"), employer=employer.name, posted=settings.today()
    )
    dedupe.refuse_near_duplicate(session, employer_id=employer.id, record=record)
    opening = store.openings.create_opening(session, employer=employer, record=record, created_by=user.id)
    log_event(session, kind="opening.created", user=user, opening_id=opening.id)
    session.commit()
    return public(opening, settings)


@router.get("/{opening_id}", responses=errors(404))
def read_opening(
    session: SessionDep, user: OpeningReader, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    return public(_visible(session, user, opening_id), settings)


@router.put("/{opening_id}", responses=errors(404, 409))
def update_opening(
    session: SessionDep,
    user: LiaisonUser,
    settings: SettingsDep,
    opening_id: str,
    body: OpeningUpdate,
) -> OpeningPublic:
    """Replace an opening's details (``version`` must be current)."""
    opening = _visible(session, user, opening_id)
    posted = opening.record.get("posted")
    record = opening_record(
        body.details,
        opening_id=opening.id,
        employer=opening.record["employer"],
        status=opening.status,
        posted=dt.date.fromisoformat(posted) if posted else settings.today(),
    )
    if opening.version == body.version:  # a stale version gets the store's 409 first
        dedupe.refuse_near_duplicate(
            session, employer_id=opening.employer_id, record=record, exclude_id=opening.id
        )
    store.openings.update_opening(session, opening=opening, expected_version=body.version, record=record)
    log_event(session, kind="opening.updated", user=user, opening_id=opening.id)
    session.commit()
    return public(opening, settings)


def _status(
    session: SessionDep, user: User, settings: SettingsDep, opening_id: str, new: Status
) -> OpeningPublic:
    opening = _visible(session, user, opening_id)
    previous = opening.status
    if new == "open" and previous != "open":
        dedupe.refuse_near_duplicate(
            session, employer_id=opening.employer_id, record=opening.record, exclude_id=opening.id
        )
    store.openings.set_status(session, opening=opening, status=new)
    log_event(
        session,
        kind="opening.status",
        user=user,
        opening_id=opening.id,
        previous=previous,
        status=new,
    )
    session.commit()
    return public(opening, settings)


@router.post("/{opening_id}/fill", responses=errors(404, 409))
def fill_opening(
    session: SessionDep, user: LiaisonUser, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    """Mark filled (no longer suggested)."""
    return _status(session, user, settings, opening_id, "filled")


@router.post("/{opening_id}/close", responses=errors(404, 409))
def close_opening(
    session: SessionDep, user: LiaisonUser, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    """Mark closed (no longer suggested)."""
    return _status(session, user, settings, opening_id, "closed")


@router.post("/{opening_id}/reopen", responses=errors(404, 409))
def reopen_opening(
    session: SessionDep, user: LiaisonUser, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    """Open a filled or closed opening again."""
    return _status(session, user, settings, opening_id, "open")


def _import_events(report: ImportReport) -> list[dict[str, Any]]:
    """An ``opening.created`` per stored opening, as for one posted by hand, then the summary."""
    events: list[dict[str, Any]] = [
        {"kind": "opening.created", "opening_id": opening_id, "payload": {"via": "import"}}
        for opening_id in report.created
    ]
    summary = {
        "created": report.created,
        "n_errors": len(report.errors),
        "n_duplicates": len(report.duplicates),
    }
    return [*events, {"kind": "openings.imported", "payload": summary}]


@router.post("/import", responses=errors(400, 413))
def import_openings(
    session: SessionDep,
    user: LiaisonUser,
    settings: SettingsDep,
    file: UploadFile,
    atomic: bool = False,
) -> ImportReport:
    """Bulk CSV import: valid rows are stored and bad ones reported by row, field and message.

    With ``atomic=true`` nothing is stored unless every row is valid. Near-duplicates of
    open openings (or of earlier rows) are reported in ``duplicates`` and not stored.
    """
    data = file.file.read(settings.max_import_bytes + 1)
    if len(data) > settings.max_import_bytes:
        raise HTTPException(status_code=413, detail="File too large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPException(status_code=400, detail="File must be UTF-8 CSV") from None
    with importer.cyclic_gc_paused():
        try:
            report = importer.import_openings(
                session, user=user, text=text, atomic=atomic, today=settings.today()
            )
        except csv.Error as exc:
            raise HTTPException(status_code=400, detail=f"Malformed CSV: {exc}") from None
        if not report.committed:
            session.rollback()
            return report
        # One batch (one chain-head read) in the same transaction as the openings.
        append_events(session, actor=user.username, events=_import_events(report))
    session.commit()
    return report

"""Openings: liaisons manage their employers' openings; specialists read open ones and record
the openings they develop (which they, and the employer's liaisons, may then change)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, UploadFile, status

from api import importer, openings
from api.deps import LiaisonUser, OpeningReader, SessionDep, SettingsDep
from api.models import Opening, User
from api.openings import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
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
Sort = Literal["created", "title", "employer", "posted", "expires"]
Order = Literal["asc", "desc"]
Profile = Literal["native", "linkedin", "jobspy"]
Limit = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"How many to return at most (1-{MAX_LIMIT}).", examples=[100]),
]
Offset = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_OFFSET,
        description="How many matching items to skip: 0 for the first page, then the last offset plus "
        "limit (or follow next).",
        examples=[0],
    ),
]


def public(session: SessionDep, opening: Opening, settings: SettingsDep) -> OpeningPublic:
    names = openings.developer_names(session, [opening])
    developer = names.get(opening.developed_by) if opening.developed_by is not None else None
    return openings.public(opening, today=settings.today(), developer_name=developer)


@router.get("")
def list_openings(
    request: Request,
    session: SessionDep,
    user: OpeningReader,
    settings: SettingsDep,
    employer_id: Annotated[
        str | None, Query(max_length=32, pattern=r"^[^\x00]*$", description="Only this employer's.")
    ] = None,
    status: Annotated[
        Status | None, Query(description="Only openings with this status (specialists: open only).")
    ] = None,
    q: Annotated[
        str,
        Query(
            max_length=200,
            pattern=r"^[^\x00]*$",
            description="Search: openings whose title or employer name contains this text (any case).",
            examples=["kennel"],
        ),
    ] = "",
    industry: Annotated[
        str,
        Query(
            max_length=120,
            pattern=r"^[^\x00]*$",
            description="Only openings of this industry, as entered on them (any case).",
            examples=["animal care"],
        ),
    ] = "",
    expiring_within: Annotated[
        int | None,
        Query(
            ge=0,
            le=3660,
            description="Only openings whose last day to apply is from today to this many days ahead.",
            examples=[14],
        ),
    ] = None,
    sort: Annotated[
        Sort,
        Query(
            description="Order by: created (when stored), title, employer (name, then title), posted "
            "(date posted) or expires (last day to apply; no end date last)."
        ),
    ] = "created",
    order: Annotated[Order, Query(description="asc (A to Z, oldest first) or desc.")] = "asc",
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> OpeningsPublic:
    """A liaison's openings (any status); for specialists, open and unexpired ones. Paged.

    ``total`` counts every match; ``next`` is the URL of the next page (null on the last).
    """
    asked = openings.ListRequest(
        search=q,
        employer_id=employer_id,
        status=status,
        industry=industry,
        expiring_within=expiring_within,
        sort=sort,
        descending=order == "desc",
    )
    rows, total = openings.list_openings(
        session, user, asked, today=settings.today(), limit=limit, offset=offset
    )
    names = openings.developer_names(session, rows)
    today = settings.today()
    return OpeningsPublic(
        data=[openings.public(o, today=today, developer_name=names.get(o.developed_by or 0)) for o in rows],
        count=len(rows),
        total=total,
        limit=limit,
        offset=offset,
        next=openings.next_page(
            request.url.path, request.query_params.multi_items(), total=total, limit=limit, offset=offset
        ),
    )


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(404, 409))
def create_opening(
    session: SessionDep, user: OpeningReader, settings: SettingsDep, body: OpeningCreate
) -> OpeningPublic:
    """Post an opening: a liaison for a managed employer; a specialist one they developed, for any
    employer (marked developed_by them). A near-duplicate of an open one is a 409."""
    opening = openings.create_opening(
        session, user, employer_id=body.employer_id, details=body.details, today=settings.today()
    )
    session.commit()
    return public(session, opening, settings)


@router.get("/{opening_id}", responses=errors(404))
def read_opening(
    session: SessionDep, user: OpeningReader, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    return public(session, openings.visible(session, user, opening_id), settings)


@router.put("/{opening_id}", responses=errors(404, 409))
def update_opening(
    session: SessionDep,
    user: OpeningReader,
    settings: SettingsDep,
    opening_id: str,
    body: OpeningUpdate,
) -> OpeningPublic:
    """Replace an opening's details (``version`` must be current): the employer's liaisons, or the
    specialist who developed it (403 for others who may read it)."""
    opening = openings.editable(session, user, opening_id)
    openings.update_opening(
        session, user, opening, details=body.details, version=body.version, today=settings.today()
    )
    session.commit()
    return public(session, opening, settings)


def _status(
    session: SessionDep, user: User, settings: SettingsDep, opening_id: str, new: Status
) -> OpeningPublic:
    opening = openings.set_status(session, user, openings.editable(session, user, opening_id), new)
    session.commit()
    return public(session, opening, settings)


@router.post("/{opening_id}/fill", responses=errors(404, 409))
def fill_opening(
    session: SessionDep, user: OpeningReader, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    """Mark filled (no longer suggested)."""
    return _status(session, user, settings, opening_id, "filled")


@router.post("/{opening_id}/close", responses=errors(404, 409))
def close_opening(
    session: SessionDep, user: OpeningReader, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    """Mark closed (no longer suggested)."""
    return _status(session, user, settings, opening_id, "closed")


@router.post("/{opening_id}/reopen", responses=errors(404, 409))
def reopen_opening(
    session: SessionDep, user: OpeningReader, settings: SettingsDep, opening_id: str
) -> OpeningPublic:
    """Open a filled or closed opening again."""
    return _status(session, user, settings, opening_id, "open")


# Fields only job-board imports fill are left out of a native import's report (exclude_none).
@router.post("/import", responses=errors(400, 409, 413), response_model_exclude_none=True)
def import_openings(
    session: SessionDep,
    user: LiaisonUser,
    settings: SettingsDep,
    file: UploadFile,
    atomic: bool = False,
    profile: Annotated[
        Profile | None,
        Query(
            description="The file's format: native (this service's columns), linkedin or jobspy "
            "(job-board exports); left out, it is found from the header."
        ),
    ] = None,
    full_feed: Annotated[
        bool,
        Query(
            description="Job-board files: the file is the whole feed, so open openings of that source "
            "(of employers you manage) missing from it are closed."
        ),
    ] = False,
    dry_run: Annotated[bool, Query(description="Check and report only; nothing is stored.")] = False,
) -> ImportReport:
    """Bulk CSV import: valid rows are stored and bad ones reported by row, field and message.

    The project's own format is strict: an unknown column refuses the file, at most
    ``PLACEMENT_MAX_IMPORT_ROWS`` rows (100,000 by default; the upload is also at most
    ``PLACEMENT_MAX_IMPORT_BYTES``, 5 MB by default); every unreadable cell of a row is
    reported, then the first other problem the engine finds in it, and near-duplicates of open
    openings (or of earlier rows) are reported in ``duplicates`` and not stored. A job-board
    export (LinkedIn, JobSpy) ignores columns it does not read, upserts by the posting's id
    (``created``, ``updated``, ``n_unchanged``), creates missing employers and reports
    ``warnings`` by kind.
    With ``atomic=true`` nothing is stored unless every row is valid.
    """
    try:
        text = importer.read_upload(
            file.file.read(settings.max_import_bytes + 1), max_bytes=settings.max_import_bytes
        )
        return importer.run_file_import(
            session,
            user=user,
            text=text,
            profile=profile,
            atomic=atomic,
            today=settings.today(),
            ttl_days=settings.import_ttl_days,
            dry_run=dry_run,
            full_feed=full_feed,
            max_rows=settings.max_import_rows,
        )
    except importer.ImportRefused as refused:
        raise HTTPException(status_code=refused.status, detail=refused.detail) from None

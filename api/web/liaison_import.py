"""The CSV import page: upload, a preview of every row's problems, then "store the valid rows".

The preview runs the importer's own checks (``api.importer.preview``) and stores nothing.
The uploaded file is kept for the confirmation under ``var_dir/page-imports`` as
``<user id>-<random token>.csv`` (mode 0600): only the user who uploaded it can name it
(the token is in their preview form, the user id comes from their session), it is
deleted once stored, and files older than :data:`KEEP_SECONDS` are removed on the next
upload. Storing re-runs the same import as ``POST /api/v1/openings/import`` on that file,
so a row that became a near-duplicate meanwhile is still refused.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from api import board_import, importer, store
from api.config import Settings
from api.deps import SessionDep, SettingsDep
from api.models import User
from api.schemas import ImportRowError
from api.web.render import render
from api.web.session import LiaisonPage

router = APIRouter()

KEEP_SECONDS = 3600
#: The formats a liaison may choose (left unchosen, the file's header decides).
PROFILE_CHOICES = {
    "native": "This service's columns",
    "linkedin": "LinkedIn postings export",
    "jobspy": "JobSpy export (Indeed, Glassdoor, ZipRecruiter, ...)",
}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _folder(settings: Settings) -> Path:
    return settings.var_dir / "page-imports"


def _kept_file(settings: Settings, user: User, token: str) -> Path | None:
    """The file ``user`` uploaded under ``token``, if the token is well formed."""
    if not _TOKEN.fullmatch(token):
        return None
    return _folder(settings) / f"{user.id}-{token}.csv"


def _keep(settings: Settings, user: User, data: bytes) -> str:
    folder = _folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:  # removed by another request meanwhile
            pass
    token = secrets.token_urlsafe(24)
    path = folder / f"{user.id}-{token}.csv"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return token


def _plain(refused: importer.ImportRefused, settings: Settings) -> str:
    if refused.status == 413:
        limit = settings.max_import_bytes / 1_000_000
        return f"The file is larger than the limit of {limit:g} MB: split it in parts."
    if refused.status == 409:
        return "Another import stored some of these postings meanwhile: check the file again."
    if "workbook" in refused.detail:
        return "The file is a spreadsheet workbook, not CSV: in the spreadsheet, save it as CSV."
    return f"The file could not be read as CSV ({refused.detail})."


@router.get("/openings/import")
def import_page(request: Request, user: LiaisonPage) -> Response:
    return _upload_form(request, user, errors={})


@router.post("/openings/import")
async def preview_import(
    request: Request, session: SessionDep, settings: SettingsDep, user: LiaisonPage
) -> Response:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _upload_form(request, user, errors={"file": "Choose a CSV file to check"}, status_code=422)
    options = _options(form.get("profile"), form.get("full_feed"))
    if options is None:
        return _upload_form(
            request, user, errors={"profile": "Choose one of the formats listed"}, status_code=422
        )
    data = await upload.read(settings.max_import_bytes + 1)
    try:
        text = importer.read_upload(data, max_bytes=settings.max_import_bytes)
        if board_import.choose_profile(text, options.profile) is not None:
            return _board_preview(
                request,
                session,
                settings,
                user,
                data=data,
                text=text,
                options=options,
                filename=upload.filename[:200],
            )
        if options.full_feed:
            full = "A full feed needs a job-board file (LinkedIn or JobSpy)."
            return _upload_form(request, user, errors={"full_feed": full}, status_code=422)
        preview = importer.preview(
            session, user=user, text=text, today=settings.today(), max_rows=settings.max_import_rows
        )
    except importer.ImportRefused as refused:
        return _upload_form(request, user, errors={"file": _plain(refused, settings)}, status_code=422)
    finally:
        session.rollback()  # the preview stored nothing; end its read transaction
    token = _keep(settings, user, data) if preview.storable else ""
    employers = store.employers.managed_employers(
        session, employer_ids={r.employer_id for r in preview.storable}, liaison_id=user.id
    )
    rows_of = {r.opening_id: r.row for r in preview.storable}
    existing = {
        d.duplicate_of: store.openings.get_opening(session, opening_id=d.duplicate_of)
        for d in preview.duplicates
        if d.duplicate_of not in rows_of
    }
    problems: dict[int, list[ImportRowError]] = {}
    for error in preview.errors:
        problems.setdefault(error.row, []).append(error)
    return render(
        request,
        "liaison_import.html",
        user=user,
        nav="import",
        errors={},
        preview=preview,
        problems=sorted(problems.items()),
        employers={k: v.name for k, v in employers.items()},
        rows_of=rows_of,
        existing=existing,
        token=token,
        board=None,
        options=options,
        filename=upload.filename[:200],
    )


@router.post("/openings/import/store")
async def store_import(
    request: Request, session: SessionDep, settings: SettingsDep, user: LiaisonPage
) -> Response:
    form = await request.form()
    token = form.get("token")
    path = _kept_file(settings, user, token) if isinstance(token, str) else None
    try:
        data = path.read_bytes() if path is not None else None
    except FileNotFoundError:
        data = None
    options = _options(form.get("profile"), form.get("full_feed"))
    if path is None or data is None or options is None:
        expired = "The checked file is no longer kept (after an hour, or once stored): upload it again."
        return _upload_form(request, user, errors={"file": expired}, status_code=422)
    try:
        report = importer.run_file_import(
            session,
            user=user,
            text=importer.read_upload(data, max_bytes=settings.max_import_bytes),
            profile=options.profile,
            atomic=False,
            today=settings.today(),
            ttl_days=settings.import_ttl_days,
            full_feed=options.full_feed,
            max_rows=settings.max_import_rows,
        )
    except importer.ImportRefused as refused:  # it was read once: only if the limit changed since
        return _upload_form(request, user, errors={"file": _plain(refused, settings)}, status_code=422)
    path.unlink(missing_ok=True)
    n = len(report.created) + len(report.updated)
    return RedirectResponse(f"/openings?done=imported&n={n}&sort=created&order=desc", status_code=303)


@dataclass(frozen=True)
class _Options:
    profile: str | None  # None: found from the header
    full_feed: bool


def _options(profile: object, full_feed: object) -> _Options | None:
    """The format and full-feed choice of the form, or None when the format is not one offered."""
    chosen = profile if isinstance(profile, str) and profile else None
    if chosen is not None and chosen not in PROFILE_CHOICES:
        return None
    return _Options(chosen, full_feed == "on")


def _board_preview(
    request: Request,
    session: SessionDep,
    settings: Settings,
    user: User,
    *,
    data: bytes,
    text: str,
    options: _Options,
    filename: str,
) -> Response:
    """A job-board file checked with nothing stored: what would be created, updated, closed and why."""
    report = importer.run_file_import(
        session,
        user=user,
        text=text,
        profile=options.profile,
        atomic=False,
        today=settings.today(),
        ttl_days=settings.import_ttl_days,
        dry_run=True,
        full_feed=options.full_feed,
        max_rows=settings.max_import_rows,
    )
    storable = bool(report.created or report.updated or report.closed)
    problems: dict[int, list[ImportRowError]] = {}
    for error in report.errors:
        problems.setdefault(error.row, []).append(error)
    return render(
        request,
        "liaison_import.html",
        user=user,
        nav="import",
        errors={},
        preview=None,
        board=report,
        problems=sorted(problems.items()),
        token=_keep(settings, user, data) if storable else "",
        options=options,
        filename=filename,
    )


def _upload_form(request: Request, user: User, *, errors: dict[str, str], status_code: int = 200) -> Response:
    settings: Settings = request.app.state.settings
    return render(
        request,
        "liaison_import.html",
        user=user,
        nav="import",
        status_code=status_code,
        errors=errors,
        preview=None,
        limit_mb=f"{settings.max_import_bytes / 1_000_000:g}",
        columns=sorted(importer.COLUMNS),
        required=importer.REQUIRED,
        profiles=PROFILE_CHOICES,
        board=None,
    )

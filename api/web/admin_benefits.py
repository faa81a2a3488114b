"""The admin's benefits figures page: the year in force, the out-of-date warning, loading a new year.

A year is loaded as the JSON file the repository ships (``data/benefits_us_2026.json``), checked
and stored by :func:`api.benefits.load_figures`, as ``PUT /api/v1/benefits``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from api import benefits, store
from api.config import Settings
from api.deps import SessionDep, SettingsDep
from api.store import benefits as benefits_store
from api.web.admin_forms import AdminForm
from api.web.session import AdminPage
from matcher.benefits import FIELDS, BenefitsError

router = APIRouter()

MAX_BYTES = 64 * 1024  # a year's figures are a few hundred bytes
NOTICES = {
    "loaded": "The new figures are stored and in force from now on (a new settings version was stored)."
}
PAGE = AdminForm("admin_benefits.html", path="/admin/benefits", nav="benefits", notices=NOTICES)


def _context(session: SessionDep, settings: Settings) -> dict[str, Any]:
    """The year in force today (and its warning), every year loaded, the fields a year has."""
    return {
        "status": benefits.status(session, settings.today()),
        "loads": _loads(session),
        "fields": list(FIELDS),
    }


def _loads(session: SessionDep) -> list[dict[str, Any]]:
    """Every year an admin loaded, newest first, with who loaded it and the source it names."""
    names = {u.id: u.full_name or u.username for u in store.users.list_users(session)}
    return [
        {
            "year": row.year,
            "at": row.created_at,
            "by": names.get(row.created_by or 0, "unknown"),
            "source": str(row.figures.get("source", "")),
        }
        for row in reversed(benefits_store.list_loaded(session))
    ]


@router.get("/admin/benefits", response_class=HTMLResponse)
def benefits_page(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminPage, done: str | None = None
) -> Response:
    """Which year's figures are in force today, and the form to load a new year."""
    return PAGE.page(request, admin, done=done, **_context(session, settings))


@router.post("/admin/benefits", response_class=HTMLResponse)
async def load_benefits(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminPage
) -> Response:
    """Check and store the uploaded year; on a problem nothing is stored and the field is named."""
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        problem = "Choose the year's figures file (JSON) to load"
    else:
        try:
            raw = json.loads(await upload.read(MAX_BYTES + 1))
            benefits.load_figures(session, admin=admin, raw=raw)
        except (ValueError, UnicodeDecodeError):  # json.JSONDecodeError is a ValueError
            problem = "The file is not JSON: upload a file shaped like data/benefits_us_2026.json"
        except BenefitsError as exc:
            problem = f"Nothing was loaded. {exc}"
        else:
            session.commit()
            return PAGE.done("loaded")
    session.rollback()
    errors = {"file": problem}
    return PAGE.page(request, admin, errors=errors, status_code=422, **_context(session, settings))

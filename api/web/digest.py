"""Pages: the specialist's digests, newest run first, and one digest (also as Markdown and CSV).

The same service as the JSON routes (``api.rematch.store`` and ``api.rematch.caseload``):
only the specialist's own digests exist here, each narrowed to the clients they carry
today. Every run's digest is kept, so an admin's extra run is listed beside the nightly one.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep, SettingsDep
from api.fit_bands import BAND_WORDS, fit_band
from api.models import User
from api.rematch import store as rematch_store
from api.rematch.caseload import DigestView, narrow_digest, run_kind
from api.web.paging import page_of
from api.web.render import PAGE_HEADERS, render
from api.web.session import SpecialistPage

router = APIRouter()


@router.get("/digests", response_class=HTMLResponse)
def digests(request: Request, session: SessionDep, settings: SettingsDep, user: SpecialistPage) -> Response:
    """The specialist's digests by date, newest first, a page at a time."""
    total, _ = rematch_store.specialist_digests(session, specialist_id=user.id, limit=1, offset=0)
    page = page_of(request, total=total)
    _, found = rematch_store.specialist_digests(
        session, specialist_id=user.id, limit=page.size, offset=page.offset
    )
    keep = rematch_store.caseload_labels(session, specialist_id=user.id)
    top_n = settings.digest_top_n
    rows = [
        (run, run_kind(run), narrow_digest(d.body, keep=keep, run=run, reader=user, top_n=top_n).summary)
        for d, run in found
    ]
    return render(request, "digest_list.html", user=user, nav="digests", rows=rows, page=page)


def _view(session: SessionDep, user: User, run_id: int, top_n: int) -> DigestView:
    found = rematch_store.specialist_digest(session, specialist_id=user.id, run_id=run_id)
    if found is None:
        raise HTTPException(status_code=404, detail="Digest not found")
    digest, run = found
    keep = rematch_store.caseload_labels(session, specialist_id=user.id)
    return narrow_digest(digest.body, keep=keep, run=run, reader=user, top_n=top_n)


@router.get("/digests/{run_id}", response_class=HTMLResponse)
def digest_page(
    request: Request, run_id: int, session: SessionDep, settings: SettingsDep, user: SpecialistPage
) -> Response:
    """One digest: what matters first, then the clients with nothing new."""
    view = _view(session, user, run_id, settings.digest_top_n)
    return render(
        request,
        "digest_page.html",
        user=user,
        nav="digests",
        summary=view.summary,
        run_id=run_id,
        band=band_words,
    )


def band_words(score: float) -> str:
    """A score's fit band in the pages' words ("Strong fit")."""
    return BAND_WORDS[fit_band(score)]


@router.get("/digests/{run_id}/digest.md")
def digest_markdown(
    run_id: int, session: SessionDep, settings: SettingsDep, user: SpecialistPage
) -> Response:
    """The digest as Markdown, to keep or forward."""
    view = _view(session, user, run_id, settings.digest_top_n)
    return _download(view.markdown, "text/markdown", f"digest-{run_id}.md")


@router.get("/digests/{run_id}/digest.csv")
def digest_csv(run_id: int, session: SessionDep, settings: SettingsDep, user: SpecialistPage) -> Response:
    """The digest as CSV, one row per item (formula-safe cells)."""
    view = _view(session, user, run_id, settings.digest_top_n)
    return _download(view.csv, "text/csv", f"digest-{run_id}.csv")


def _download(text: str, media_type: str, filename: str) -> Response:
    headers = PAGE_HEADERS | {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(text, media_type=f"{media_type}; charset=utf-8", headers=headers)

"""The admin's retention page: the model card's numbers, weights in force vs proposed, and promotion.

Promotion goes through :func:`api.retention.promote`, as ``POST /api/v1/retention/proposal/promote``,
and needs the confirmation box ticked: a proposal is never applied without an admin saying so.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api import retention
from api.deps import SessionDep
from api.routes.retention import ModelsDir
from api.web.admin_forms import AdminForm
from api.web.session import AdminPage
from api.web.words import FACTOR_WORDS
from matcher.retention.evaluate import LOST_RECALL, NDCG, RECALL

router = APIRouter()

CONFIRM_MESSAGE = "Tick the box to confirm that the proposed weights should be in force"
NOTICES = {
    "promoted": "The proposed weights are in force from now on (a new program settings version was stored)."
}
PAGE = AdminForm("admin_retention.html", path="/admin/retention", nav="retention", notices=NOTICES)


def _context(session: SessionDep, models_dir: ModelsDir) -> dict[str, Any]:
    """The model card's numbers and the weights in force beside the proposed ones."""
    state: dict[str, Any] = retention.proposal(session, models_dir=models_dir)
    proposed = state["proposed_weights"] or {}
    rows = [
        (words, state["current_weights"][factor], proposed.get(factor))
        for factor, words in FACTOR_WORDS.items()
    ]
    report = state.get("report") or {}
    return {
        "state": state,
        "report": report,
        "coefficients": report.get("coefficients") or {},
        "evaluation": report.get("evaluation") or {},
        "factor_words": FACTOR_WORDS,
        "ranking_names": (RECALL, NDCG, LOST_RECALL),
        "rows": rows,
    }


@router.get("/admin/retention", response_class=HTMLResponse)
def retention_page(
    request: Request, session: SessionDep, models_dir: ModelsDir, admin: AdminPage, done: str | None = None
) -> Response:
    """What the retention model learned and the weights it proposes."""
    return PAGE.page(request, admin, done=done, **_context(session, models_dir))


@router.post("/admin/retention/promote", response_class=HTMLResponse)
def promote(
    request: Request,
    session: SessionDep,
    models_dir: ModelsDir,
    admin: AdminPage,
    model_version: Annotated[str, Form(max_length=64)] = "",
    confirm: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Promote the reviewed proposal once the admin confirmed; otherwise say what is missing."""
    if confirm != "yes":
        errors = {"confirm": CONFIRM_MESSAGE}
        return PAGE.page(request, admin, errors=errors, status_code=422, **_context(session, models_dir))
    try:
        retention.promote(session, admin=admin, model_version=model_version, models_dir=models_dir)
    except retention.NoProposal as exc:
        errors = {"confirm": str(exc)}
        return PAGE.page(request, admin, errors=errors, status_code=409, **_context(session, models_dir))
    session.commit()
    retention.rewrite_card(session, models_dir=models_dir)
    return PAGE.done("promoted")

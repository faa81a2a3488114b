"""The admin's program settings page: the main settings as a form, and every earlier version.

The form changes a few settings of the configuration in force (the rest stay as they
are) and saves through :func:`api.routes.program.save_config`, as ``PUT /api/v1/config``.
Every field is checked by the engine's own rules (:func:`api.routes.program.config_problem`)
one at a time, so all problems are shown at once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from api import benefits, store
from api.config import Settings
from api.deps import SessionDep, SettingsDep
from api.models import User
from api.routes.program import config_problem, current_config, save_config
from api.schemas import ProgramConfigPublic, ProgramConfigUpdate
from api.web.audit_words import setting_label
from api.web.render import render
from api.web.session import AdminPage
from api.web.words import FACTOR_WORDS
from matcher.config import MatcherConfig

router = APIRouter()


@dataclass(frozen=True)
class Setting:
    """One form field: its path in the configuration, whether it is whole, its hint and refusal."""

    path: str
    whole: bool
    hint: str
    refused: str

    @property
    def label(self) -> str:
        return setting_label(self.path)

    @property
    def name(self) -> str:
        """The form field's name (and id)."""
        return self.path.replace(".", "_")


WEIGHT_HINT = "A relative weight of 0 or more; the weights are scaled to add up to 100 points."
WEIGHTS = [
    Setting(f"scoring.weights.{f}", False, WEIGHT_HINT, "Enter a weight of 0 or more") for f in FACTOR_WORDS
]
OTHERS = [
    Setting(
        "ranking.k",
        True,
        "How many openings a shortlist suggests (1 or more).",
        "Enter a whole number of 1 or more",
    ),
    Setting(
        "ranking.max_per_employer",
        True,
        "So that one employer does not fill a shortlist (1 or more).",
        "Enter a whole number of 1 or more",
    ),
    Setting(
        "commute.short_share",
        False,
        "For example 0.5: a commute of up to half the client's limit counts as short.",
        "Enter a number of 0 or more, such as 0.5",
    ),
    Setting(
        "commute.fit_at_limit",
        False,
        "From 0 to 1: how well a commute right at the client's limit still fits (1 = as well as none).",
        "Enter a number of 0 or more, such as 0.2",
    ),
]
SETTINGS = WEIGHTS + OTHERS
WEIGHTS_GROUP = "weights"
NOTE_MESSAGE = "Use at most 4000 characters"
NOTICES = {"saved": "The new program settings are in force from now on (a new version was stored)."}


def _get(config: dict[str, Any], path: str) -> Any:
    value: Any = config
    for key in path.split("."):
        value = value[key]
    return value


def _set(config: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``config`` with ``path`` set to ``value``."""
    out = copy.deepcopy(config)
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[key]
    node[last] = value
    return out


def _parse(setting: Setting, raw: str) -> int | float | None:
    try:
        return int(raw) if setting.whole else float(raw)
    except ValueError:
        return None


class ProgramForm(BaseModel):
    """The form as posted (text; :func:`check` reads the numbers)."""

    scoring_weights_preference: str = ""
    scoring_weights_strengths: str = ""
    scoring_weights_cognitive: str = ""
    scoring_weights_accommodation: str = ""
    scoring_weights_commute: str = ""
    scoring_weights_schedule: str = ""
    scoring_weights_wage: str = ""
    ranking_k: str = ""
    ranking_max_per_employer: str = ""
    commute_short_share: str = ""
    commute_fit_at_limit: str = ""
    note: str = ""


assert set(ProgramForm.model_fields) == {s.name for s in SETTINGS} | {"note"}


def _form_values(config: dict[str, Any]) -> dict[str, str]:
    return {s.name: f"{_get(config, s.path):g}" for s in SETTINGS}


def check(current: dict[str, Any], values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The new configuration and every problem of the form as {field: message}."""
    errors: dict[str, str] = {}
    config = current
    for setting in SETTINGS:
        value = _parse(setting, values.get(setting.name, "").strip())
        # Each value is checked alone against the configuration in force, so each problem is its own.
        if value is None or config_problem(_set(current, setting.path, value)) is not None:
            errors[setting.name] = setting.refused
        else:
            config = _set(config, setting.path, value)
    if not errors and config_problem(config) is not None:
        errors[WEIGHTS_GROUP] = "The weights cannot all be 0: give at least one factor some weight"
    return config, errors


def _diff(before: dict[str, Any] | None, after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(setting in words, old, new) for every setting that differs between two versions."""

    def flat(value: Any, prefix: str = "") -> dict[str, Any]:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                out |= flat(item, f"{prefix}{key}.")
            return out
        return {prefix[:-1]: value}

    old, new = flat(before or {}), flat(after)
    return [
        (setting_label(k), old.get(k), new.get(k))
        for k in sorted(old.keys() | new.keys())
        if old.get(k) != new.get(k)
    ]


def _history(session: SessionDep) -> list[dict[str, Any]]:
    """Every version, newest first, each with who stored it and what it changed."""
    versions = [ProgramConfigPublic.model_validate(r) for r in store.config.list_versions(session)]
    defaults = MatcherConfig().to_dict()
    names = {u.id: u.full_name or u.username for u in store.users.list_users(session)}
    out = []
    for i, version in enumerate(versions):
        before = versions[i + 1].config if i + 1 < len(versions) else defaults
        out.append(
            {
                "version": version,
                "by": names.get(version.created_by or 0, "unknown"),
                "changes": _diff(before, version.config),
            }
        )
    return out


def _page(
    request: Request,
    session: SessionDep,
    settings: Settings,
    admin: User,
    *,
    values: dict[str, str],
    note: str,
    errors: dict[str, str],
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    return render(
        request,
        "admin_program.html",
        user=admin,
        nav="program",
        notice=NOTICES.get(done or ""),
        current=current_config(session),
        weights=WEIGHTS,
        others=OTHERS,
        values=values,
        note=note,
        errors=errors,
        history=_history(session),
        status_code=status_code,
        benefits_warning=benefits.status(session, settings.today()).warning,
    )


@router.get("/admin/program", response_class=HTMLResponse)
def program_page(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminPage, done: str | None = None
) -> Response:
    """The settings in force as a form, and their history."""
    values = _form_values(current_config(session).config)
    return _page(request, session, settings, admin, values=values, note="", errors={}, done=done)


@router.post("/admin/program", response_class=HTMLResponse)
def save_program(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminPage,
    form: Annotated[ProgramForm, Form()],
) -> Response:
    """Store the form as a new version; on any problem nothing is stored and all are shown."""
    posted = form.model_dump()
    values = {s.name: posted[s.name] for s in SETTINGS}
    note = form.note
    config, errors = check(current_config(session).config, values)
    try:
        ProgramConfigUpdate(config=config, note=note)
    except ValidationError:
        errors["note"] = NOTE_MESSAGE
    if errors:
        return _page(
            request, session, settings, admin, values=values, note=note, errors=errors, status_code=422
        )
    save_config(session, admin=admin, config=config, note=note)
    session.commit()
    return RedirectResponse("/admin/program?done=saved", status_code=303)

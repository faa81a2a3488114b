"""Train the retention model on recorded outcomes, evaluate it on later ones, propose weights.

:func:`train` is pure: outcomes and the weights in force in, a fitted model and a JSON-ready
report out. :func:`save` writes ``models/retention_model.joblib``, its ``.json`` sidecar (the
report, through :mod:`matcher.artifacts`) and the model card ``models/retention_model.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from matcher import artifacts
from matcher.config import FACTORS
from matcher.retention import evaluate, proposal
from matcher.retention.card import render_card
from matcher.retention.model import RetentionModel
from matcher.retention.outcomes import RETAINED_DAYS, Outcomes, time_split, window

RETENTION_MODEL = "retention_model"
STATUS_OK = "ok"
STATUS_NOT_ENOUGH = "not_enough"
STATUS_NO_EFFECT = "no_clear_effect"


@dataclass(frozen=True)
class Trained:
    """A fitted model (None when there were not enough outcomes) and its report."""

    model: RetentionModel | None
    report: dict[str, Any]


def _frame(outcomes: Outcomes) -> pd.DataFrame:
    return pd.DataFrame(outcomes.factors, columns=list(FACTORS))


def _counts(outcomes: Outcomes) -> dict[str, int]:
    known, retained = outcomes.known, outcomes.retained
    return {
        "placements": len(outcomes),
        "known": int(known.sum()),
        "retained": int((known & retained).sum()),
        "not_retained": int((known & ~retained).sum()),
        "censored": int((~known).sum()),
        "ongoing": int((~outcomes.ended).sum()),
    }


def _fit(outcomes: Outcomes, *, n_bootstrap: int, seed: int) -> RetentionModel:
    return RetentionModel(n_bootstrap=n_bootstrap, random_state=seed).fit(_frame(outcomes), outcomes.retained)


def _clean(value: Any) -> Any:
    """NaN and infinities as None, so the report is strict JSON."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _evaluation(
    known: Outcomes, current: Mapping[str, float], *, n_bootstrap: int, seed: int
) -> dict[str, Any]:
    """Fit on the earlier placements, measure on the later ones only."""
    split = time_split(known)
    train, test = split.train, split.test
    problem = proposal.enough_outcomes(train.retained)
    out: dict[str, Any] = {
        "cutoff": split.cutoff.isoformat(),
        "train": _counts(train),
        "test": _counts(test),
        "train_window": [d.isoformat() for d in window(train) or ()],
        "test_window": [d.isoformat() for d in window(test) or ()],
    }
    if problem is not None:
        return out | {"message": f"earlier placements: {problem}"}
    model = _fit(train, n_bootstrap=n_bootstrap, seed=seed)
    p = model.predict_proba(_frame(test))[:, 1]
    base_rate = float(train.retained.mean())
    out["calibration"] = evaluate.calibration(
        p, test.retained, base_rate=base_rate, n_bootstrap=n_bootstrap, seed=seed
    )
    proposed = proposal.propose_weights(current, proposal.learned_shares(model.coefficients()))
    out["proposed_from_earlier"] = proposed
    if proposed is not None:
        out["ranking"] = evaluate.ranking(test, current, proposed, n_bootstrap=n_bootstrap, seed=seed)
    out["warnings"] = _warnings(out)
    return out


def _warnings(evaluation: Mapping[str, Any]) -> list[str]:
    """What in the later placements speaks against promoting, in words."""
    out = []
    cal = evaluation["calibration"]
    if cal["brier"]["value"] >= cal["brier_base_rate"]:
        out.append(
            f"on later placements the model predicts no better than the earlier base rate "
            f"(Brier {cal['brier']['value']:.3f} vs {cal['brier_base_rate']:.3f})"
        )
    for name, metric in (evaluation.get("ranking") or {}).items():
        if name != evaluate.LOST_RECALL and metric["difference"]["high"] < 0:
            change = metric["difference"]["value"]
            out.append(f"the proposed weights ranked later kept hires lower ({name} {change:+.3f})")
    return out


def train(
    outcomes: Outcomes, *, current_weights: Mapping[str, float], n_bootstrap: int = 200, seed: int = 0
) -> Trained:
    """Fit the model on every known outcome and report, evaluate and propose.

    Parameters
    ----------
    outcomes : Outcomes
        The placements with their factor values and pools.
    current_weights : mapping
        The program's factor weights in force (what the proposal starts from).
    n_bootstrap : int
        Resamples for every interval (coefficients and metrics).
    seed : int
    """
    first_last = window(outcomes)
    report: dict[str, Any] = {
        "label": f"still employed {RETAINED_DAYS} days after the start",
        "as_of": outcomes.as_of.isoformat(),
        "data_window": [d.isoformat() for d in first_last] if first_last else [],
        "counts": _counts(outcomes),
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        "min_outcomes": proposal.MIN_OUTCOMES,
        "min_per_class": proposal.MIN_PER_CLASS,
        "blend": proposal.BLEND,
        "weights_at_training": {f: float(current_weights[f]) for f in FACTORS},
        "proposed_weights": None,
        "learned_shares": None,
        "coefficients": None,
        "evaluation": None,
    }
    known = outcomes.take(outcomes.known)
    problem = proposal.enough_outcomes(known.retained)
    if problem is not None:
        return Trained(None, _clean(report | {"status": STATUS_NOT_ENOUGH, "message": problem}))
    model = _fit(known, n_bootstrap=n_bootstrap, seed=seed)
    shares = proposal.learned_shares(model.coefficients())
    proposed = proposal.propose_weights(current_weights, shares)
    report |= {
        "status": STATUS_OK if proposed is not None else STATUS_NO_EFFECT,
        "message": None if proposed is not None else "no factor clearly predicts retention: nothing proposed",
        "coefficients": model.coefficients(),
        "intercept": model.intercept_,
        "learned_shares": shares,
        "proposed_weights": proposed,
        "evaluation": _evaluation(known, current_weights, n_bootstrap=n_bootstrap, seed=seed),
    }
    return Trained(model, _clean(report))


def save(trained: Trained, *, models_dir: Path, trained_by: str) -> dict[str, Any]:
    """Write the model, its sidecar (the report) and its card; returns the sidecar's metadata.

    The model version is the artifact's checksum prefix: a retrained model is a new version.
    """
    report = dict(trained.report, trained_by=trained_by)
    artifacts.save(trained.model, RETENTION_MODEL, models_dir=models_dir, report=report)
    _, meta = artifacts.load(RETENTION_MODEL, models_dir=models_dir)
    write_card(meta, models_dir=models_dir)
    return meta


def model_version(meta: Mapping[str, Any]) -> str:
    """The version an artifact's sidecar identifies: its checksum's first 12 hex digits."""
    return str(meta.get("sha256", ""))[:12]


def write_card(
    meta: Mapping[str, Any],
    *,
    models_dir: Path,
    promoted: Mapping[str, Any] | None = None,
) -> Path:
    """(Re)write ``retention_model.md`` from a sidecar; ``promoted``: who promoted it, when, as what."""
    path = models_dir / f"{RETENTION_MODEL}.md"
    card = render_card(meta["report"], version=model_version(meta), promoted=promoted)
    path.write_text(card, encoding="utf-8")
    return path

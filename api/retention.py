"""The retention model's service half: train from the recorded placements, read and promote its proposal.

Training reads every placement at an opening, recomputes the engine's factor values of that
client x opening from the stored records (:mod:`matcher.retention.pairs`) under the configuration in
force, and writes ``models/retention_model.*`` (:func:`matcher.retention.save`). A proposal is
only ever applied by an admin's promotion: a new configuration version through
:func:`api.program.add_config_version` and a ``retention.promoted`` audit event naming the model
version; the card is rewritten to say who promoted it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from api import store
from api.audit import store as audit_store
from api.config import Settings
from api.events import log_event
from api.matching import load_occupations
from api.models import ProgramConfig, User
from api.program import add_config_version
from api.store import retention as retention_store
from matcher import artifacts, retention
from matcher.assembly import build_matcher, trained_text_model
from matcher.config import FACTORS, MatcherConfig
from matcher.errors import ArtifactError
from matcher.records import client_from_record, opening_from_record
from matcher.retention.pairs import placed_factors
from matcher.retention.proposal import propose_weights
from matcher.vocab import load_vocabulary

PROMOTED = "retention.promoted"


def models_dir_of(settings: Settings) -> Path:
    """The retention model's folder: ``var_dir/models``, written by the service (as
    ``var_dir/occupations``), not the package's ``models/``, which an installed wheel cannot change."""
    return settings.var_dir / "models"


class NoProposal(Exception):
    """Nothing to promote: no model, not enough outcomes, no clear effect, or another model version."""


def outcomes_from_db(
    session: Session, *, as_of: dt.date, config: MatcherConfig, occupations_path: Path | None = None
) -> retention.Outcomes:
    """Every placement at an opening that started by ``as_of``, with its factor values recomputed by
    the engine (a start recorded ahead, for a job not begun yet, has no outcome to learn from)."""
    rows = [r for r in retention_store.placed_pairs(session) if r.start_date <= as_of]
    vocab = load_vocabulary()
    records = retention_store.client_records(session, ids=sorted({r.client_id for r in rows}))
    clients = [client_from_record(records[c], vocab) for c in sorted(records)]
    openings = [opening_from_record(r, vocab) for r in retention_store.opening_records(session)]
    placed = [(r.client_id, str(r.opening_id)) for r in rows]
    n_features = len(FACTORS)
    if not placed:
        factors, pool, hired = np.zeros((0, n_features)), np.zeros((0, 1, n_features)), np.zeros(0, int)
    else:
        matcher = build_matcher(
            openings,
            as_of=as_of,
            config=config,
            vocabulary=vocab,
            text_model=trained_text_model()[0],
            occupations=load_occupations(occupations_path),
        )
        pairs = placed_factors(matcher, clients, placed)
        factors, pool, hired = pairs.factors, pairs.pool, pairs.hired
    start = np.array([r.start_date for r in rows], dtype="datetime64[D]")
    end = np.array([r.end_date or as_of for r in rows], dtype="datetime64[D]")
    return retention.Outcomes(
        start=start,
        tenure_days=(end - start).astype(np.float64),
        ended=np.array([r.end_date is not None for r in rows], dtype=bool),
        factors=factors,
        pool=pool,
        hired=hired,
        as_of=as_of,
    )


def train_from_db(
    session: Session,
    *,
    as_of: dt.date,
    trained_by: str,
    models_dir: Path,
    n_bootstrap: int = 200,
    occupations_path: Path | None = None,
) -> dict[str, Any]:
    """Train on the recorded placements and write the model, its sidecar and card; returns the sidecar."""
    config = store.config.matcher_config(store.config.current(session))
    outcomes = outcomes_from_db(session, as_of=as_of, config=config, occupations_path=occupations_path)
    trained = retention.train(outcomes, current_weights=config.scoring.weights, n_bootstrap=n_bootstrap)
    return retention.save(trained, models_dir=models_dir, trained_by=trained_by)


def load_report(models_dir: Path) -> tuple[str, dict[str, Any]] | None:
    """The trained model's version and report, or None when none was trained (or it does not load)."""
    try:
        _, meta = artifacts.load(retention.RETENTION_MODEL, models_dir=models_dir)
    except ArtifactError:
        return None
    return retention.model_version(meta), dict(meta["report"])


def promotions(session: Session, *, model_version: str) -> list[dict[str, Any]]:
    """Every promotion of that model version: who, when, as which configuration version."""
    events = audit_store.list_events(session, kind=PROMOTED, limit=None)
    return [
        {
            "by": e.actor,
            "at": e.at.isoformat(timespec="seconds"),
            "config_version": e.payload["config_version"],
        }
        for e in events
        if e.payload.get("model_version") == model_version
    ]


def proposal(session: Session, *, models_dir: Path) -> dict[str, Any]:
    """The model's report with the weights in force now and the proposal made from them."""
    loaded = load_report(models_dir)
    row = store.config.current(session)
    current = store.config.matcher_config(row).scoring.weights
    base: dict[str, Any] = {
        "config_version": row.version if row else 0,
        "current_weights": dict(current),
        "proposed_weights": None,
    }
    if loaded is None:
        return base | {
            "status": "no_model",
            "message": "no retention model trained yet",
            "model_version": None,
        }
    version, report = loaded
    shares = report.get("learned_shares")
    # The blend starts from the weights in force now, which may have changed since training.
    proposed = propose_weights(current, shares) if shares else None
    return base | {
        "status": report["status"],
        "message": report.get("message"),
        "model_version": version,
        "proposed_weights": proposed,
        "report": report,
        "promotions": promotions(session, model_version=version),
    }


def promote(session: Session, *, admin: User, model_version: str, models_dir: Path) -> ProgramConfig:
    """Store the proposal as a new configuration version, with its audit events. The caller commits.

    ``model_version`` is the version the admin reviewed; another one (retrained since) is refused.
    """
    current = proposal(session, models_dir=models_dir)
    if current["model_version"] != model_version:
        raise NoProposal(
            f"the model reviewed ({model_version}) is not the one trained ({current['model_version']})"
        )
    proposed = current["proposed_weights"]
    if proposed is None:
        raise NoProposal(current["message"] or "the model proposes no weights")
    config = store.config.matcher_config(store.config.current(session)).to_dict()
    config["scoring"]["weights"] = proposed
    note = f"Factor weights proposed by retention model {model_version}, promoted by {admin.username}"
    row = add_config_version(session, admin=admin, config=MatcherConfig.from_dict(config), note=note)
    log_event(
        session,
        kind=PROMOTED,
        user=admin,
        model_version=model_version,
        config_version=row.version,
        config_hash=row.config_hash,
        weights_before=current["current_weights"],
        weights_after=proposed,
    )
    return row


def rewrite_card(session: Session, *, models_dir: Path) -> None:
    """The card again, naming the latest promotion of the model (after the promotion is committed)."""
    try:
        _, meta = artifacts.load(retention.RETENTION_MODEL, models_dir=models_dir)
    except ArtifactError:
        return
    done = promotions(session, model_version=retention.model_version(meta))
    retention.write_card(meta, models_dir=models_dir, promoted=done[-1] if done else None)

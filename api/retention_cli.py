"""``placement-api retention train``: learn from the recorded placements, write the model and its card.

Reads every placement at an opening, recomputes the engine's factor values of each client x
opening from the stored records, trains and evaluates the retention model and writes
``var/models/retention_model.joblib`` (the service's folder), its ``.json`` sidecar and
``retention_model.md`` (or ``--models-dir``). Nothing in the program configuration changes: an
admin reviews the proposal at ``/admin/retention`` and promotes it there (or
``POST /api/v1/retention/proposal/promote``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api import retention
from matcher.progress import stages
from matcher.retention import model_version


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    train = sub.add_parser("train", help="train on the recorded placements and write the model card")
    train.add_argument(
        "--models-dir", type=Path, help="where to write it (default: var/models, read by the service)"
    )
    train.add_argument("--bootstrap", type=int, default=200, help="resamples for every interval")
    train.add_argument("--json", action="store_true", help="print the model's report as JSON")


def summary_lines(version: str, report: dict[str, Any]) -> list[str]:
    """The training in a few lines: counts, status, proposed weights."""
    counts = report["counts"]
    lines = [
        f"retention model {version}: {counts['placements']} placements, {counts['known']} known 90-day "
        f"outcomes ({counts['retained']} still employed, {counts['not_retained']} not), "
        f"{counts['censored']} not yet known",
        f"status: {report.get('message') or 'weights proposed'}",
    ]
    if report.get("proposed_weights"):
        pairs = ", ".join(f"{f} {w:.3f}" for f, w in report["proposed_weights"].items())
        lines.append(f"proposed weights (review at /admin/retention): {pairs}")
    return lines


def train(
    session: Session,
    *,
    today: dt.date,
    models_dir: Path,
    n_bootstrap: int,
    trained_by: str,
    occupations_path: Path | None = None,
) -> tuple[str, dict[str, Any]]:
    """Train from the database; returns the model version and its report.

    ``occupations_path``: the O*NET store the service enriches openings from, so the factor
    values are the ones its shortlists computed.
    """
    meta = retention.train_from_db(
        session,
        as_of=today,
        trained_by=trained_by,
        models_dir=models_dir,
        n_bootstrap=n_bootstrap,
        occupations_path=occupations_path,
    )
    return model_version(meta), meta["report"]


def run(
    args: argparse.Namespace,
    session: Session,
    *,
    today: dt.date,
    models_dir: Path,
    occupations_path: Path | None = None,
) -> int:
    """Train; ``models_dir``: where the service reads the model (``--models-dir`` overrides)."""
    if args.bootstrap < 2:
        raise SystemExit("retention train: --bootstrap must be at least 2")
    with stages(1, desc="placement-api retention train") as step:
        step("recomputing factor values and training")
        version, report = train(
            session,
            today=today,
            models_dir=args.models_dir or models_dir,
            n_bootstrap=args.bootstrap,
            trained_by=f"placement-api retention train ({getpass.getuser()})",
            occupations_path=occupations_path,
        )
    if args.json:
        sys.stdout.write(json.dumps({"model_version": version, **report}, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(summary_lines(version, report)) + "\n")
    return 0

"""Training and time-split evaluation of the retention model on 100k simulated placements.

The simulation (``matcher._data.outcome_sim.simulate``: factor values drawn directly, pools of 20
openings, two years of starts) is timed apart as setup; the figure is ``matcher.retention.train``
(the fit on every known outcome with 200 bootstrap resamples, the fit on the earlier 70 % with
its own 200, calibration and ranking of the later 30 % with bootstrap intervals) plus writing the
model, its sidecar and card. Target (issue 15): <= 60 s. Never asserted in tests.

    .venv/bin/python -m bench.retention                 # 100k placements, 200 resamples
    .venv/bin/python -m bench.retention --n 10000       # a smoke run
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from matcher._data import outcome_sim

from bench.common import load_average, machine
from matcher.config import DEFAULT_WEIGHTS
from matcher.retention import Outcomes, save, train

TARGET_S = 60.0
AS_OF = dt.date(2026, 12, 1)
SEED = 20261201


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retention", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="simulated placements")
    parser.add_argument("--bootstrap", type=int, default=200, help="resamples for every interval")
    parser.add_argument(
        "--card", type=Path, help="also copy the model card here (models/retention_model_simulated.md)"
    )
    args = parser.parse_args(argv)
    _out(machine())
    wall = time.perf_counter()
    sim = outcome_sim.simulate(args.n, seed=SEED, as_of=AS_OF)
    simulated = time.perf_counter() - wall
    outcomes = Outcomes(
        start=sim.start,
        tenure_days=sim.tenure_days,
        ended=sim.ended,
        factors=sim.factors,
        pool=sim.pool,
        hired=sim.hired,
        as_of=AS_OF,
    )
    _out(f"setup: simulated {args.n:,} placements in {simulated:.2f} s (not in the figure)")
    wall, cpu = time.perf_counter(), time.process_time()
    trained = train(outcomes, current_weights=DEFAULT_WEIGHTS, n_bootstrap=args.bootstrap, seed=SEED)
    with tempfile.TemporaryDirectory() as folder:
        save(trained, models_dir=Path(folder), trained_by="bench")
        if args.card is not None:
            shutil.copyfile(Path(folder) / "retention_model.md", args.card)
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    report = trained.report
    counts, evaluation = report["counts"], report["evaluation"]
    verdict = "met" if seconds <= TARGET_S else "NOT met"
    _out(
        f"train + evaluate + save: {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU "
        f"(target <= {TARGET_S:.0f} s: {verdict}); load average {load_average()}"
    )
    train_n, test_n = evaluation["train"]["known"], evaluation["test"]["known"]
    _out(
        f"  {counts['known']:,} known outcomes ({counts['retained']:,} kept), "
        f"train {train_n:,} / test {test_n:,} (cutoff {evaluation['cutoff']})"
    )
    coefficients = report["coefficients"]
    _out("  coefficients: " + ", ".join(f"{f} {c['coef']:+.2f}" for f, c in coefficients.items()))
    cal = evaluation["calibration"]
    brier, auc = cal["brier"]["value"], cal["auc"]["value"]
    _out(f"  later Brier {brier:.4f} (base rate {cal['brier_base_rate']:.4f}), AUC {auc:.3f}")
    for name, metric in evaluation.get("ranking", {}).items():
        diff = metric["difference"]
        _out(
            f"  {name}: in force {metric['current']['value']:.3f}, proposed {metric['proposed']['value']:.3f}"
            f" (difference {diff['value']:+.3f}, {diff['low']:+.3f} to {diff['high']:+.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Each benchmark a maintainer reruns (``make bench`` and the issue figures) runs to its end at a
tiny size and prints its figures. Speed is never asserted: this guards against a benchmark that
no longer runs because the code it drives changed under it (``bench.http`` has its own harness test).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# (module and arguments, a line part every run prints beside its figures)
SMOKE = [
    (["bench.run", "--quick", "--openings-huge", "0"], "p95"),
    (["bench.options", "--quick"], "added"),
    (["bench.rematch", "--sizes", "500", "--naive-n", "20"], "the naive pairs/s"),
    (["bench.imports", "--rows", "300", "--database", "sqlite"], "rows/s"),
]


@pytest.mark.parametrize(("argv", "printed"), SMOKE, ids=[a[0] for a, _ in SMOKE])
def test_the_benchmark_runs_to_its_end_and_prints_its_figures(argv: list[str], printed: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLACEMENT_", "DATABASE_URL"))}
    done = subprocess.run(
        [sys.executable, "-m", *argv], capture_output=True, text=True, timeout=600, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert printed in done.stdout, done.stdout[-3000:]

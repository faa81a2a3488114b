"""Dask scale-out: a two-worker LocalCluster gives the single-machine results, even losing a worker."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pandas as pd
import pytest

from matcher import demo
from matcher.rematch.chunks import ChunkResult
from matcher.rematch.rescore import Inputs, RematchOptions, load_inputs, run_rematch

distributed = pytest.importorskip("distributed")

TIMEOUT = 120  # seconds any one chunk may take before the run gives up


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as c:
        yield c


@pytest.fixture(scope="module")
def small() -> Inputs:
    raw_clients, raw_openings = demo.generate(31, n_clients=120, n_openings=600, metros=2)
    return load_inputs(raw_clients, raw_openings)


@pytest.fixture(scope="module")
def single_machine(small: Inputs) -> pd.DataFrame:
    return run_rematch(small, as_of=demo.DEMO_AS_OF, options=RematchOptions(chunk_size=10)).rows


def test_cluster_run_equals_single_machine_run(
    cluster: object, small: Inputs, single_machine: pd.DataFrame
) -> None:
    with distributed.Client(cluster) as client:
        result = run_rematch(
            small,
            as_of=demo.DEMO_AS_OF,
            dask_client=client,
            options=RematchOptions(chunk_size=10, timeout=TIMEOUT),
        )
    assert result.summary.settings["backend"] == "dask"
    pd.testing.assert_frame_equal(result.rows, single_machine, check_exact=True)
    assert len(result.client_ids) == len(small.clients)


def test_results_still_match_when_a_worker_is_killed_mid_run(
    cluster: object, small: Inputs, single_machine: pd.DataFrame
) -> None:
    killed: list[int] = []
    with distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=TIMEOUT)

        def kill_a_busy_worker(result: ChunkResult) -> None:
            del result  # the first finished chunk is the signal: the run is under way
            if killed:
                return
            processing = client.processing()
            busy = max(processing, key=lambda w: len(processing[w]))
            assert processing[busy], "the run should still have work on the cluster"
            pid = client.run(os.getpid, workers=[busy])[busy]
            os.kill(pid, signal.SIGKILL)  # no goodbye: the scheduler finds out the hard way
            killed.append(pid)

        result = run_rematch(
            small,
            as_of=demo.DEMO_AS_OF,
            dask_client=client,
            on_chunk=kill_a_busy_worker,
            options=RematchOptions(chunk_size=10, timeout=TIMEOUT),
        )
        alive = set(client.run(os.getpid).values())
    assert killed and killed[0] not in alive
    pd.testing.assert_frame_equal(result.rows, single_machine, check_exact=True)
    assert sorted(result.client_ids) == sorted(c.id for c in small.clients)

"""The pure run: serial and parallel agree, bad records are skipped and counted, progress is reported."""

from __future__ import annotations

import argparse
import gc
import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from matcher import demo
from matcher.rematch import cli, executors, rescore
from matcher.rematch.executors import ChunkTask
from matcher.rematch.progress import Progress
from matcher.rematch.rescore import RematchOptions, load_inputs, run_rematch
from tests.matcher.rematch.conftest import Generated, reference_rows, sorted_rows


def test_parallel_run_equals_serial_run_and_the_engine(
    generated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rescore, "PARALLEL_MIN_PAIRS", 0)  # small, but really in worker processes
    serial = run_rematch(generated.inputs, as_of=demo.DEMO_AS_OF, options=RematchOptions(chunk_size=40))
    parallel = run_rematch(
        generated.inputs, as_of=demo.DEMO_AS_OF, options=RematchOptions(chunk_size=40, n_jobs=2)
    )
    pd.testing.assert_frame_equal(serial.rows, parallel.rows, check_exact=True)
    want = reference_rows(generated.matcher, generated.inputs.clients, k=10)
    pd.testing.assert_frame_equal(sorted_rows(parallel.rows), want, check_exact=True)
    assert sorted(parallel.client_ids) == sorted(c.id for c in generated.inputs.clients)
    assert parallel.summary.settings["backend"] == "loky"


def test_forked_workers_give_the_serial_run(generated: Generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs below PARALLEL_MIN_PAIRS fork their workers; the rows are those of one process."""
    monkeypatch.setattr(rescore, "FORK_MIN_PAIRS", 0)
    monkeypatch.setattr(executors, "others_busy", lambda *_a, **_k: 0.0)  # as on an idle machine
    forked: list[int] = []
    real = executors.run_forked

    def spy(*args: object, n_jobs: int) -> object:
        forked.append(n_jobs)
        return real(*args, n_jobs=n_jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(executors, "run_forked", spy)
    serial = run_rematch(generated.inputs, as_of=demo.DEMO_AS_OF, options=RematchOptions(chunk_size=40))
    parallel = run_rematch(
        generated.inputs, as_of=demo.DEMO_AS_OF, options=RematchOptions(chunk_size=40, n_jobs=2)
    )
    assert forked == [min(2, executors.default_jobs())]
    pd.testing.assert_frame_equal(serial.rows, parallel.rows, check_exact=True)
    assert parallel.summary.counts == serial.summary.counts


def test_forked_workers_are_not_used_when_other_work_holds_the_cpus(
    generated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = [ChunkTask(i, tuple(generated.inputs.clients[:1000])) for i in range(8)]  # 8k x 10k pairs
    monkeypatch.setattr(executors, "others_busy", lambda *_a, **_k: 0.0)
    assert rescore.forked_jobs(2, tasks, 10_000) == min(2, executors.default_jobs())
    assert rescore.forked_jobs(1, tasks, 10_000) == 1
    assert rescore.forked_jobs(2, tasks[:1], 10_000) == 1  # one chunk
    assert rescore.forked_jobs(2, tasks, 100) == 1  # 800k pairs: not worth a fork
    busy = (executors.os.cpu_count() or 1) - 1.0  # every CPU but one is busy elsewhere
    monkeypatch.setattr(executors, "others_busy", lambda *_a, **_k: busy)
    assert rescore.forked_jobs(2, tasks, 10_000) == 1


def test_a_run_leaves_garbage_collection_as_it_found_it(generated: Generated) -> None:
    # from a process in which nothing is frozen (the service freezes its fitted pools, and an
    # API test may have fitted one in this process); a frozen heap is tried below
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with executors.frozen_heap():
        assert gc.get_freeze_count() > 0  # the records alive now are left out of collections
        with executors.frozen_heap():
            pass
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    run_rematch(generated.inputs, as_of=demo.DEMO_AS_OF, options=RematchOptions(chunk_size=40))
    assert gc.get_freeze_count() == 0
    gc.freeze()  # frozen by someone else: a run neither adds to it nor thaws it
    try:
        frozen = gc.get_freeze_count()
        newer = [[i] for i in range(10_000)]  # would be frozen too if the block froze again
        # Frozen objects can still die (another thread drops one): the count never grows, never thaws.
        with executors.frozen_heap():
            assert 0 < gc.get_freeze_count() <= frozen
        assert 0 < gc.get_freeze_count() <= frozen
        assert len(newer) == 10_000
    finally:
        gc.unfreeze()


def test_a_small_run_stays_in_one_process_whatever_n_jobs_asks(
    generated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting workers costs more than a small run: two workers must never be slower than one."""

    def no_workers(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a small run started worker processes")

    monkeypatch.setattr(executors, "run_local", no_workers)
    result = run_rematch(
        generated.inputs, as_of=demo.DEMO_AS_OF, options=RematchOptions(chunk_size=40, n_jobs=2)
    )
    assert sorted(result.client_ids) == sorted(c.id for c in generated.inputs.clients)
    tasks = [ChunkTask(i, tuple(generated.inputs.clients[:1000])) for i in range(8)]
    assert rescore.effective_jobs(2, tasks, 10_000) == 1  # 8k x 10k pairs
    assert rescore.effective_jobs(2, tasks, 1_000_000) == min(2, executors.default_jobs())
    assert rescore.effective_jobs(1, tasks, 1_000_000) == 1


def test_bad_records_are_skipped_counted_and_the_run_completes() -> None:
    raw_clients, raw_openings = demo.generate(4, n_clients=30, n_openings=120, metros=1)
    raw_clients.insert(3, {**raw_clients[3], "id": "C-bad", "min_hours": 30, "max_hours": 10})
    raw_clients.append(dict(raw_clients[0]))  # a duplicate id
    raw_openings.insert(7, {**raw_openings[7], "id": "O-bad", "hourly_wage": "lots"})
    inputs = load_inputs(raw_clients, raw_openings)
    result = run_rematch(inputs, as_of=demo.DEMO_AS_OF)
    skipped = {(s.kind, s.id, s.field) for s in result.summary.skipped}
    assert skipped == {
        ("client", "C-bad", "min_hours"),
        ("opening", "O-bad", "hourly_wage"),
        ("client", raw_clients[0]["id"], "id"),
    }
    counts = result.summary.counts
    assert counts["skipped_clients"] == 2 and counts["skipped_openings"] == 1
    assert counts["clients"] == 30 and counts["openings"] == 120 and len(result.client_ids) == 30


def test_summary_has_counts_timings_and_versions(generated: Generated) -> None:
    calls: list[tuple[int, int]] = []
    result = run_rematch(
        generated.inputs,
        as_of=demo.DEMO_AS_OF,
        options=RematchOptions(chunk_size=50),
        on_progress=lambda done, total: calls.append((done, total)),
    )
    doc = result.summary.to_dict()
    assert doc["engine_version"] and doc["config_hash"] and doc["finished_at"] >= doc["started_at"]
    assert set(doc["timings"]) >= {"load", "index", "block", "score", "rank", "congestion", "diff"}
    assert doc["timings"]["load"] > 0 and doc["timings"]["index"] > 0 and doc["timings"]["score"] > 0
    c = doc["counts"]
    assert c["pairs_total"] == 160 * 900 and 0 < c["pairs_feasible"] <= c["pairs_scored"] < c["pairs_total"]
    assert c["suggestions"] == len(result.rows)
    assert calls[-1] == (160, 160) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) == c["chunks"]


def test_progress_logs_structured_lines_when_not_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[tuple[int, int]] = []
    with caplog.at_level(logging.INFO, logger="matcher.rematch.progress"):
        with Progress(10, callback=lambda d, t: seen.append((d, t)), log_every=0.0) as progress:
            progress.update(4)
            progress.update(6)
    assert [r.getMessage() for r in caplog.records][-1].startswith("progress desc=rematch done=10 total=10")
    assert seen == [(4, 10), (10, 10)]


def test_cli_runs_twice_and_the_second_run_reports_changes(tmp_path: Path) -> None:
    raw_clients, raw_openings = demo.generate(8, n_clients=40, n_openings=200, metros=1)
    (tmp_path / "c.json").write_text(json.dumps(raw_clients))
    (tmp_path / "o.json").write_text(json.dumps(raw_openings))
    ids = [c["id"] for c in raw_clients]
    (tmp_path / "caseloads.json").write_text(json.dumps({"S-1": ids[:20], "S-2": ids[20:]}))
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    common = [
        "rematch",
        "--clients-file",
        str(tmp_path / "c.json"),
        "--openings-file",
        str(tmp_path / "o.json"),
        "--caseloads",
        str(tmp_path / "caseloads.json"),
    ]
    args = parser.parse_args([*common, "--as-of", "2026-11-22", "--out-dir", str(tmp_path / "r1")])
    assert args.func(args) == 0
    first = json.loads((tmp_path / "r1" / "shortlists.json").read_text())
    filled = next(s["opening_id"] for c in first["clients"].values() for s in c["suggestions"])
    for o in raw_openings:
        if o["id"] == filled:
            o["status"] = "filled"
    (tmp_path / "o.json").write_text(json.dumps(raw_openings))
    args = parser.parse_args(
        [
            *common,
            "--as-of",
            "2026-11-23",
            "--out-dir",
            str(tmp_path / "r2"),
            "--previous",
            str(tmp_path / "r1" / "shortlists.json"),
        ]
    )
    assert args.func(args) == 0
    diffs = json.loads((tmp_path / "r2" / "diffs.json").read_text())
    gone = [g for d in diffs.values() for g in d["gone"] if g["opening_id"] == filled]
    assert gone and {g["reason"] for g in gone} == {"filled"}
    markdown = (tmp_path / "r2" / "digests" / "S-1.md").read_text()
    assert markdown.startswith("# Morning digest for specialist S-1")
    run = json.loads((tmp_path / "r2" / "run.json").read_text())
    assert run["counts"]["clients"] == 40 and run["timings"]["diff"] > 0


def test_cli_file_source_needs_its_files(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["rematch", "--clients-file", "x.json"])
    assert args.func(args) == 2
    assert "--openings-file" in capsys.readouterr().err


def test_a_client_the_engine_cannot_score_is_skipped_alone(
    generated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: a record that validates but breaks feature building costs only itself."""
    from matcher.rematch import chunks

    clients = generated.inputs.clients[:12]
    want = chunks.score_chunk(generated.context, clients).rows
    real = chunks.build_clients

    def fragile(cs: tuple, *args: object, **kwargs: object) -> object:
        if any(c.id == clients[5].id for c in cs):
            raise ValueError("cannot read this record")
        return real(cs, *args, **kwargs)

    monkeypatch.setattr(chunks, "build_clients", fragile)
    got = chunks.score_chunk(generated.context, clients, number=3)
    assert [(s.id, s.reason) for s in got.skipped] == [(clients[5].id, "ValueError: cannot read this record")]
    assert got.client_ids == tuple(c.id for i, c in enumerate(clients) if i != 5)
    expected = want[want["client_id"] != clients[5].id].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.rows, expected, check_exact=True)

"""What would open more options inside the run's chunks: the digest's answers, same rows, any backend."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher import demo
from matcher.options import change_to_dict, what_would_open
from matcher.rematch import executors, rescore
from matcher.rematch.options import MAX_CHANGES, NEAR_MISSES, options_of
from matcher.rematch.rescore import RematchOptions, fit_matcher, run_rematch
from matcher.serialize import near_miss_to_dict
from tests.matcher.rematch.conftest import Generated

BLOCKED = 3  # the first clients left empty each have this many openings rejected


def _blocked(generated: Generated) -> dict[str, list[str]]:
    ids = generated.matcher.index.ids
    return {c.id: list(ids[i : i + BLOCKED]) for i, c in enumerate(generated.inputs.clients[:40])}


@pytest.mark.parametrize("workers", ["none", "forked", "spawned"])
def test_the_chunks_give_each_short_list_what_the_digest_step_gives_it(
    generated: Generated, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    if workers == "forked":  # small, but really in forked workers on an idle machine
        monkeypatch.setattr(rescore, "FORK_MIN_PAIRS", 0)
        monkeypatch.setattr(executors, "others_busy", lambda *_a, **_k: 0.0)
    if workers == "spawned":  # small, but really in spawned workers, the context from a file
        monkeypatch.setattr(rescore, "PARALLEL_MIN_PAIRS", 0)
    n_jobs = 1 if workers == "none" else 2
    blocked = _blocked(generated)
    scoring = RematchOptions(chunk_size=40, n_jobs=n_jobs)
    plain = run_rematch(generated.inputs, as_of=demo.DEMO_AS_OF, options=scoring, blocked=blocked)
    asked = RematchOptions(chunk_size=40, n_jobs=n_jobs, options=True)
    run = run_rematch(generated.inputs, as_of=demo.DEMO_AS_OF, options=asked, blocked=blocked)
    pd.testing.assert_frame_equal(plain.rows, run.rows, check_exact=True)  # the options change no row
    assert plain.options == {}
    listed = run.rows["client_id"].value_counts().to_dict()
    short = [c for c in generated.inputs.clients if listed.get(c.id, 0) < 10]  # fewer than k = 10
    assert any(c.id not in listed for c in short) and any(c.id in listed for c in short)  # empty, short
    assert set(run.options) == {c.id for c in short}
    # the digest step's call, all short lists at once in map order, on a freshly fitted engine
    matcher = fit_matcher(generated.inputs.openings, as_of=demo.DEMO_AS_OF)
    assert run.options == options_of(
        matcher, short, blocked={c.id: blocked.get(c.id, []) for c in short}, k=10
    )
    assert run.summary.timings["options"] > 0


def test_each_short_list_gets_what_it_alone_would_get(generated: Generated) -> None:
    blocked = _blocked(generated)
    run = run_rematch(
        generated.inputs,
        as_of=demo.DEMO_AS_OF,
        options=RematchOptions(chunk_size=40, options=True),
        blocked=blocked,
    )
    matcher = generated.matcher
    by_id = {c.id: c for c in generated.inputs.clients}
    assert any(o["changes"] for o in run.options.values())
    for client_id, found in run.options.items():
        client = by_id[client_id]
        (shortlist,) = matcher.recommend(
            [client], k=10, blocked=blocked, explain_exclusions=False, near_misses=NEAR_MISSES
        )
        assert len(shortlist.suggestions) < 10
        assert found["exclusion_counts"] == dict(shortlist.exclusion_counts)
        assert found["near_misses"] == [near_miss_to_dict(m) for m in shortlist.near_misses]
        alone = what_would_open(matcher, client, blocked=blocked)[:MAX_CHANGES]
        assert found["changes"] == [change_to_dict(ch) for ch in alone]

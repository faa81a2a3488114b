"""The digest's "what would open more options" comes from the run's chunks, as the finish step gave it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pytest
from sqlalchemy import select

from api.models import Client as ClientRow
from api.rematch import finish
from api.rematch import run as rematch_run
from api.rematch.models import RematchDigest
from api.rematch.run import JobOptions, run_job
from matcher import Matcher
from matcher.rematch import executors, rescore
from matcher.rematch.rescore import load_inputs
from matcher.types import Client
from tests.api.conftest import AS_OF, Api, World


@pytest.mark.parametrize("forked", [True, False])
def test_the_digest_gives_each_short_list_the_options_its_chunk_or_the_finish_step_gave(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    """In workers the chunks answer and the finish step scores none; in one process it answers all."""
    if forked:  # small, but really in forked workers on an idle machine
        monkeypatch.setattr(rescore, "FORK_MIN_PAIRS", 0)
        monkeypatch.setattr(executors, "others_busy", lambda *_a, **_k: 0.0)
    h = world.headers
    spec = world.users["spec1"].id
    employer = api.create_employer(h["liaison1"])["id"]
    for wage in (16.5, 17.0, 18.0):
        api.create_opening(h["liaison1"], employer, hourly_wage=wage)
    empty = {api.create_client(h["spec1"], wage_floor=floor)["id"] for floor in (18.5, 19.0, 20.0)}
    listed = api.create_client(h["spec1"], wage_floor=15.0)["id"]
    asked: list[list[str]] = []
    seen: dict[str, Any] = {}
    real, real_finish = finish.options_of, rematch_run.finish_run

    def spy(
        matcher: Matcher, clients: Sequence[Client], *, blocked: Mapping[str, Collection[str]], k: int
    ) -> dict[str, dict[str, Any]]:
        asked.append([c.id for c in clients])
        return real(matcher, clients, blocked=blocked, k=k)

    def finishing(*args: Any, **kwargs: Any) -> bool:
        seen.update(kwargs)
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(finish, "options_of", spy)
    monkeypatch.setattr(rematch_run, "finish_run", finishing)
    jobs = JobOptions(chunk_size=2, n_jobs=2 if forked else 1)
    run_id = run_job(api.app.state.session_factory, as_of=AS_OF, options=jobs)
    if forked:
        assert empty <= set(seen["options"])  # the chunks gave every empty client's options ...
        assert all(not ids for ids in asked)  # ... so the finish step scored none
    else:
        assert seen["options"] == {}
        assert empty <= {i for ids in asked for i in ids}  # (with those of earlier cases)
    with api.session() as session:
        (digest,) = session.scalars(
            select(RematchDigest).where(RematchDigest.run_id == run_id, RematchDigest.specialist_id == spec)
        ).all()
        rows = {c.id: c for c in session.scalars(select(ClientRow).where(ClientRow.id.in_(empty)))}
    body = {c["client_id"]: c for c in digest.body["clients"]}
    assert 0 < body[listed]["n_suggestions"] < 10 and "options" in body[listed]  # short, not empty: too
    mine = {i: body[i]["options"] for i in empty}
    assert all(o["changes"] for o in mine.values())  # a lower wage floor opens something
    # the same as the finish step computes from the stored records when the chunks give nothing
    clients = load_inputs([rows[i].record for i in sorted(empty)], []).clients
    assert mine == real(seen["matcher"], clients, blocked={c.id: [] for c in clients}, k=10)

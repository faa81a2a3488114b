"""The retention proposal: read by admins and auditors, promoted by an admin only, always audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matcher._data import outcome_sim

from api import retention
from api.routes.retention import get_models_dir
from matcher.config import DEFAULT_WEIGHTS, FACTORS, MatcherConfig
from matcher.retention import Outcomes, save, train
from tests.api.conftest import AS_OF, Api, World


@pytest.fixture
def models_dir(api: Api, tmp_path: Path) -> Iterator[Path]:
    api.app.dependency_overrides[get_models_dir] = lambda: tmp_path
    yield tmp_path
    api.app.dependency_overrides.pop(get_models_dir)


def simulated_model(models_dir: Path, weights: dict[str, float]) -> str:
    sim = outcome_sim.simulate(3000, seed=5, as_of=AS_OF)
    outcomes = Outcomes(
        start=sim.start,
        tenure_days=sim.tenure_days,
        ended=sim.ended,
        factors=sim.factors,
        pool=sim.pool,
        hired=sim.hired,
        as_of=AS_OF,
    )
    meta = save(
        train(outcomes, current_weights=weights, n_bootstrap=20), models_dir=models_dir, trained_by="t"
    )
    return str(meta["sha256"])[:12]


@pytest.mark.usefixtures("models_dir")
def test_without_a_model_nothing_is_proposed_or_promoted(api: Api, world: World) -> None:
    response = api.get("/retention/proposal", world.headers["auditor"])
    assert response.status_code == 200
    assert response.json()["status"] == "no_model" and response.json()["proposed_weights"] is None
    response = api.post("/retention/proposal/promote", world.headers["admin"], json={"model_version": "x"})
    assert response.status_code == 409


def test_promotion_is_a_new_config_version_with_its_audit_events(
    api: Api, world: World, models_dir: Path
) -> None:
    version = simulated_model(models_dir, DEFAULT_WEIGHTS)
    before = api.get("/config", world.headers["admin"]).json()
    proposal = api.get("/retention/proposal", world.headers["auditor"]).json()
    assert proposal["status"] == "ok" and proposal["model_version"] == version
    proposed = proposal["proposed_weights"]
    assert all(w >= 0 for w in proposed.values()) and proposed != proposal["current_weights"]
    assert sum(proposed.values()) == pytest.approx(sum(DEFAULT_WEIGHTS.values()), abs=1e-3)
    for role in ("spec1", "liaison1", "auditor"):
        refused = api.post(
            "/retention/proposal/promote", world.headers[role], json={"model_version": version}
        )
        assert refused.status_code == 403
    assert api.get("/config", world.headers["admin"]).json()["version"] == before["version"]
    stale = api.post("/retention/proposal/promote", world.headers["admin"], json={"model_version": "0" * 12})
    assert stale.status_code == 409 and "not the one trained" in stale.json()["detail"]

    response = api.post(
        "/retention/proposal/promote", world.headers["admin"], json={"model_version": version}
    )
    assert response.status_code == 201, response.text
    config = api.get("/config", world.headers["admin"]).json()
    assert config["version"] == before["version"] + 1
    assert config["config"]["scoring"]["weights"] == proposed
    admin = world.users["admin"].username
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"kind": "retention.promoted", "limit": 10}
    ).json()["data"]
    assert [e["actor"] for e in events] == [admin]
    assert events[0]["payload"]["model_version"] == version
    assert events[0]["payload"]["config_version"] == config["version"]
    updated = api.get("/audit/events", world.headers["auditor"], params={"kind": "config.updated"}).json()
    assert any(e["payload"]["version"] == config["version"] and e["actor"] == admin for e in updated["data"])
    assert f"Promoted by {admin}" in (models_dir / "retention_model.md").read_text()
    again = api.get("/retention/proposal", world.headers["admin"]).json()
    assert again["promotions"][0]["config_version"] == config["version"]


def test_too_few_recorded_placements_say_not_enough_outcomes(
    api: Api, world: World, models_dir: Path
) -> None:
    employer = api.create_employer(world.headers["liaison1"])
    placed = []
    for start in ("2025-06-02", "2025-11-03", "2026-04-01"):  # the last one starts after AS_OF
        opening = api.create_opening(world.headers["liaison1"], employer["id"])
        client = api.create_client(world.headers["spec1"])
        body = {"opening_id": opening["id"], "start_date": start}
        assert (
            api.post(f"/clients/{client['id']}/placements", world.headers["spec1"], json=body).status_code
            == 201
        )
        placed.append((client["id"], opening["id"]))
    with api.session() as session:
        meta = retention.train_from_db(
            session, as_of=AS_OF, trained_by="test", models_dir=models_dir, n_bootstrap=5
        )
        outcomes = retention.outcomes_from_db(session, as_of=AS_OF, config=MatcherConfig())
    assert meta["report"]["status"] == "not_enough"
    assert meta["report"]["message"].startswith("not enough outcomes")
    assert meta["report"]["counts"]["placements"] == len(outcomes) == len(placed) - 1  # not the future one
    # The placed pairs' factors are the engine's: every one in [0, 1], and each one in its own pool.
    assert ((outcomes.factors >= 0) & (outcomes.factors <= 1)).all()
    hired = outcomes.pool[range(len(outcomes)), outcomes.hired]
    assert (hired == outcomes.factors).all() and outcomes.factors.shape[1] == len(FACTORS)
    assert (outcomes.start <= np.datetime64(AS_OF)).all() and not outcomes.ended.any()
    proposal = api.get("/retention/proposal", world.headers["admin"]).json()
    assert proposal["status"] == "not_enough" and proposal["proposed_weights"] is None
    version = proposal["model_version"]
    response = api.post(
        "/retention/proposal/promote", world.headers["admin"], json={"model_version": version}
    )
    assert response.status_code == 409 and "not enough outcomes" in response.json()["detail"]

"""A record's hashes cannot be used to guess the client's home (they are salted).

An auditor sees a recommendation record's inputs hash and content hash, and the record
with the home left out. Unsalted, trying each ZIP centre (about 42,000) until the hash
matches finds the home in seconds. The attacker here knows even more than the auditor —
the whole stored record, home included, except the salt — and still cannot reproduce
either hash; the verifier, which reads the salt, can.
"""

from __future__ import annotations

from sqlalchemy import select

from api.audit import chain
from api.audit.models import RecommendationRecord
from api.audit.write import record_content_hash
from tests.api.conftest import Api, World


def test_the_hashes_an_auditor_sees_cannot_be_reproduced_without_the_salt(api: Api, world: World) -> None:
    spec = world.headers["spec1"]
    client = api.create_client(spec, label="salted")
    assert api.get(f"/clients/{client['id']}/shortlist", spec).status_code == 200
    shown = api.get("/audit/recommendations", world.headers["auditor"], params={"client_id": client["id"]})
    assert shown.status_code == 200, shown.text
    seen = next(r for r in shown.json()["data"] if r["client_id"] == client["id"])
    assert "salt" not in seen and "salt" not in str(seen.get("client_snapshot", {}))
    with api.session() as session:
        record = session.scalars(
            select(RecommendationRecord).where(RecommendationRecord.id == seen["id"])
        ).one()
        assert record.salt is not None and len(record.salt) == 32
        assert seen["inputs_hash"] == record.inputs_hash
        # The right guess of the home, without the salt, does not give the hash shown.
        guess = chain.pooled_inputs_hash(record.client_snapshot, str(record.pool_hash))
        assert guess != record.inputs_hash
        assert chain.pooled_inputs_hash(record.client_snapshot, str(record.pool_hash), salt=record.salt) == (
            record.inputs_hash
        )
        salt = record.salt
        record.salt = None  # (in memory only) the content hash without it is another hash too
        unsalted = record_content_hash(record, canon=chain.CANON)
        record.salt = salt
        assert unsalted != record_content_hash(record, canon=chain.CANON)
        session.rollback()
    verified = api.get("/audit/verify", world.headers["auditor"])
    assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text


def test_two_records_of_the_same_inputs_get_different_salts(api: Api, world: World) -> None:
    spec = world.headers["spec1"]
    client = api.create_client(spec, label="twice")
    for _ in range(2):
        assert api.get(f"/clients/{client['id']}/shortlist", spec).status_code == 200
    with api.session() as session:
        records = session.scalars(
            select(RecommendationRecord).where(RecommendationRecord.client_id == client["id"])
        ).all()
    assert len(records) == 2
    assert records[0].salt != records[1].salt
    assert records[0].inputs_hash != records[1].inputs_hash  # equal inputs no longer show as equal hashes

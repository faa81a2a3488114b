"""Data and the audit chain survive a restart of the service on the same database."""

from __future__ import annotations

from pathlib import Path

from api.main import create_app
from api.models import Role
from tests.api.conftest import PASSWORD, Api, fresh_database, make_settings, make_test_client


def test_data_and_audit_chain_survive_a_restart(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        settings = make_settings(tmp_path, url)
        with make_test_client(create_app(settings)) as client:
            first = Api(app=client.app, client=client)  # type: ignore[arg-type]
            spec, auditor = first.add_user(Role.SPECIALIST), first.add_user(Role.AUDITOR)
            created = first.create_client(first.headers(spec), label="before restart")
            before = first.get("/audit/verify", first.headers(auditor)).json()
            assert before["ok"] is True
        with make_test_client(create_app(make_settings(tmp_path, url))) as client:
            second = Api(app=client.app, client=client)  # type: ignore[arg-type]
            read = second.get(f"/clients/{created['id']}", second.headers(spec))
            assert read.status_code == 200 and read.json() == created
            after = second.get("/audit/verify", second.headers(auditor)).json()
            assert after["ok"] is True
            assert after["n_events"] == before["n_events"] + 1  # the read after the restart
            events = second.get("/audit/events", second.headers(auditor), params={"limit": 1000}).json()[
                "data"
            ]
            assert events[before["n_events"] - 1]["hash"] == before["head_hash"]
            assert events[-1]["prev_hash"] == before["head_hash"]


def test_a_restart_does_not_rerun_migrations_or_lose_the_signing_key(tmp_path: Path) -> None:
    # Tokens issued before a restart stay valid when the key was generated into var/.
    with fresh_database("sqlite", tmp_path) as url:
        settings = make_settings(tmp_path, url, jwt_secret=None)
        with make_test_client(create_app(settings)) as client:
            api = Api(app=client.app, client=client)  # type: ignore[arg-type]
            user = api.add_user(Role.SPECIALIST)
            token = api.post("/login/access-token", data={"username": user.username, "password": PASSWORD})
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            assert api.get("/users/me", headers).status_code == 200
        assert (tmp_path / "jwt_secret").exists()
        with make_test_client(create_app(make_settings(tmp_path, url, jwt_secret=None))) as client:
            api = Api(app=client.app, client=client)  # type: ignore[arg-type]
            assert api.get("/users/me", headers).status_code == 200

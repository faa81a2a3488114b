"""Tokens that end: a password change, deactivation, role change or logout ends earlier tokens."""

from __future__ import annotations

import argparse
import datetime as dt

import jwt

from api import cli
from api.models import Role, User
from tests.api.conftest import PASSWORD, SECRET, Api, World


def token_of(api: Api, user: User, password: str = PASSWORD) -> dict[str, str]:
    """Bearer headers from a real login."""
    response = api.post("/login/access-token", data={"username": user.username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def me(api: Api, headers: dict[str, str]) -> int:
    return api.get("/users/me", headers).status_code  # type: ignore[no-any-return]


def test_a_token_from_before_a_password_change_answers_401(api: Api, world: World) -> None:
    user = api.add_user(Role.SPECIALIST)
    before = token_of(api, user)
    assert me(api, before) == 200
    changed = api.patch(f"/users/{user.id}", world.headers["admin"], json={"password": "a brand new one"})
    assert changed.status_code == 200, changed.text
    assert me(api, before) == 401
    assert api.get("/clients", before).json() == {"detail": "Could not validate credentials"}
    assert me(api, token_of(api, user, "a brand new one")) == 200


def test_a_name_change_keeps_the_token(api: Api, world: World) -> None:
    user = api.add_user(Role.LIAISON)
    before = token_of(api, user)
    assert (
        api.patch(f"/users/{user.id}", world.headers["admin"], json={"full_name": "Ana"}).status_code == 200
    )
    assert me(api, before) == 200


def test_deactivation_ends_tokens_for_good(api: Api, world: World) -> None:
    user = api.add_user(Role.AUDITOR)
    before = token_of(api, user)
    admin = world.headers["admin"]
    assert api.patch(f"/users/{user.id}", admin, json={"is_active": False}).status_code == 200
    assert me(api, before) == 401
    assert api.patch(f"/users/{user.id}", admin, json={"is_active": True}).status_code == 200
    assert me(api, before) == 401  # reactivating does not bring the old token back
    assert me(api, token_of(api, user)) == 200


def test_a_role_change_ends_tokens(api: Api) -> None:
    user = api.add_user(Role.LIAISON)
    before = token_of(api, user)
    args = argparse.Namespace(username=user.username, role=Role.AUDITOR.value)
    assert cli.set_role(args, api.app.state.settings) == 0
    assert me(api, before) == 401
    after = api.get("/users/me", token_of(api, user))
    assert after.status_code == 200 and after.json()["role"] == "auditor"


def test_logout_ends_the_token(api: Api) -> None:
    user = api.add_user(Role.SPECIALIST)
    first, second = token_of(api, user), token_of(api, user)
    assert api.post("/logout", first).status_code == 204
    assert me(api, first) == 401
    assert me(api, second) == 401  # every session of the user: the version is per user
    assert api.post("/logout", first).status_code == 401
    assert me(api, token_of(api, user)) == 200


def test_logout_needs_a_token(api: Api) -> None:
    assert api.post("/logout").status_code == 401


def test_a_token_without_a_version_answers_401(api: Api) -> None:
    user = api.add_user(Role.SPECIALIST)
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": str(user.id), "role": user.role, "iat": now, "exp": now + dt.timedelta(minutes=5)}
    for extra in ({}, {"ver": "0"}, {"ver": True}, {"ver": 1}):
        token = jwt.encode(claims | extra, SECRET, algorithm="HS256")
        assert me(api, {"Authorization": f"Bearer {token}"}) == 401, extra
    token = jwt.encode(claims | {"ver": 0}, SECRET, algorithm="HS256")
    assert me(api, {"Authorization": f"Bearer {token}"}) == 200

"""Login (OAuth2 password flow + JWT), tokens, and the login events."""

from __future__ import annotations

import datetime as dt

import jwt

from api.models import Role
from tests.api.conftest import PASSWORD, SECRET, Api, World


def login(api: Api, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return api.post("/login/access-token", data={"username": username, "password": password})


def test_login_returns_a_token_that_identifies_the_user(api: Api) -> None:
    user = api.add_user(Role.SPECIALIST)
    response = login(api, user.username)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(user.id) and claims["role"] == "specialist"
    me = api.get("/users/me", {"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert "hashed_password" not in me.json()


def test_login_is_case_insensitive_on_username(api: Api) -> None:
    user = api.add_user(Role.LIAISON)
    assert login(api, user.username.upper()).status_code == 200


def test_wrong_password_and_unknown_user_look_the_same(api: Api) -> None:
    user = api.add_user(Role.AUDITOR)
    wrong = login(api, user.username, "not the password")
    unknown = login(api, "nobody-here", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json() == {"detail": "Incorrect username or password"}


def test_logins_and_failed_logins_are_audit_events(api: Api, world: World) -> None:
    user = api.add_user(Role.SPECIALIST)
    login(api, user.username)
    login(api, user.username, "wrong password")
    events = api.get("/audit/events", world.headers["auditor"], params={"kind": "login"}).json()
    assert any(e["actor"] == user.username for e in events["data"])
    failed = api.get("/audit/events", world.headers["auditor"], params={"kind": "login.failed"})
    attempts = [e for e in failed.json()["data"] if e["payload"].get("username") == user.username]
    assert len(attempts) == 1
    assert "wrong password" not in str(failed.json())  # the password is never stored


def test_inactive_user_cannot_log_in_and_their_token_stops_working(api: Api, world: World) -> None:
    user = api.add_user(Role.SPECIALIST)
    token = login(api, user.username).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/users/me", headers).status_code == 200
    deactivate = api.patch(f"/users/{user.id}", world.headers["admin"], json={"is_active": False})
    assert deactivate.status_code == 200
    assert login(api, user.username).status_code == 400
    assert api.get("/users/me", headers).status_code == 401


def test_missing_bad_and_expired_tokens_are_401(api: Api, world: World) -> None:
    assert api.get("/users/me").status_code == 401
    assert api.get("/users/me", {"Authorization": "Bearer not-a-jwt"}).status_code == 401
    user = world.users["spec1"]
    forged = jwt.encode(
        {"sub": str(user.id), "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)},
        "another-key-of-sufficient-length-0123456789",
        algorithm="HS256",
    )
    assert api.get("/users/me", {"Authorization": f"Bearer {forged}"}).status_code == 401
    expired = jwt.encode(
        {"sub": str(user.id), "exp": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)},
        SECRET,
        algorithm="HS256",
    )
    response = api.get("/users/me", {"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Could not validate credentials"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_of_a_deleted_or_unknown_user_is_401(api: Api) -> None:
    token = jwt.encode(
        {"sub": "999999", "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}, SECRET, algorithm="HS256"
    )
    assert api.get("/users/me", {"Authorization": f"Bearer {token}"}).status_code == 401


def test_wrong_role_is_403_with_a_short_detail(api: Api, world: World) -> None:
    response = api.get("/clients", world.headers["liaison1"])
    assert response.status_code == 403
    assert response.json() == {"detail": "Not enough permissions"}

"""Login limits: per username and per client IP, 429 with Retry-After, exact across two workers."""

from __future__ import annotations

import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit import AuditEvent
from api.db import make_engine
from api.main import create_app
from api.models import Role
from tests.api.conftest import PASSWORD, Api, fresh_database, make_settings, make_test_client
from tests.api.loadgen import DEMO_PASSWORD, demo_server

REDIS_URL = "redis://127.0.0.1:6379/0"

AppFactory = Callable[..., Api]


@pytest.fixture
def make_api(tmp_path: Path) -> Iterator[AppFactory]:
    """Apps on one fresh SQLite database, with the login limits given (counted in memory)."""
    with fresh_database("sqlite", tmp_path) as url, ExitStack() as stack:

        def factory(**limits: Any) -> Api:
            app = create_app(make_settings(tmp_path, url, **limits))
            return Api(app=app, client=stack.enter_context(make_test_client(app)))

        yield factory


def login(api: Api, username: str, password: str = PASSWORD, ip: str | None = None) -> httpx.Response:
    client = api.client
    if ip is not None:  # the same app, seen from another address
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
            from fastapi.testclient import TestClient
        client = TestClient(api.app, client=(ip, 50000))
    data = {"username": username, "password": password}
    return client.post("/api/v1/login/access-token", data=data)  # type: ignore[no-any-return]


def test_the_username_is_locked_after_the_limit_even_for_the_right_password(make_api: AppFactory) -> None:
    api = make_api(login_user_limit=3, login_window_seconds=60)
    user = api.add_user(Role.SPECIALIST)
    assert [login(api, user.username, "wrong password").status_code for _ in range(3)] == [400] * 3
    limited = login(api, user.username.upper(), "wrong password")  # usernames match in any case
    assert limited.status_code == 429
    assert limited.json() == {"detail": "Too many login attempts; try again later"}
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert login(api, user.username).status_code == 429
    assert login(api, api.add_user(Role.LIAISON).username).status_code == 200  # another username


def test_once_limited_no_password_is_checked(make_api: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    import api.logins as login_route  # the one login flow (the token route and the login page)

    api = make_api(login_user_limit=2, login_window_seconds=60)
    user = api.add_user(Role.SPECIALIST)
    checked: list[str] = []
    authenticate = login_route.authenticate

    def counting(session: Session, *, username: str, password: str) -> Any:
        checked.append(username)
        return authenticate(session, username=username, password=password)

    monkeypatch.setattr(login_route, "authenticate", counting)
    statuses = [login(api, user.username, "wrong password").status_code for _ in range(10)]
    assert statuses == [400, 400] + [429] * 8
    assert len(checked) == 2  # the eight refusals cost no argon2 hash


def test_a_success_clears_the_username_count(make_api: AppFactory) -> None:
    api = make_api(login_user_limit=3, login_window_seconds=60)
    user = api.add_user(Role.SPECIALIST)
    assert [login(api, user.username, "wrong password").status_code for _ in range(2)] == [400, 400]
    assert login(api, user.username).status_code == 200
    assert [login(api, user.username, "wrong password").status_code for _ in range(3)] == [400] * 3
    assert login(api, user.username, "wrong password").status_code == 429


def test_one_address_is_limited_across_usernames(make_api: AppFactory) -> None:
    api = make_api(login_user_limit=100, login_ip_limit=4, login_window_seconds=60)
    names = [f"nobody-{i}" for i in range(6)]
    statuses = [login(api, name, ip="10.0.0.7").status_code for name in names]
    assert statuses == [400] * 4 + [429] * 2
    user = api.add_user(Role.AUDITOR)
    assert login(api, user.username, ip="10.0.0.7").status_code == 429
    assert login(api, user.username, ip="10.0.0.8").status_code == 200  # another address


def test_the_lockout_ends_after_the_window(make_api: AppFactory) -> None:
    api = make_api(login_user_limit=2, login_window_seconds=2)
    user = api.add_user(Role.SPECIALIST)
    assert [login(api, user.username, "wrong password").status_code for _ in range(3)] == [400, 400, 429]
    assert login(api, user.username).status_code == 429
    time.sleep(2.2)
    assert login(api, user.username).status_code == 200


def test_openapi_declares_429_with_retry_after(make_api: AppFactory) -> None:
    api = make_api()
    schema = api.client.get("/api/v1/openapi.json").json()
    declared = schema["paths"]["/api/v1/login/access-token"]["post"]["responses"]
    assert "Retry-After" in declared["429"]["headers"]


def _redis_or_skip() -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    return client


@pytest.mark.load
def test_a_storm_on_two_workers_is_limited_exactly_through_redis(tmp_path: Path) -> None:
    redis_client = _redis_or_skip()
    prefix = f"test-login-{uuid.uuid4().hex[:12]}"
    limit, storm = 7, 200
    database_url = f"sqlite:///{tmp_path / 'placement.db'}"
    env = {
        "PLACEMENT_REDIS_URL": REDIS_URL,
        "PLACEMENT_REDIS_PREFIX": prefix,
        "PLACEMENT_LOGIN_USER_LIMIT": str(limit),
        "PLACEMENT_LOGIN_IP_LIMIT": "10000",
    }
    try:
        with demo_server(tmp_path, database_url=database_url, workers=2, env=env) as url:

            def attempt(password: str) -> int:
                data = {"username": "specialist", "password": password}
                return httpx.post(f"{url}/api/v1/login/access-token", data=data, timeout=60).status_code

            with ThreadPoolExecutor(max_workers=24) as pool:
                statuses = Counter(pool.map(attempt, ["wrong password"] * storm))
            right_password = attempt(DEMO_PASSWORD)
        keys = list(redis_client.scan_iter(match=f"*{prefix}*"))
    finally:
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)
    assert statuses == Counter({400: limit, 429: storm - limit})
    assert right_password == 429
    assert keys  # the counts were kept in Redis, under the test's own prefix
    engine = make_engine(database_url)
    with Session(engine) as session:
        failed = session.scalar(select(func.count()).where(AuditEvent.kind == "login.failed"))
    engine.dispose()
    assert failed == limit  # only the counted attempts reached the password check


def test_logins_fail_closed_when_redis_does_not_answer(make_api: AppFactory) -> None:
    api = make_api(redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    user = api.add_user(Role.SPECIALIST)
    response = login(api, user.username)
    assert response.status_code == 503
    assert response.json() == {"detail": "Login temporarily unavailable; retry shortly"}
    assert response.headers["Retry-After"] == "2"

"""Logging in to the pages: the session cookie, CSRF tokens, the headers every page sends."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import World, csrf_of


def test_login_sets_an_httponly_samesite_session_cookie_and_goes_to_the_role_start(
    browser_for: Any, world: World
) -> None:
    browser = browser_for()
    page = browser.get("/login")
    response = browser.http.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "username": world.users["spec1"].username,
            "password": "correct horse battery",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/caseload"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("pm_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie


def test_a_wrong_password_shows_the_form_again_with_the_error(browser_for: Any, world: World) -> None:
    browser = browser_for()
    response = browser.submit(
        "/login", "/login", {"username": world.users["spec1"].username, "password": "wrong password"}
    )
    assert response.status_code == 400
    assert "Incorrect username or password" in response.text
    assert world.users["spec1"].username in response.text  # the username is kept in the form


def test_a_form_without_a_valid_csrf_token_is_refused(browser_for: Any, world: World) -> None:
    browser = browser_for(world.users["spec1"])
    for token in (None, "0" * 64):
        data = {} if token is None else {"csrf_token": token}
        response = browser.http.post("/logout", data=data, follow_redirects=False)
        assert response.status_code == 403
    # Still logged in (the logout was not done): the start page, not the login.
    assert browser.get("/", follow_redirects=False).headers["location"] == "/caseload"


def test_a_login_form_from_another_browser_is_refused(browser_for: Any, world: World) -> None:
    token_of_other = csrf_of(browser_for().get("/login").text)
    browser = browser_for()
    browser.get("/login")
    response = browser.http.post(
        "/login",
        data={"csrf_token": token_of_other, "username": world.users["spec1"].username, "password": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_pages_without_a_session_redirect_to_the_login_and_back(browser_for: Any, world: World) -> None:
    browser = browser_for()
    response = browser.get("/?q=a", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F%3Fq%3Da"
    after = browser.submit(
        "/login?next=%2F%3Fq%3Da",
        "/login",
        {
            "username": world.users["spec1"].username,
            "password": "correct horse battery",
            "next": "/?q=a",
        },
    )
    assert after.headers["location"] == "/?q=a"


def test_login_never_redirects_to_another_site(browser_for: Any, world: World) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        browser = browser_for()
        response = browser.submit(
            "/login",
            "/login",
            {"username": world.users["spec1"].username, "password": "correct horse battery", "next": target},
        )
        assert response.headers["location"] == "/caseload"


def test_logout_ends_the_session_and_the_api_tokens(browser_for: Any, api: Any) -> None:
    user = api.add_user("specialist")
    browser = browser_for(user)
    assert browser.get("/", follow_redirects=False).headers["location"] == "/caseload"
    response = browser.submit("/login", "/logout", {})
    assert response.status_code == 303
    assert browser.get("/", follow_redirects=False).headers["location"].startswith("/login")
    api_call = api.get("/users/me", {"Authorization": "Bearer " + browser.http.cookies.get("pm_session", "")})
    assert api_call.status_code == 401


def test_pages_send_a_strict_content_security_policy(browser_for: Any) -> None:
    response = browser_for().get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["cache-control"] == "no-store"


def test_the_stylesheet_is_served_by_the_app(browser_for: Any) -> None:
    response = browser_for().get("/static/app.css")
    assert response.status_code == 200
    assert "@media print" in response.text
    login = browser_for().get("/login").text
    assert 'href="/static/app.css"' in login
    assert "http://" not in login and "https://" not in login  # nothing from another site


def test_an_unknown_page_answers_a_404_page_for_browsers_and_json_for_the_api(browser_for: Any) -> None:
    browser = browser_for()
    page = browser.get("/no-such-page")
    assert page.status_code == 404
    assert "<h1>Page not found</h1>" in page.text
    api_error = browser.http.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api_error.status_code == 404
    assert api_error.json() == {"detail": "Not Found"}


def test_a_page_post_without_a_session_goes_to_the_login_before_its_body_is_read(browser_for: Any) -> None:
    browser = browser_for()
    response = browser.http.post(
        "/openings/import", files={"file": ("a.csv", b"x" * 100)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_a_page_upload_over_the_limit_is_refused_with_413(browser_for: Any, world: World, api: Any) -> None:
    browser = browser_for(world.users["liaison1"])
    limit = api.app.state.settings.max_import_bytes
    page = browser.get("/openings/import")
    response = browser.http.post(
        "/openings/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("big.csv", b"title\n" + b"x" * (limit + 100_000))},
        follow_redirects=False,
    )
    assert response.status_code == 413
    assert "largest file this service takes" in response.text

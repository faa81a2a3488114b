"""``placement-api``: migrate, create users, load the demo and serve the HTTP API.

placement-api db upgrade
placement-api users create --username ana --role specialist   (password from a prompt
                                                                or --password-stdin)
placement-api users list
placement-api users set-role --username ana --role liaison   (ends ana's tokens)
placement-api demo            (migrate; demo users, random passwords printed once, and demo data,
                               into an empty database only)
placement-api serve [--host 127.0.0.1] [--port 8000] [--demo]   (--demo: demo users allowed)
placement-api rematch [--scheduler tcp://...] [--chunk-size N] [--resume RUN_ID]   (nightly run)
placement-api audit verify [--database-url URL] [--anchor SEQ:HASH] [--json]
                              (offline audit-chain check; also ``python -m api.audit verify``)
placement-api audit checkpoint [--database-url URL]   (sign the chain head; cron / systemd timer)
placement-api import-openings FILE --as USERNAME [--profile P] [--full-feed] [--dry-run] [--atomic]
                              (a CSV of openings or a job-board export, as that liaison)
placement-api retention train [--models-dir DIR] [--bootstrap N] [--json]
                              (the retention model and its card from the recorded placements)
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api import import_cli, logs, migrate, request_id, retention, retention_cli, security, store
from api.audit import cli as audit_cli
from api.config import Settings, get_settings
from api.db import make_engine, make_session_factory
from api.demo import DEMO_USERS, DemoRefused, load_demo
from api.events import log_event
from api.matching import load_occupations
from api.models import Role
from api.occupations import IMPORT_COMMAND
from api.rematch import job as rematch_job
from api.schemas import UserCreate
from matcher.progress import stages
from matcher.version import version_line

_log = logging.getLogger(__name__)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="placement-api", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=version_line())
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    users = sub.add_parser("users", help="manage users")
    users_sub = users.add_subparsers(dest="action", required=True)
    create = users_sub.add_parser("create", help="create a user")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--full-name", default="")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    users_sub.add_parser("list", help="list users")
    set_role = users_sub.add_parser("set-role", help="change a user's role (ends their tokens)")
    set_role.add_argument("--username", required=True)
    set_role.add_argument("--role", required=True, choices=[r.value for r in Role])
    sub.add_parser("demo", help="migrate, load demo users and data into an empty database, print logins")
    serve = sub.add_parser("serve", help="serve the HTTP API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--demo", action="store_true", help="demo mode: serve a database with demo users (make run)"
    )
    rematch_job.add_arguments(sub.add_parser("rematch", help="nightly re-match of every active client"))
    audit_cli.add_arguments(sub.add_parser("audit", help="audit-trail tools (verify, checkpoint)"))
    import_cli.add_arguments(sub.add_parser("import-openings", help="import a CSV of openings as a liaison"))
    retention_cli.add_arguments(sub.add_parser("retention", help="the retention model (train)"))
    return parser


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise SystemExit("passwords differ")
    return first


def _session(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    return make_session_factory(engine)()


def create_user(args: argparse.Namespace, settings: Settings) -> int:
    try:
        user_create = UserCreate(
            username=args.username,
            password=_password(args),
            role=Role(args.role),
            full_name=args.full_name,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SystemExit(f"invalid user: {problems}") from None
    with _session(settings) as session:
        try:
            user = security.create_user(session, user_create=user_create)
        except store.Conflict as exc:
            raise SystemExit(exc.detail) from None
        log_event(session, kind="user.created", user=None, user_id=user.id, role=user.role, via="cli")
        session.commit()
        _out(f"created {user.role} {user.username} (id {user.id})")
    return 0


def set_role(args: argparse.Namespace, settings: Settings) -> int:
    """Give a user another role; their tokens end (they carry the old role)."""
    with _session(settings) as session:
        user = store.users.get_user_by_username(session, username=args.username)
        if user is None:
            raise SystemExit(f"no user {args.username!r}")
        if user.role == Role.SPECIALIST and store.clients.list_clients(session, specialist_id=user.id):
            raise SystemExit(f"{user.username} has clients: reassign them first")
        store.users.update_user(session, user=user, role=args.role)
        security.end_tokens(session, user=user)
        log_event(session, kind="user.updated", user=None, user_id=user.id, changed=["role"], via="cli")
        session.commit()
        _out(f"{user.username} is now {args.role}")
    return 0


def list_users(settings: Settings) -> int:
    with _session(settings) as session:
        for user in store.users.list_users(session):
            state = ("" if user.is_active else "  (inactive)") + ("  (demo)" if user.is_demo else "")
            _out(f"{user.id:>4}  {user.username:<20} {user.role:<11} {user.full_name}{state}")
    return 0


def demo(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Load the demo into an empty database and print its logins (each password once)."""
    given = settings.demo_password.get_secret_value() if settings.demo_password else None
    with stages(3, desc="placement-api demo") as step:
        step("migrating the database")
        with _session(settings) as session:
            step("loading the demo caseload, openings and simulated outcomes")
            try:
                summary = load_demo(session, password=given, as_of=settings.today())
            except DemoRefused as exc:
                raise SystemExit(f"placement-api demo: {exc} ({settings.sqlalchemy_url})") from None
            step("training the retention model on the demo outcomes")
            if not summary.existing_demo:
                version, report = retention_cli.train(
                    session,
                    today=settings.today(),
                    models_dir=retention.models_dir_of(settings),
                    n_bootstrap=200,
                    trained_by="placement-api demo",
                    occupations_path=settings.occupations_path,
                )
    _out(f"database: {settings.sqlalchemy_url}")
    if summary.existing_demo:
        _out("demo: loaded earlier; its passwords were printed then (to start over, delete the database)")
    else:
        _out(
            f"demo data: {summary.clients} clients, {summary.employers} employers, "
            f"{summary.openings} openings"
        )
        _out(
            f"demo outcomes: {summary.placements} placements of the caseload and "
            f"{summary.former_clients} former clients over two years (simulated)"
        )
        _out(retention_cli.summary_lines(version, report)[0])
    _out(occupations_line(settings))
    _out(f"\nOpen http://{host}:{port}/ in a browser and log in as one of")
    if summary.passwords:
        _out("(passwords shown only now; `placement-api serve --demo` serves these demo users):")
    for username, role, _ in DEMO_USERS:
        _out(f"  {username:<12} {role.value:<11} {summary.passwords.get(username, '')}".rstrip())
    url = f"http://{host}:{port}/api/v1/login/access-token"
    shown = summary.passwords.get("specialist", "<password>")
    _out(f"The API reference is at http://{host}:{port}/docs (press Authorize to log in there), or get a")
    _out(f"token: curl -s -X POST {url} -d 'username=specialist&password={shown}'")
    return 0


def occupations_line(settings: Settings) -> str:
    """One line: is the O*NET occupation store in use, and how to import it if not."""
    path = settings.occupations_path
    occupations = load_occupations(path)
    if occupations is not None:
        return (
            f"occupation store: {path} ({len(occupations)} occupations); shortlists show "
            "inferred demands and strengths, marked as inferred"
        )
    store_option = "" if path == Path("var/occupations") else f" --store {path}"
    return (
        f"occupation store: none at {path}, nothing is inferred; "
        f"to import one: {IMPORT_COMMAND}{store_option}"
    )


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve with uvicorn; outside demo mode, refuse a database with demo users (clear message)."""
    import uvicorn

    if not args.demo:
        with _session(settings) as session:
            try:
                security.refuse_demo_users(session)
            except security.DemoUsersPresent as exc:
                raise SystemExit(f"placement-api serve: {exc}") from None
    uvicorn.run(  # an import string (or factory): every worker process builds its own app
        "api.main:create_demo_app" if args.demo else "api.main:app",
        factory=args.demo,
        host=args.host,
        port=args.port,
        workers=settings.workers,
        **_uvicorn_logging(settings),
    )
    return 0


# Seconds a worker has to answer uvicorn's health ping. A spawned worker first re-imports this
# command (the engine, Dask) before it can answer; on a busy host that takes longer than
# uvicorn's default 5 s, and every worker would be killed and restarted, over and over.
WORKER_HEALTHCHECK_S = 60


def _uvicorn_logging(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging (every worker process) as the service's; api.access writes the access lines."""
    return {
        "log_config": logs.logging_config(level=settings.log_level, log_format=settings.log_format),
        "access_log": False,
        "timeout_worker_healthcheck": WORKER_HEALTHCHECK_S,
    }


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SystemExit(f"invalid settings: {problems}") from None
    logs.configure(level=settings.log_level, log_format=settings.log_format)
    if args.command == "serve":  # each request gets its own id
        return _run(args, settings)
    token = request_id.begin(request_id.new_id("cli-"))  # one id for the run's lines and events
    try:
        return _run(args, settings)
    finally:
        request_id.end(token)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    security.configure_from(settings)
    if args.command == "db":
        engine = make_engine(settings.sqlalchemy_url)
        migrate.upgrade(engine)
        _out(f"migrated {settings.sqlalchemy_url}")
        return 0
    if args.command == "users":
        if args.action == "set-role":
            return set_role(args, settings)
        return create_user(args, settings) if args.action == "create" else list_users(settings)
    if args.command == "demo":
        return demo(settings)
    if args.command == "rematch":
        return rematch_job.run_from_args(args)
    if args.command == "audit":
        return audit_cli.run(args)
    if args.command == "retention":
        with _session(settings) as session:
            return retention_cli.run(
                args,
                session,
                today=settings.today(),
                models_dir=retention.models_dir_of(settings),
                occupations_path=settings.occupations_path,
            )
    if args.command == "import-openings":
        with _session(settings) as session:
            return import_cli.run(args, session, today=settings.today(), ttl_days=settings.import_ttl_days)
    return serve(args, settings)


if __name__ == "__main__":
    sys.exit(main())

"""Bulk CSV import of openings: every row validated, errors reported by row and field.

Columns are the opening record fields plus ``employer_id`` (an employer the
importing liaison manages) and ``lat``/``lon``. List fields (``shifts``,
skills, accommodation codes) are separated by ``;``; ``demands`` reads like
``attention=3;pace=4`` (or ``attention=moderate``); ``riasec`` is six numbers separated by ``;``.
Row 1 is the header, so the first opening is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import board_import, dedupe, store
from api.audit import append_events
from api.convert import opening_raw
from api.models import User, utcnow
from api.schemas import ImportDuplicate, ImportReport, ImportRowError
from matcher.csvin import decode_text, sniff_delimiter
from matcher.errors import ValidationError
from matcher.progress import Progress, quiet
from matcher.records import opening_from_record, opening_to_record

# Shifts, weekly hours and pay may be left empty (or their columns left out): unknown, a
# question for the specialist, never a reason to exclude (matcher.constraints).
REQUIRED = ("employer_id", "title")
UNKNOWN_WHEN_EMPTY = frozenset({"shifts"})
TEXT = ("title", "description", "industry", "onet_soc", "zip", "posted", "expires")
LISTS = (
    "shifts",
    "required_skills",
    "preferred_skills",
    "offered_to_all",
    "on_request",
    "inferred_demands",
    "not_possible",
)
FLAGS = ("remote", "background_check", "fair_chance", "skills_inferred")
NUMBERS = ("hours_per_week", "hourly_wage", "positions")
COLUMNS = {"employer_id", "lat", "lon", "demands", "riasec", *TEXT, *LISTS, *FLAGS, *NUMBERS}
# The first bytes of .xlsx/.ods (zip) and .xls (OLE) files: a workbook sent instead of its CSV.
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0", ""}
_MICROSECOND = dt.timedelta(microseconds=1)


class RowError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def read_rows(
    text: str, max_rows: int | None
) -> tuple[list[tuple[int, dict[str | None, Any]]], list[ImportRowError]]:
    """Rows with their spreadsheet row number, or header errors (then no rows).

    ``max_rows``: an upload's limit (``Settings.max_import_rows``); None for a file an operator
    imports on the server (``placement-api import-openings``).
    """
    # Excel saves semicolon- or tab-separated files in many locales: the delimiter is found.
    reader = csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text))
    header = [h.strip() for h in reader.fieldnames or []]
    errors = [ImportRowError(row=1, field=h, message="unknown column") for h in header if h not in COLUMNS]
    errors += [ImportRowError(row=1, field=c, message="missing column") for c in REQUIRED if c not in header]
    if errors:
        return [], errors
    reader.fieldnames = header
    rows = [(n, row) for n, row in enumerate(reader, start=2)]
    if max_rows is not None and len(rows) > max_rows:
        return [], [ImportRowError(row=1, field="(file)", message=f"more than {max_rows} rows")]
    return rows, []


def _number(field: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise RowError(field, "must be a number") from None
    if not math.isfinite(number):  # "nan", "inf", "1e309"
        raise RowError(field, "must be a finite number")
    return number


def _cells_to_raw(cells: dict[str, str]) -> tuple[str, dict[str, Any], list[RowError]]:
    """The raw fields of the cells that could be read, and an error for each that could not."""
    errors: list[RowError] = []
    for name, value in cells.items():
        if "\x00" in value:  # PostgreSQL text cannot hold NUL; refused on every database
            errors.append(RowError(name, "must not contain NUL characters"))
    if errors:
        return "", {}, errors
    raw: dict[str, Any] = {f: cells[f] for f in TEXT if cells.get(f)}
    for f in LISTS:
        parts = [p.strip() for p in cells.get(f, "").split(";") if p.strip()]
        if parts or f not in UNKNOWN_WHEN_EMPTY:
            raw[f] = parts
    for f in FLAGS:
        value = cells.get(f, "").lower()
        if value not in _TRUE | _FALSE:
            errors.append(RowError(f, "must be true or false"))
        raw[f] = value in _TRUE
    for f in NUMBERS:
        if cells.get(f):
            _read(errors, raw, f, lambda f=f: _number(f, cells[f]))
    if cells.get("lat") or cells.get("lon"):
        _read(
            errors,
            raw,
            "location",
            lambda: {
                "lat": _number("lat", cells.get("lat", "")),
                "lon": _number("lon", cells.get("lon", "")),
            },
        )
    _read(errors, raw, "demands", lambda: _demands(cells.get("demands", "")))
    if cells.get("riasec"):
        _read(errors, raw, "riasec", lambda: [_number("riasec", p) for p in cells["riasec"].split(";")])
    return cells.get("employer_id", ""), raw, errors


def _read(errors: list[RowError], raw: dict[str, Any], field: str, parse: Any) -> None:
    """``raw[field] = parse()``, or the error noted (and the field left out)."""
    try:
        raw[field] = parse()
    except RowError as exc:
        errors.append(exc)


def _demands(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(";") if p.strip()):
        dim, sep, level = part.partition("=")
        if not sep or not level.strip():
            raise RowError("demands", f"expected dimension=level, got {part!r}")
        # a level by number or by name ("moderate"): the engine's records check which
        out[dim.strip()] = int(level) if level.strip().isdigit() else level.strip()
    return out


@dataclass(frozen=True, slots=True)
class _Valid:
    """A row that passed validation: its number, employer and engine record."""

    row: int
    employer_id: str
    record: dict[str, Any]


def _validate(
    session: Session, rows: list[tuple[int, dict[str | None, Any]]], *, user: User, today: dt.date
) -> tuple[list[_Valid], list[ImportRowError]]:
    """Engine records of the valid rows, and every error found in the invalid ones."""
    valid: list[_Valid] = []
    errors: list[ImportRowError] = []
    employers = store.employers.managed_employers(
        session, employer_ids={(row.get("employer_id") or "").strip() for _, row in rows}, liaison_id=user.id
    )
    for number, row in rows:
        problems = _row_problems(row, employers, today)
        if isinstance(problems, _Valid):
            valid.append(_Valid(number, problems.employer_id, problems.record))
        else:
            errors += [ImportRowError(row=number, field=e.field, message=e.message) for e in problems]
    return valid, errors


def _row_problems(
    row: dict[str | None, Any], employers: dict[str, Any], today: dt.date
) -> _Valid | list[RowError]:
    """The row's engine record, or every problem found in it.

    Unreadable cells are all reported; the engine then checks what could be read and
    reports its first problem, unless it is about a cell already reported.
    """
    if row.get(None):
        return [RowError("(row)", "more values than columns")]
    cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
    employer_id, raw, problems = _cells_to_raw(cells)
    if problems and not raw:  # NUL characters: nothing else is read
        return problems
    employer = employers.get(employer_id)
    if employer is None:
        problems.append(RowError("employer_id", "unknown employer (or not one you manage)"))
    raw = opening_raw(
        raw,
        opening_id=store.new_id("O"),
        employer=employer.name if employer is not None else "?",
        status="open",
        posted=today,
    )
    try:
        record = opening_to_record(opening_from_record(raw))
    except ValidationError as exc:
        reported = {p.field for p in problems}
        if {"lat", "lon", "remote"} & reported:
            reported.add("location")  # left out or in doubt because unreadable, not missing
        if exc.field.split(".")[0] not in reported:
            problems.append(RowError(exc.field, exc.message))
        return problems
    return problems or _Valid(0, employer_id, record)


def _drop_duplicates(
    index: dedupe.DuplicateIndex, valid: list[_Valid]
) -> tuple[list[_Valid], list[ImportDuplicate]]:
    """Rows that near-duplicate no indexed opening and no earlier kept row, and the others."""
    kept: list[_Valid] = []
    duplicates: list[ImportDuplicate] = []
    for v in valid:
        item = dedupe.posting(v.record["id"], v.record)
        duplicate = index.find(v.employer_id, item)
        if duplicate is None:
            index.add(v.employer_id, item)
            kept.append(v)
        else:
            duplicates.append(ImportDuplicate(row=v.row, duplicate_of=duplicate))
    return kept, duplicates


def _creation_times(n: int) -> list[dt.datetime]:
    """``n`` strictly increasing timestamps from now: "oldest first" keeps the file's order."""
    times: list[dt.datetime] = []
    for _ in range(n):
        now = utcnow()
        times.append(now if not times or now > times[-1] else times[-1] + _MICROSECOND)
    return times


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during one import, as ``matcher.demo`` does.

    An import's rows make hundreds of thousands of short-lived dicts and lists, whose
    allocation triggers collections that rescan every long-lived object too (the duplicate
    index among them): about a fifth of an import's CPU time. They hold no reference
    cycles, and anything cyclic made meanwhile is collected once the collector runs again.
    The pause is process-wide; whichever pause found the collector enabled re-enables it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class _Checked:
    """A file validated and checked for near-duplicates, nothing stored yet."""

    rows: int
    errors: list[ImportRowError]
    kept: list[_Valid]
    duplicates: list[ImportDuplicate]
    version: int
    index: dedupe.DuplicateIndex


def _check(session: Session, *, user: User, text: str, today: dt.date, max_rows: int | None) -> _Checked:
    rows, errors = read_rows(text, max_rows)
    valid, row_errors = _validate(session, rows, user=user, today=today)
    cache = dedupe.index_cache(session)
    version, index = cache.checkout(session) if valid else (0, dedupe.DuplicateIndex())
    kept, duplicates = _drop_duplicates(index, valid)
    return _Checked(len(rows), errors + row_errors, kept, duplicates, version, index)


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """A row an import would store."""

    row: int
    opening_id: str  # the id it gets in this preview only (a duplicate of it names it)
    employer_id: str
    title: str


@dataclass(frozen=True, slots=True)
class Preview:
    """What importing a file would do, row by row, with nothing stored."""

    n_rows: int
    errors: list[ImportRowError]
    duplicates: list[ImportDuplicate]
    storable: list[PreviewRow]

    @property
    def header_ok(self) -> bool:
        return not any(e.row == 1 for e in self.errors)


def preview_openings(
    session: Session, *, user: User, text: str, today: dt.date, max_rows: int | None
) -> Preview:
    """The errors, near-duplicates and storable rows of a file, as :func:`import_openings` would
    find them now; nothing is stored (raises ``csv.Error`` on a malformed file)."""
    checked = _check(session, user=user, text=text, today=today, max_rows=max_rows)
    return Preview(
        n_rows=checked.rows,
        errors=checked.errors,
        duplicates=checked.duplicates,
        storable=[PreviewRow(v.row, v.record["id"], v.employer_id, v.record["title"]) for v in checked.kept],
    )


def import_openings(
    session: Session, *, user: User, text: str, atomic: bool, today: dt.date, max_rows: int | None
) -> ImportReport:
    """Validate and store rows; with ``atomic`` store nothing unless every row is valid.

    Rows are validated one by one, checked against the open openings and the earlier
    rows through one :class:`api.dedupe.DuplicateIndex` (kept between imports while
    the openings do not change), then stored with one batched INSERT; the route
    appends their audit events in one batch.
    """
    checked = _check(session, user=user, text=text, today=today, max_rows=max_rows)
    kept = checked.kept
    # Header errors store nothing; row errors store nothing only when atomic.
    committed = not checked.errors or (not atomic and checked.rows > 0)
    if committed and kept:
        stamped = zip(kept, _creation_times(len(kept)), strict=True)
        store.openings.insert_openings(
            session, rows=[(v.employer_id, v.record, at) for v, at in stamped], created_by=user.id
        )
        cache = dedupe.index_cache(session)
        cache.keep_after_commit(session, version=checked.version, index=checked.index)
    return ImportReport(
        committed=committed,
        n_rows=checked.rows,
        created=[v.record["id"] for v in kept] if committed else [],
        errors=checked.errors,
        duplicates=checked.duplicates,
    )


class ImportRefused(Exception):
    """A file refused as a whole: too large (413), not UTF-8 or not CSV (400), raced (409)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def read_upload(data: bytes, *, max_bytes: int) -> str:
    """The text of an uploaded file of at most ``max_bytes`` (read ``max_bytes + 1`` to tell).

    UTF-8 (with or without a byte-order mark), else the Windows code page or Latin-1, as
    spreadsheets save CSV files (:func:`matcher.csvin.decode_text`).
    """
    if len(data) > max_bytes:
        raise ImportRefused(413, "File too large")
    if data.startswith(WORKBOOK_SIGNATURES):
        raise ImportRefused(400, "File is a spreadsheet workbook, not CSV; save it as CSV")
    return decode_text(data)[0]


def preview(session: Session, *, user: User, text: str, today: dt.date, max_rows: int | None) -> Preview:
    """:func:`preview_openings` with a malformed file refused as :class:`ImportRefused` (400)."""
    with cyclic_gc_paused():
        try:
            return preview_openings(session, user=user, text=text, today=today, max_rows=max_rows)
        except csv.Error as exc:
            raise ImportRefused(400, f"Malformed CSV: {exc}") from None


def run_import(
    session: Session, *, user: User, text: str, atomic: bool, today: dt.date, max_rows: int | None
) -> ImportReport:
    """Import a file and commit it with its audit events, or roll back when nothing is stored.

    The one import path of the JSON route and the page; a malformed file is :class:`ImportRefused`.
    """
    with cyclic_gc_paused():
        try:
            report = import_openings(
                session, user=user, text=text, atomic=atomic, today=today, max_rows=max_rows
            )
        except csv.Error as exc:
            raise ImportRefused(400, f"Malformed CSV: {exc}") from None
        if not report.committed:
            session.rollback()
            return report
        # One batch (one chain-head read) in the same transaction as the openings.
        append_events(session, actor=user.username, events=_import_events(report))
    session.commit()
    return report


def _import_events(report: ImportReport) -> list[dict[str, Any]]:
    """An ``opening.created`` per stored opening, as for one posted by hand, then the summary."""
    events: list[dict[str, Any]] = [
        {"kind": "opening.created", "opening_id": opening_id, "payload": {"via": "import"}}
        for opening_id in report.created
    ]
    summary = {
        "created": report.created,
        "n_errors": len(report.errors),
        "n_duplicates": len(report.duplicates),
    }
    return [*events, {"kind": "openings.imported", "payload": summary}]


def run_file_import(
    session: Session,
    *,
    user: User,
    text: str,
    profile: str | None,
    atomic: bool,
    today: dt.date,
    ttl_days: int,
    dry_run: bool = False,
    full_feed: bool = False,
    max_rows: int | None,
    progress: Progress = quiet,
) -> ImportReport:
    """The one entry of the route, the page and the CLI: a job-board file (profile named or found
    from its header, :mod:`api.board_import`) or a file in the project's own format (strict, at
    most ``max_rows`` rows; None: no limit)."""
    board = board_import.choose_profile(text, profile)
    if board is not None:
        with cyclic_gc_paused():
            try:
                return board_import.import_board_file(
                    session,
                    user=user,
                    text=text,
                    profile=board,
                    today=today,
                    ttl_days=ttl_days,
                    atomic=atomic,
                    dry_run=dry_run,
                    full_feed=full_feed,
                    progress=progress,
                )
            except csv.Error as exc:
                raise ImportRefused(400, f"Malformed CSV: {exc}") from None
            except IntegrityError:  # a concurrent import stored one of these postings first
                session.rollback()
                raise ImportRefused(
                    409, "Another import stored some of these postings meanwhile: import again"
                ) from None
    if full_feed:
        raise ImportRefused(400, "full_feed needs a job-board file (profile linkedin or jobspy)")
    if not dry_run:
        return run_import(session, user=user, text=text, atomic=atomic, today=today, max_rows=max_rows)
    checked = preview(session, user=user, text=text, today=today, max_rows=max_rows)
    session.rollback()
    return ImportReport(
        committed=False,
        dry_run=True,
        n_rows=checked.n_rows,
        created=[r.opening_id for r in checked.storable],
        errors=checked.errors,
        duplicates=checked.duplicates,
    )

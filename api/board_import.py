"""Import of job-board exports (LinkedIn, JobSpy): postings upserted by (source, external id).

Each row is read by :func:`matcher.records.job_boards.read_posting` (unknown columns are
ignored, what the posting does not state is left unknown) and checked by the engine's own
validation. Every problem of every row is reported at once. Then, unless it is a dry run
(or ``atomic`` and a row is bad, or the header lacks the profile's columns):

* the employer is found by its normalised name among the employers the liaison manages,
  or created (managed by the liaison);
* a posting imported before (same source and id) updates its opening when something
  changed, with an ``opening.updated`` audit event listing the changes; an identical
  one changes nothing; a new one is stored with an ``opening.created`` event;
* with ``full_feed``, the liaison's open openings of that source missing from the file are
  closed (``opening.status`` events).

A re-import never reopens an opening: the feed can close it (LinkedIn's ``closed_time``),
only a person reopens it. Postings are identified by their id, not by the near-duplicate
rule of hand-entered openings (one job posted in two cities is two postings).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api import store
from api.audit import append_events
from api.convert import opening_raw
from api.models import Opening, User, utcnow
from api.schemas import ImportReport, ImportRowError
from api.store.employers import employer_key
from matcher.csvin import sniff_delimiter
from matcher.errors import ValidationError
from matcher.progress import Progress, quiet
from matcher.records import opening_from_record, opening_to_record
from matcher.records.job_boards import PROFILES, Posting, Profile, detect_profile, read_posting

_MICROSECOND = dt.timedelta(microseconds=1)
SNIFF_CHARS = 64_000


@dataclass
class _Row:
    """A valid posting: its row, engine record, employer key and the opening it updates."""

    row: int
    posting: Posting
    record: dict[str, Any]
    existing: Opening | None
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class _Checked:
    rows: list[_Row]
    n_rows: int
    errors: list[ImportRowError]
    warnings: list[ImportRowError]
    rejected: Counter[str]
    new_employers: dict[str, str]  # employer key -> name as first written
    employers: dict[str, Any]  # employer key -> Employer the liaison manages
    managed_ids: set[str] = field(default_factory=set)


def _header_errors(header: list[str], profile: Profile) -> list[ImportRowError]:
    missing = sorted(profile.required - set(header))
    return [ImportRowError(row=1, field=c, message="missing column", kind="missing_column") for c in missing]


def _read(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[ImportRowError]]:
    """Header (lower case), rows with their number, and rows with more cells than columns."""
    reader = csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    rows, errors = [], []
    for number, row in enumerate(reader, start=2):
        if row.get(None):
            errors.append(ImportRowError(row=number, field="(row)", message="more values than columns"))
            continue
        rows.append((number, {k: (v or "") for k, v in row.items() if k is not None}))
    return header, rows, errors


def _record(
    posting: Posting, *, opening_id: str, employer: str, status: str, posted: dt.date
) -> dict[str, Any]:
    raw = opening_raw(posting.fields, opening_id=opening_id, employer=employer, status=status, posted=posted)
    return opening_to_record(opening_from_record(raw))


def _error(number: int, column: str, value: Any, message: str, kind: str) -> ImportRowError:
    # built without re-validation: a large feed has a few warnings per row, all plain strings
    return ImportRowError.model_construct(
        row=number, field=column, message=message, value=str(value)[:200], kind=kind
    )


def _check_row(
    number: int,
    cells: Mapping[str, str],
    checked: _Checked,
    *,
    profile: Profile,
    existing: dict[str, Opening],
    today: dt.date,
    ttl_days: int,
) -> _Row | list[ImportRowError]:
    nul = [c for c, v in cells.items() if "\x00" in v]  # PostgreSQL text cannot hold NUL
    if nul:
        return [_error(number, c, "", "must not contain NUL characters", "nul") for c in nul]
    before = existing.get(cells.get(profile.id_column, "").strip())
    first_seen = (
        dt.date.fromisoformat(before.record["posted"]) if before and before.record.get("posted") else None
    )
    posting = read_posting(cells, profile, as_of=today, ttl_days=ttl_days, first_seen=first_seen)
    errors = [_error(number, p.column, p.value, p.message, p.kind) for p in posting.errors]
    if before is not None and before.employer_id not in checked.managed_ids:
        errors.append(
            _error(
                number,
                profile.id_column,
                posting.external_id,
                "imported for an employer you do not manage",
                "not_yours",
            )
        )
    if errors:
        return errors
    key = employer_key(posting.employer)
    employer = checked.employers.get(key)
    name = before.record["employer"] if before else employer.name if employer else posting.employer
    status = "closed" if posting.fields.get("status") == "closed" else (before.status if before else "open")
    try:
        record = _record(
            posting,
            opening_id=before.id if before else store.new_id("O"),
            employer=name,
            status=status,
            posted=first_seen or today,
        )
    except ValidationError as exc:
        return [_error(number, exc.field, exc.value, exc.message, "invalid")]
    if before is None and employer is None:
        checked.new_employers.setdefault(key, posting.employer)
    checked.warnings += [_error(number, w.column, w.value, w.message, w.kind) for w in posting.warnings]
    return _Row(number, posting, record, before)


def check_file(
    session: Session,
    *,
    user: User,
    text: str,
    profile: Profile,
    today: dt.date,
    ttl_days: int,
    progress: Progress = quiet,
) -> _Checked:
    """Every row read and validated, the openings they update found; nothing written."""
    header, rows, errors = _read(text)
    checked = _Checked([], len(rows) + len(errors), list(errors), [], Counter(), {}, {})
    header_errors = _header_errors(header, profile)
    if header_errors:
        checked.errors = header_errors
        return checked
    checked.employers = store.employers.managed_by_key(session, liaison_id=user.id)
    checked.managed_ids = {e.id for e in checked.employers.values()}
    ids = {cells.get(profile.id_column, "").strip() for _, cells in rows} - {""}
    existing = store.openings.by_external_ids(session, source=profile.name, external_ids=ids)
    seen: dict[str, int] = {}
    for number, cells in progress(rows, total=len(rows), desc="checking rows"):
        result = _check_row(
            number, cells, checked, profile=profile, existing=existing, today=today, ttl_days=ttl_days
        )
        if isinstance(result, _Row) and result.posting.external_id in seen:
            first = seen[result.posting.external_id]
            message = f"the same posting id as row {first}"
            result = [_error(number, profile.id_column, result.posting.external_id, message, "duplicate_id")]
        if isinstance(result, list):
            checked.errors += result
            checked.rejected[result[0].kind or "invalid"] += 1
            continue
        seen[result.posting.external_id] = number
        if result.existing is not None:
            result.changes = _changes(result.existing.record, result.record)
        checked.rows.append(result)
    checked.rejected["malformed_row"] += len(errors)
    checked.rejected = +checked.rejected  # drop zero counts
    return checked


def _changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` of the fields that differ."""
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}


def _insert_new(
    session: Session, checked: _Checked, *, user: User, profile: Profile
) -> tuple[list[_Row], dict[str, str]]:
    """Create the missing employers and insert the new postings (batched); both returned."""
    created_employers = store.employers.insert_employers(
        session, names=list(checked.new_employers.values()), liaison_id=user.id
    )
    employer_ids = {k: e.id for k, e in checked.employers.items()}
    employer_ids |= {employer_key(name): i for name, i in created_employers.items()}
    new = [r for r in checked.rows if r.existing is None]
    now = utcnow()  # strictly increasing creation times keep the file's order ("oldest first")
    store.openings.insert_openings(
        session,
        rows=[
            (employer_ids[employer_key(r.posting.employer)], r.record, now + i * _MICROSECOND)
            for i, r in enumerate(new)
        ],
        created_by=user.id,
        origins=[(profile.name, r.posting.external_id) for r in new],
    )
    return new, created_employers


def _apply_changes(session: Session, checked: _Checked) -> list[_Row]:
    """Update the stored openings whose posting changed (status too, when the board closed it)."""
    updated = [r for r in checked.rows if r.existing is not None and r.changes]
    for r in updated:
        assert r.existing is not None
        previous = r.existing.status
        store.openings.update_opening(
            session, opening=r.existing, expected_version=r.existing.version, record=r.record
        )
        if r.record["status"] != previous:
            store.openings.set_status(session, opening=r.existing, status=r.record["status"])
    return updated


def _store(
    session: Session, checked: _Checked, *, user: User, profile: Profile, full_feed: bool
) -> ImportReport:
    """Write the checked rows (employers, new and changed openings, full-feed closes) and their events."""
    new, created_employers = _insert_new(session, checked, user=user, profile=profile)
    updated = _apply_changes(session, checked)
    closed = _missing(session, checked, user=user, profile=profile) if full_feed else []
    store.openings.close_openings(session, openings=closed)
    via = {"via": "import", "source": profile.name}
    events: list[dict[str, Any]] = [
        {
            "kind": "opening.created",
            "opening_id": r.record["id"],
            "payload": via | {"external_id": r.posting.external_id},
        }
        for r in new
    ]
    events += [
        {"kind": "opening.updated", "opening_id": r.record["id"], "payload": via | {"changes": r.changes}}
        for r in updated
    ]
    closing = via | {"previous": "open", "status": "closed", "full_feed": True}
    events += [{"kind": "opening.status", "opening_id": o.id, "payload": closing} for o in closed]
    summary = {
        "profile": profile.name,
        "created": len(new),
        "updated": len(updated),
        "closed": len(closed),
        "n_errors": len(checked.errors),
        # one event for the employers a file creates (a feed can name thousands), ids listed
        "employers_created": sorted(created_employers.values()),
    }
    events.append({"kind": "openings.imported", "payload": summary})
    append_events(session, actor=user.username, events=events)
    report = _report(checked, profile=profile, committed=True, dry_run=False)
    report.created = [r.record["id"] for r in new]
    report.updated = [r.record["id"] for r in updated]
    report.closed = [o.id for o in closed]
    report.employers_created = list(created_employers.values())
    return report


def _missing(session: Session, checked: _Checked, *, user: User, profile: Profile) -> list[Opening]:
    """The liaison's open openings of this source that the file (a full feed) no longer holds."""
    in_file = {r.posting.external_id for r in checked.rows}
    candidates = store.openings.open_from_source(session, source=profile.name, liaison_id=user.id)
    return [o for o in candidates if o.external_id not in in_file]


def _report(checked: _Checked, *, profile: Profile, committed: bool, dry_run: bool) -> ImportReport:
    new = [r.record["id"] for r in checked.rows if r.existing is None]
    updated = [r.record["id"] for r in checked.rows if r.existing is not None and r.changes]
    return ImportReport(
        committed=committed,
        n_rows=checked.n_rows,
        created=new if dry_run else [],
        updated=updated if dry_run else [],
        n_unchanged=sum(1 for r in checked.rows if r.existing is not None and not r.changes),
        errors=checked.errors,
        duplicates=[],
        file_format=profile.name,
        dry_run=dry_run,
        warnings=checked.warnings,
        warning_counts=dict(sorted(Counter(w.kind or "" for w in checked.warnings).items())),
        rejected=dict(sorted(checked.rejected.items())),
    )


def import_board_file(
    session: Session,
    *,
    user: User,
    text: str,
    profile: Profile,
    today: dt.date,
    ttl_days: int,
    atomic: bool = False,
    dry_run: bool = False,
    full_feed: bool = False,
    progress: Progress = quiet,
) -> ImportReport:
    """Check a job-board file and (unless ``dry_run``) store it and commit; see the module docstring.

    Nothing is stored when the header lacks the profile's columns, or with ``atomic`` when any
    row is bad; a full feed closes nothing then either. A dry run reports what would be created
    and updated (the ids it would get) and stores nothing.
    """
    checked = check_file(
        session, user=user, text=text, profile=profile, today=today, ttl_days=ttl_days, progress=progress
    )
    header_bad = any(e.row == 1 for e in checked.errors)
    if dry_run or header_bad or (atomic and checked.errors):
        report = _report(checked, profile=profile, committed=False, dry_run=dry_run)
        if dry_run and full_feed and not header_bad:
            report.closed = [o.id for o in _missing(session, checked, user=user, profile=profile)]
        session.rollback()
        return report
    report = _store(session, checked, user=user, profile=profile, full_feed=full_feed)
    session.commit()
    return report


def choose_profile(text: str, asked: str | None) -> Profile | None:
    """The job-board profile named (``native``: None), else the one the header matches, else None."""
    if asked == "native":
        return None
    if asked:
        return PROFILES[asked]
    header = next(csv.reader(io.StringIO(text[:SNIFF_CHARS]), delimiter=sniff_delimiter(text)), [])
    return detect_profile(header)

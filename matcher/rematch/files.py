"""JSON and CSV files in and out for a re-match run (the ``matcher rematch`` file source).

Layout of ``--out-dir``::

    run.json                 run record (RunSummary)
    shortlists.json          every client's new list + record fingerprint (next run's --previous)
    shortlists.csv           the same as rows, with per-factor points and the primary flag
    openings_load.csv        per opening: positions, shortlists, first choices, primaries
    diffs.json               per client: new, gone (with reason), moved
    digests/<specialist>.json, .md, .csv
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matcher.csvout import frame_to_csv
from matcher.errors import MatcherError
from matcher.rematch.digest import digest_to_csv, digest_to_dict, digest_to_markdown
from matcher.rematch.nightly import JobOutcome, PreviousRun
from matcher.rematch.shortlist_diff import Entry

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_previous(path: str | Path | None) -> PreviousRun:
    """A previous run's ``shortlists.json`` (no path: a first run)."""
    if path is None:
        return PreviousRun()
    raw = read_json(path)
    try:
        clients = raw["clients"]
        lists = {
            c: tuple(
                Entry(str(s["opening_id"]), int(s["rank"]), float(s["score"]), bool(s.get("primary")))
                for s in v["suggestions"]
            )
            for c, v in clients.items()
        }
        prints = {c: str(v.get("fingerprint", "")) for c, v in clients.items()}
        as_of = dt.date.fromisoformat(raw["as_of"]) if raw.get("as_of") else None
    except (KeyError, TypeError, ValueError) as exc:
        raise MatcherError(f"{path}: not a shortlists.json of a previous run ({exc})") from exc
    return PreviousRun(as_of, lists, prints)


def read_mapping(path: str | Path | None, what: str) -> dict[str, list[str]]:
    """A JSON object of id -> list of ids (caseloads, rejections)."""
    if path is None:
        return {}
    raw = read_json(path)
    if not isinstance(raw, Mapping) or not all(isinstance(v, list) for v in raw.values()):
        raise MatcherError(f"{path}: {what} must be a JSON object of id -> list of ids")
    return {str(k): [str(x) for x in v] for k, v in raw.items()}


def shortlists_document(outcome: JobOutcome) -> dict[str, Any]:
    """The ``shortlists.json`` content (clients sorted by id)."""
    rows = outcome.result.rows
    points = {
        (c, o): {k.removeprefix("contrib_"): float(v) for k, v in r.items() if k.startswith("contrib_")}
        for c, o, r in zip(rows["client_id"], rows["opening_id"], rows.to_dict("records"), strict=True)
    }
    summary = outcome.result.summary
    return {
        "run_id": outcome.run_id,
        "as_of": outcome.as_of.isoformat(),
        "engine_version": summary.engine_version,
        "config_hash": summary.config_hash,
        "clients": {
            c: {
                "fingerprint": outcome.fingerprints.get(c, ""),
                "suggestions": [
                    {
                        "opening_id": e.opening_id,
                        "rank": e.rank,
                        "score": e.score,
                        "primary": e.primary,
                        "contributions": points.get((c, e.opening_id), {}),
                    }
                    for e in entries
                ],
            }
            for c, entries in sorted(outcome.shortlists.items())
        },
    }


def write_outcome(outcome: JobOutcome, out_dir: str | Path) -> list[Path]:
    """Write every output file; returns their paths."""
    out = Path(out_dir)
    (out / "digests").mkdir(parents=True, exist_ok=True)
    written = [
        _write(out / "run.json", _dumps(outcome.result.summary.to_dict())),
        _write(out / "shortlists.json", _dumps(shortlists_document(outcome))),
        _write(out / "diffs.json", _dumps({c: d.to_dict() for c, d in sorted(outcome.diffs.items())})),
    ]
    rows = outcome.result.rows.sort_values(["client_id", "rank"], ignore_index=True)
    frame_to_csv(rows, out / "shortlists.csv")
    frame_to_csv(outcome.result.load, out / "openings_load.csv")
    written += [out / "shortlists.csv", out / "openings_load.csv"]
    for digest in outcome.digests:
        stem = out / "digests" / _SAFE.sub("_", digest.specialist_id)
        written.append(_write(stem.with_suffix(".json"), _dumps(digest_to_dict(digest))))
        written.append(_write(stem.with_suffix(".md"), digest_to_markdown(digest)))
        written.append(_write(stem.with_suffix(".csv"), digest_to_csv(digest)))
    return written


def _dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def records(path: str | Path, what: str) -> Sequence[Mapping[str, Any]]:
    """A JSON list of raw records."""
    raw = read_json(path)
    if not isinstance(raw, list):
        raise MatcherError(f"{path}: {what} must be a JSON list of records")
    return raw

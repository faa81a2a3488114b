"""Find and read the files of an O*NET database release (text or Excel).

The O*NET Resource Center publishes each release as tab-delimited text files
and as Excel workbooks with the same tables and columns. A user may point the
importer at one or more folders (e.g. the 29.0 text release plus the 29.3
Skills/Knowledge workbooks); for each table the first folder holding it wins,
text before Excel.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError

from matcher.errors import MatcherError

# table key -> file stem in the release (the same for .txt and .xlsx)
TABLES: dict[str, str] = {
    "occupations": "Occupation Data",
    "alternate_titles": "Alternate Titles",
    "reported_titles": "Sample of Reported Titles",
    "interests": "Interests",
    "job_zones": "Job Zones",
    "work_styles": "Work Styles",
    "technology": "Technology Skills",
    "tasks": "Task Statements",
    "tasks_to_dwas": "Tasks to DWAs",
    "dwa_reference": "DWA Reference",
    "iwa_reference": "IWA Reference",
    "education": "Education, Training, and Experience",
    "education_categories": "Education, Training, and Experience Categories",
    "skills": "Skills",
    "knowledge": "Knowledge",
}
REQUIRED = ("occupations",)


class OnetSourceError(MatcherError):
    """The O*NET release is missing, incomplete or unreadable."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One release file that was read: where, which release, its checksum and rows."""

    table: str
    path: Path
    release: str
    sha256: str
    rows: int = 0


def release_name(folder: Path) -> str:
    """First line of the release's ``Read Me.txt`` (e.g. ``O*NET 29.0 Database``)."""
    readme = folder / "Read Me.txt"
    if not readme.exists():
        return "O*NET (release unknown)"
    with readme.open(encoding="utf-8", errors="replace") as fh:
        return fh.readline().strip() or "O*NET (release unknown)"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_sources(paths: list[Path]) -> dict[str, SourceFile]:
    """Locate each known table in ``paths`` (folders, or single files).

    Raises
    ------
    OnetSourceError
        If a path does not exist or a required table (Occupation Data) is absent.
    """
    found: dict[str, SourceFile] = {}
    for path in paths:
        if not path.exists():
            raise OnetSourceError(f"O*NET path not found: {path}")
        folder = path if path.is_dir() else path.parent
        for table, stem in TABLES.items():
            if table in found:
                continue
            for candidate in (folder / f"{stem}.txt", folder / f"{stem}.xlsx"):
                if candidate.exists() and (path.is_dir() or candidate == path):
                    found[table] = SourceFile(table, candidate, release_name(folder), "")
                    break
    missing = [TABLES[t] for t in REQUIRED if t not in found]
    if missing:
        raise OnetSourceError(
            f"no {', '.join(missing)} file (.txt or .xlsx) under {', '.join(map(str, paths))}"
        )
    return found


def read_table(source: SourceFile) -> pd.DataFrame:
    """Read one release table as strings (numbers are converted by the importer)."""
    try:
        if source.path.suffix == ".xlsx":
            # The first (only) sheet of the workbook; calamine reads it about four times faster
            # than openpyxl, and pandas writes whole numbers without ".0", as the text files do.
            return pd.read_excel(
                source.path, sheet_name=0, dtype=str, keep_default_na=False, engine="calamine"
            )
        return pd.read_csv(
            source.path,
            sep="\t",
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
            quoting=3,  # csv.QUOTE_NONE: O*NET text files never quote fields
        )
    except (OSError, ValueError, KeyError, CalamineError) as exc:
        raise OnetSourceError(f"cannot read {source.path}: {exc}") from exc


def with_checksum(source: SourceFile, rows: int) -> SourceFile:
    """The same source with its checksum and row count filled in."""
    return SourceFile(source.table, source.path, source.release, sha256(source.path), rows)

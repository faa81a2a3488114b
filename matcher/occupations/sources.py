"""Find and read the files of an O*NET database release (text or Excel).

The O*NET Resource Center publishes each release as tab-delimited text files
and as Excel workbooks with the same tables and columns. A user may point the
importer at one or more folders (e.g. the 29.0 text release plus the 29.3
Skills/Knowledge workbooks); for each table the first folder holding it wins,
text before Excel.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pandas as pd

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
            return _read_xlsx(source.path)
        return pd.read_csv(
            source.path,
            sep="\t",
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
            quoting=3,  # csv.QUOTE_NONE: O*NET text files never quote fields
        )
    except (OSError, ValueError, KeyError) as exc:
        raise OnetSourceError(f"cannot read {source.path}: {exc}") from exc


_SI = re.compile(r"<si>(.*?)</si>", re.S)
_T = re.compile(r"<t[^>]*>([^<]*)</t>")
_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*)>(?:<v>([^<]*)</v>|<is>(.*?)</is>)?', re.S)


def _read_xlsx(path: Path) -> pd.DataFrame:
    """Read the single sheet of an O*NET workbook.

    O*NET workbooks are plain one-sheet tables; one regular-expression scan of
    the sheet XML reads them several times faster than openpyxl. Anything
    unusual (several sheets, no shared strings) goes through openpyxl instead.
    """
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        if len(sheets) != 1 or "xl/sharedStrings.xml" not in zf.namelist():
            return _read_xlsx_openpyxl(path)
        shared_xml = zf.read("xl/sharedStrings.xml").decode("utf-8")
        sheet_xml = zf.read(sheets[0]).decode("utf-8")
    shared = [unescape("".join(_T.findall(si))) for si in _SI.findall(shared_xml)]
    cells = _CELL.findall(sheet_xml)
    columns = sorted({c[0] for c in cells}, key=lambda c: (len(c), c))
    col_index = {c: i for i, c in enumerate(columns)}
    first_row = int(cells[0][1]) if cells else 1
    n_rows = (int(cells[-1][1]) - first_row + 1) if cells else 0
    grid = [[""] * len(columns) for _ in range(n_rows)]
    for col, row, attrs, value, inline in cells:
        if inline:
            text = unescape("".join(_T.findall(inline)))
        elif 't="s"' in attrs and value:
            text = shared[int(value)]
        else:
            text = unescape(value)
        grid[int(row) - first_row][col_index[col]] = text
    if not grid:
        return pd.DataFrame()
    return pd.DataFrame(grid[1:], columns=grid[0])


def _read_xlsx_openpyxl(path: Path) -> pd.DataFrame:
    from openpyxl import load_workbook  # imported lazily: only unusual workbooks need it

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        data = [["" if v is None else str(v) for v in row] for row in rows if any(row)]
    finally:
        book.close()
    return pd.DataFrame(data, columns=header)


def with_checksum(source: SourceFile, rows: int) -> SourceFile:
    """The same source with its checksum and row count filled in."""
    return SourceFile(source.table, source.path, source.release, sha256(source.path), rows)

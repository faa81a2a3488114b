"""The one CSV writer of every CSV the project produces, with formula-injection escaping.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (OWASP "CSV Injection"), so such a *text* cell gets a leading ``'``:
spreadsheets show it as text and a reader sees the original after the quote. Numbers are
written as they are (a negative score stays a number). The digest, the batch output, the
nightly files and the audit export all write through here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (``\\n`` line ends) of a header and rows, every text cell escaped.

    Parameters
    ----------
    header : sequence of str
        Column names (escaped like any cell).
    rows : iterable of sequences
        The rows, in column order.

    Returns
    -------
    str
    """
    # With a "\n" terminator Python 3.11's writer leaves a lone "\r" unquoted, which readers
    # take as a line break; with "\r\n" it quotes both, and the terminator is swapped back.
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    lines = []
    for row in [header, *rows]:
        buf.seek(0)
        buf.truncate()
        writer.writerow([escape_cell(v) for v in row])
        lines.append(buf.getvalue()[:-2] + "\n")
    return "".join(lines)


def frame_to_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` (no index) to ``path`` through :func:`rows_to_csv`; missing values blank.

    Parameters
    ----------
    frame : DataFrame
        The table.
    path : str or Path
        Where to write (UTF-8).
    """
    values = frame.astype(object).where(frame.notna(), "")
    text = rows_to_csv([str(c) for c in frame.columns], values.itertuples(index=False, name=None))
    Path(path).write_text(text, encoding="utf-8", newline="")

"""Reading a CSV file as people's spreadsheets save it: the encoding and delimiter found.

Excel writes UTF-8 with a byte-order mark, or the Windows code page (cp1252, a superset of
Latin-1's printable characters) in many locales, and in locales whose decimal mark is a
comma it separates fields with semicolons. :func:`decode_csv` tries UTF-8 (with or without
BOM) first — text that decodes as UTF-8 practically always is — then cp1252, then Latin-1
(which decodes any byte), and finds the delimiter among comma, semicolon and tab with the
standard library's sniffer on the header and first rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

DELIMITERS = ",;\t"
SNIFF_BYTES = 64_000


@dataclass(frozen=True, slots=True)
class DecodedCsv:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252" or "latin-1"
    delimiter: str


def decode_text(data: bytes) -> tuple[str, str]:
    """``data`` as text and the encoding it was read with."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The field delimiter of a CSV text: comma, semicolon or tab (comma if unclear)."""
    sample = text[:SNIFF_BYTES]
    header = sample.splitlines()[0] if sample else ""
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    # The sniffer can pick a delimiter that appears inside quoted text; the header decides.
    if found and header.count(found) > 0:
        return found
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def decode_csv(data: bytes) -> DecodedCsv:
    text, encoding = decode_text(data)
    return DecodedCsv(text, encoding, sniff_delimiter(text))

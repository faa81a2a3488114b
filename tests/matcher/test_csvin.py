"""CSV files as spreadsheets save them: every encoding and delimiter read back the same."""

from __future__ import annotations

import csv
import io

import pytest

from matcher.csvin import decode_csv

ROWS = [
    ["title", "employer", "description", "hourly_wage"],
    ["Crêpe cook", "Café Noël", "Fold crêpes; serve, smile", "16,50"],
    ["Stock clerk", "Müller & Söhne", 'Shelves "A" to "F"', "17.00"],
]


def _file(encoding: str, delimiter: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(ROWS)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_every_encoding_and_delimiter_reads_back_the_same_rows(encoding: str, delimiter: str) -> None:
    found = decode_csv(_file(encoding, delimiter))
    assert found.delimiter == delimiter
    assert list(csv.reader(io.StringIO(found.text), delimiter=found.delimiter)) == ROWS
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252", "latin-1": "cp1252"}
    assert found.encoding == expected[encoding]  # Latin-1 letters read the same as cp1252


def test_a_single_column_file_is_read_as_comma_separated() -> None:
    assert decode_csv(b"title\nCook\nBaker\n").delimiter == ","


def test_bytes_no_code_page_knows_still_read_as_latin_1() -> None:
    found = decode_csv(b"title\n" + bytes([0x81, 0x8D]) + b"\n")
    assert found.encoding == "latin-1"
    assert found.text.startswith("title\n")


def test_excel_unicode_text_is_read_as_utf_16() -> None:
    found = decode_csv("title\tpay\nCrêpe cook\t16,50\n".encode("utf-16"))
    assert (found.encoding, found.delimiter) == ("utf-16", "\t")
    assert found.text.splitlines()[1] == "Crêpe cook\t16,50"

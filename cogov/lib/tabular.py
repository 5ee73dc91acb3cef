"""Reading the spreadsheets people keep: .xlsx workbooks (first sheet) and CSV files in UTF-8
(with or without BOM), GB18030 (Chinese Excel's "CSV (逗号分隔)") or UTF-16, tab- or
comma-separated. Cells come back as text with their Excel row numbers, so that every import
can name the row and the column of a problem. Used by the roster import (cogov.people) and the
case import (cogov.cases).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cogov.core.errors import ActionError

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class RowError:
    """One problem: the row as Excel numbers it (the header is row 1), the column header as
    written in the file, the value (masked when personal) and the reason in plain words."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class Sheet:
    """Cells as text, with their Excel row numbers."""

    format: str
    encoding: str = ""
    header_row: int = 1
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    numeric: set[tuple[int, int]] = field(
        default_factory=set
    )  # (row, column index) typed as numbers
    errors: list[RowError] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    # Exports guard cells that would read as formulas with a leading apostrophe.
    if text.startswith("'") and text[1:2] in FORMULA_START:
        text = text[1:]
    return text


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding used: UTF-8 (with or without BOM) strictly,
    then GB18030, the encoding of Chinese Excel's "CSV (逗号分隔)"."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        text = data.decode("utf-8-sig")
        return text, "UTF-8 with BOM" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise ActionError(
            _(
                "The file is neither UTF-8 nor GB18030 text; save it again as "
                "“CSV UTF-8” or as an Excel workbook (.xlsx)."
            ),
            field="file",
        ) from exc


def read_csv_rows(data: bytes) -> tuple[list[tuple[int, list[Any]]], str]:
    text, encoding = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader], encoding


def read_xlsx_rows(data: bytes, max_rows: int = MAX_ROWS) -> list[tuple[int, list[Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ActionError(
            _("The workbook could not be read; open it in Excel and save it again as .xlsx."),
            field="file",
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(values)))
            if len(rows) > max_rows + 10:
                break
        return rows
    finally:
        workbook.close()


def read_table(
    data: bytes,
    is_header: Callable[[str], bool],
    *,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> Sheet:
    """Read an .xlsx workbook (first sheet) or a CSV file into a `Sheet`. The header row is
    row 1, or the first of the first five rows with at least two cells `is_header` knows
    (a title often sits above the headers). Empty rows are skipped."""
    if len(data) > max_bytes:
        raise ActionError(
            _("The file is larger than %(mb)d MB; split it into several files.")
            % {"mb": max_bytes // (1024 * 1024)},
            field="file",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ActionError(
            _("This is an old Excel file (.xls); save it as .xlsx or CSV and try again."),
            field="file",
        )
    if data.startswith(b"PK\x03\x04"):
        raw, sheet = read_xlsx_rows(data, max_rows), Sheet("xlsx")
    else:
        raw, encoding = read_csv_rows(data)
        sheet = Sheet("csv", encoding)
    if not raw:
        raise ActionError(_("The file is empty."), field="file")

    header_index = 0
    for index, (_number, values) in enumerate(raw[:5]):
        known = sum(1 for v in values if is_header(cell_text(v)))
        if known >= 2:
            header_index = index
            break
    sheet.header_row = raw[header_index][0]
    sheet.headers = [cell_text(v) for v in raw[header_index][1]]
    for number, values in raw[header_index + 1 :]:
        cells = [cell_text(v) for v in values]
        if not any(cells):
            continue
        for i, v in enumerate(values):
            if isinstance(v, int | float) and not isinstance(v, bool):
                sheet.numeric.add((number, i))
        sheet.rows.append((number, cells))
    if len(sheet.rows) > max_rows:
        raise ActionError(
            _("The file has more than %(max)d rows; split it into several files.")
            % {"max": max_rows},
            field="file",
        )
    return sheet

"""The roster file format shared by import and export: the columns (Chinese headers with
English aliases), tags and genders as written in Excel, and reading .xlsx and CSV files.

See docs/recipes/import-a-roster.md for the user-facing description.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.lib import idnumber
from cogov.lib.masking import mask_id_number, mask_phone

from .models import Gender, Tag

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str  # the English alias
    header: str  # the Chinese header written in templates and exports
    required: bool
    personal: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True),
    Column("id_number", "身份证号", True, True, ("身份证号码", "公民身份号码", "身份证")),
    Column("phone", "手机号", True, True, ("手机号码", "联系电话", "电话", "mobile")),
    Column("gender", "性别", False, aliases=("sex",)),
    Column("birth_date", "出生日期", False, True, ("出生年月日", "date_of_birth", "birthday")),
    Column("building", "楼栋", True, aliases=("楼栋号", "楼号")),
    Column("door", "门牌", True, aliases=("门牌号", "房号", "室号")),
    Column("relation", "与户主关系", True, aliases=("户主关系", "relation_to_head")),
    Column("tags", "标签", True, aliases=("tag",)),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]


def norm(text: str) -> str:
    """Full-width forms to half-width, surrounding space removed."""
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", norm(text).rstrip("*").strip().lower())


_HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _alias in (_c.key, _c.header, *_c.aliases):
        _HEADER_LOOKUP[_header_key(_alias)] = _c.key

# Tags as community workers write them; exports use the Chinese names.
TAG_NAMES_ZH: dict[str, str] = {
    Tag.ELDERLY_ALONE: "独居老人",
    Tag.DISABLED: "残疾人",
    Tag.LOW_INCOME: "低保",
    Tag.VETERAN: "退役军人",
    Tag.LEFT_BEHIND: "留守人员",
    Tag.CHRONIC_ILLNESS: "慢性病",
}
_TAG_ALIASES_ZH = {
    "独居": Tag.ELDERLY_ALONE,
    "残疾": Tag.DISABLED,
    "低保户": Tag.LOW_INCOME,
    "留守": Tag.LEFT_BEHIND,
    "慢性病患者": Tag.CHRONIC_ILLNESS,
}
TAG_ORDER = [t.value for t in Tag]
TAG_SPLIT = re.compile(r"[,，、;；/\s]+")

GENDERS = {
    "男": Gender.MALE,
    "女": Gender.FEMALE,
    "m": Gender.MALE,
    "f": Gender.FEMALE,
    "male": Gender.MALE,
    "female": Gender.FEMALE,
}
GENDER_ZH = {Gender.MALE: "男", Gender.FEMALE: "女"}

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
FORMULA_START = ("=", "+", "-", "@")

# The example row of the downloadable template: never imported by mistake.
EXAMPLE_ID_NUMBER = idnumber.make("110101", dt.date(1980, 5, 17), 123)


@dataclass
class RowError:
    """One problem: the row as Excel numbers it (the header is row 1), the column header as
    written in the file, the value (masked when personal) and the reason in plain words."""

    row: int
    column: str
    value: str
    reason: str


# ---------------------------------------------------------------------------------------------
# Reading files


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


def _cell_text(value: Any) -> str:
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


def _read_csv(data: bytes) -> tuple[list[tuple[int, list[Any]]], str]:
    text, encoding = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader], encoding


def _read_xlsx(data: bytes) -> list[tuple[int, list[Any]]]:
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
            if len(rows) > MAX_ROWS + 10:
                break
        return rows
    finally:
        workbook.close()


def read_sheet(data: bytes) -> Sheet:
    """Read an .xlsx workbook (first sheet) or a CSV file into a `Sheet`; find the header row
    (row 1, or a later row among the first five when a title sits above the headers)."""
    if len(data) > MAX_BYTES:
        raise ActionError(
            _("The file is larger than 20 MB; split it into several files."), field="file"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ActionError(
            _("This is an old Excel file (.xls); save it as .xlsx or CSV and try again."),
            field="file",
        )
    if data.startswith(b"PK\x03\x04"):
        raw, sheet = _read_xlsx(data), Sheet("xlsx")
    else:
        raw, encoding = _read_csv(data)
        sheet = Sheet("csv", encoding)
    if not raw:
        raise ActionError(_("The file is empty."), field="file")

    header_index = 0
    for index, (_number, values) in enumerate(raw[:5]):
        known = sum(1 for v in values if _header_key(_cell_text(v)) in _HEADER_LOOKUP)
        if known >= 2:
            header_index = index
            break
    sheet.header_row = raw[header_index][0]
    sheet.headers = [_cell_text(v) for v in raw[header_index][1]]
    for number, values in raw[header_index + 1 :]:
        cells = [_cell_text(v) for v in values]
        if not any(cells):
            continue
        for i, v in enumerate(values):
            if isinstance(v, int | float) and not isinstance(v, bool):
                sheet.numeric.add((number, i))
        sheet.rows.append((number, cells))
    if len(sheet.rows) > MAX_ROWS:
        raise ActionError(
            _("The file has more than %(max)d rows; split it into several files.")
            % {"max": MAX_ROWS},
            field="file",
        )
    return sheet


def sheet_from_rows(rows: Iterable[Mapping[str, Any]]) -> Sheet:
    """Rows given as dicts keyed by header (Chinese or English); the first row is row 2."""
    sheet = Sheet("rows")
    materialised = list(rows)
    headers: list[str] = []
    for row in materialised:
        headers.extend(k for k in row if k not in headers)
    sheet.headers = headers
    for number, row in enumerate(materialised, start=2):
        sheet.rows.append((number, [_cell_text(row.get(h)) for h in headers]))
    return sheet


def map_headers(sheet: Sheet) -> dict[str, int]:
    """Column key → index. Unknown, repeated and missing columns become errors on the header row."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        if not header:
            continue  # an empty header cell (Excel often keeps trailing empty columns)
        key = _HEADER_LOOKUP.get(_header_key(header))
        if key is None:
            sheet.errors.append(
                RowError(
                    sheet.header_row,
                    header,
                    "",
                    _("unknown column “%(column)s”; the columns are: %(columns)s")
                    % {"column": header, "columns": "、".join(HEADERS)},
                )
            )
        elif key in mapping:
            sheet.errors.append(
                RowError(
                    sheet.header_row,
                    header,
                    "",
                    _("the column “%(column)s” appears twice")
                    % {"column": COLUMN_BY_KEY[key].header},
                )
            )
        else:
            mapping[key] = index
    for column in COLUMNS:
        if column.required and column.key not in mapping:
            sheet.errors.append(
                RowError(
                    sheet.header_row,
                    column.header,
                    "",
                    _("the column “%(column)s” (%(alias)s) is missing")
                    % {"column": column.header, "alias": column.key},
                )
            )
    return mapping


# ---------------------------------------------------------------------------------------------
# Checking values


def mask_value(key: str, value: str) -> str:
    if key == "id_number":
        return mask_id_number(value)
    if key == "phone":
        return mask_phone(value)
    if key == "birth_date":
        return value[:4] + "×" * max(len(value) - 4, 0)
    return value


def normalize_phone(value: str) -> str:
    phone = re.sub(r"[\s()（）]", "", norm(value))
    match = re.match(r"^(?:\+86|0086|86)-?(1\d{10})$", phone)
    return match.group(1) if match else phone


def parse_date(value: str) -> dt.date | None:
    text = norm(value)
    match = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", text) or re.match(
        r"^(\d{4})(\d{2})(\d{2})$", text
    )
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def tag_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for tag in Tag:
        for name in (tag.value, str(tag.label), TAG_NAMES_ZH[tag]):
            lookup[norm(name).casefold()] = tag.value
    for name, tag in _TAG_ALIASES_ZH.items():
        lookup[name] = tag.value
    return lookup

"""The roster file format shared by import and export: the columns (Chinese headers with
English aliases), tags and genders as written in Excel, and reading .xlsx and CSV files.

See docs/recipes/import-a-roster.md for the user-facing description.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cogov.lib import idnumber
from cogov.lib.masking import mask_id_number, mask_phone
from cogov.lib.tabular import (  # noqa: F401  (re-exported for the roster import and its tests)
    FORMULA_START,
    RowError,
    Sheet,
    cell_text,
    decode_text,
    read_table,
)

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

# The example row of the downloadable template: never imported by mistake.
EXAMPLE_ID_NUMBER = idnumber.make("110101", dt.date(1980, 5, 17), 123)


def read_sheet(data: bytes) -> Sheet:
    """Read an .xlsx workbook (first sheet) or a CSV file into a `Sheet`; find the header row
    (row 1, or a later row among the first five when a title sits above the headers)."""
    return read_table(
        data,
        lambda text: _header_key(text) in _HEADER_LOOKUP,
        max_rows=MAX_ROWS,
        max_bytes=MAX_BYTES,
    )


def sheet_from_rows(rows: Iterable[Mapping[str, Any]]) -> Sheet:
    """Rows given as dicts keyed by header (Chinese or English); the first row is row 2."""
    sheet = Sheet("rows")
    materialised = list(rows)
    headers: list[str] = []
    for row in materialised:
        headers.extend(k for k in row if k not in headers)
    sheet.headers = headers
    for number, row in enumerate(materialised, start=2):
        sheet.rows.append((number, [cell_text(row.get(h)) for h in headers]))
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

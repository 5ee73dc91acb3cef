"""Batch import of cases (历史工单导入) from an .xlsx workbook or a CSV file (UTF-8 or GB18030).

`import_cases(actor=..., data=..., dry_run=...)` reads the file (cogov.lib.tabular), checks
every row and column, and only when no row has an error opens every case through
`actions.report_case` (channel "import") in one transaction: all rows or none. The columns are
listed in docs/cases/ui.md. Phone numbers are masked in every error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.lib.masking import mask_phone
from cogov.lib.tabular import RowError, Sheet, read_table
from cogov.territory.models import Building

from . import actions
from .models import Category, Channel, Urgency, WorkType


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header written in templates
    required: bool
    aliases: tuple[str, ...] = ()
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "category", "问题分类", True, ("分类", "类别", "分类编码"), "code (0101) or name (暴露垃圾)"
    ),
    Column("description", "问题描述", True, ("描述", "主要内容", "内容"), "text"),
    Column("work_type", "工单类型", False, ("类型", "type"), "诉求/投诉/咨询/求助/建议"),
    Column("urgency", "紧急程度", False, ("紧急", "urgency"), "一般/复杂/紧急/水电气热"),
    Column("lon", "经度", False, ("longitude", "lng"), "e.g. 116.4074"),
    Column("lat", "纬度", False, ("latitude",), "e.g. 39.9042"),
    Column("building", "楼栋", False, ("楼栋编码", "楼号"), "building code or name"),
    Column("address", "地址", False, ("小区点位", "详细地址"), "text"),
    Column("caller_name", "来电人", False, ("诉求人", "caller"), "text"),
    Column("caller_phone", "电话", False, ("联系电话", "手机号", "phone"), "digits"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

WORK_TYPES = {
    "诉求": WorkType.REQUEST,
    "投诉": WorkType.COMPLAINT,
    "咨询": WorkType.CONSULTATION,
    "求助": WorkType.HELP,
    "建议": WorkType.SUGGESTION,
    **{v: v for v in WorkType.values},
}
URGENCIES = {
    "一般": Urgency.GENERAL,
    "复杂": Urgency.COMPLEX,
    "紧急": Urgency.LIFE_SAFETY,
    "水电气热": Urgency.BASIC_UTILITY,
    **{v: v for v in Urgency.values},
}


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", _norm(text).rstrip("*").strip().lower())


_HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _alias in (_c.key, _c.header, *_c.aliases):
        _HEADER_LOOKUP[_header_key(_alias)] = _c.key


@dataclass
class ImportResult:
    format: str = ""
    encoding: str = ""
    rows: int = 0
    created: int = 0
    numbers: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    row: int
    values: dict[str, Any]


def _map_headers(sheet: Sheet) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        if not header:
            continue
        key = _HEADER_LOOKUP.get(_header_key(header))
        if key is None:
            sheet.errors.append(
                RowError(
                    sheet.header_row,
                    header,
                    "",
                    _("unknown column “%(column)s”; the columns are: %(columns)s")
                    % {"column": header, "columns": "、".join(c.header for c in COLUMNS)},
                )
            )
        elif key in mapping:
            sheet.errors.append(
                RowError(sheet.header_row, header, "", _("this column appears twice"))
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
                    _("the column “%(column)s” is missing") % {"column": column.header},
                )
            )
    return mapping


def _check_rows(sheet: Sheet, mapping: dict[str, int]) -> list[_Row]:
    from cogov.territory.lookup import locate

    categories = list(Category.objects.filter(active=True))
    by_code = {c.code: c for c in categories}
    by_name = {_norm(c.name): c for c in categories}
    buildings_needed = set()
    if "building" in mapping:
        buildings_needed = {
            _norm(cells[mapping["building"]])
            for _n, cells in sheet.rows
            if mapping["building"] < len(cells) and cells[mapping["building"]].strip()
        }
    buildings: dict[str, Building] = {}
    if buildings_needed:
        for b in Building.objects.filter(code__in=buildings_needed).select_related("grid"):
            buildings[_norm(b.code)] = b
        for b in Building.objects.filter(name__in=buildings_needed).select_related("grid"):
            buildings.setdefault(_norm(b.name), b)

    checked: list[_Row] = []
    for number, cells in sheet.rows:

        def get(key: str, cells: list[str] = cells) -> str:
            index = mapping.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def error(key: str, value: str, reason: str, number: int = number) -> None:
            index = mapping.get(key)
            header = sheet.headers[index] if index is not None else COLUMN_BY_KEY[key].header
            shown = mask_phone(value) if key == "caller_phone" else value
            sheet.errors.append(RowError(number, header, shown, reason))

        before = len(sheet.errors)
        values: dict[str, Any] = {}
        text = _norm(get("category"))
        category = by_code.get(text) or by_name.get(text)
        if not text:
            error("category", text, _("the category is empty"))
        elif category is None:
            error("category", text, _("no active category has this code or name"))
        values["category"] = category

        description = get("description")
        if not description:
            error("description", description, _("the description is empty"))
        values["description"] = description

        work_type = _norm(get("work_type"))
        if work_type and work_type not in WORK_TYPES:
            error("work_type", work_type, _("write 诉求, 投诉, 咨询, 求助 or 建议"))
        values["work_type"] = WORK_TYPES.get(work_type, WorkType.REQUEST)

        urgency = _norm(get("urgency"))
        if urgency and urgency not in URGENCIES:
            error("urgency", urgency, _("write 一般, 复杂, 紧急 or 水电气热"))
        values["urgency"] = URGENCIES.get(urgency) if urgency else None

        lon_text, lat_text = _norm(get("lon")), _norm(get("lat"))
        lon = lat = None
        for key, raw in (("lon", lon_text), ("lat", lat_text)):
            if raw:
                try:
                    value = float(raw)
                except ValueError:
                    error(key, raw, _("not a number"))
                    continue
                if key == "lon":
                    lon = value
                else:
                    lat = value
        if (lon_text == "") != (lat_text == ""):
            error("lat" if lat_text == "" else "lon", "", _("give both longitude and latitude"))

        building_text = _norm(get("building"))
        building = buildings.get(building_text) if building_text else None
        if building_text and building is None:
            error("building", building_text, _("no building has this code or name"))
        values["building"] = building

        if lon is not None and lat is not None:
            if locate(lon, lat).grid is None:
                error("lon", f"{lon}, {lat}", _("this point lies in no grid of the platform"))
        elif building is None and not building_text and not (lon_text or lat_text):
            error("lon", "", _("give longitude and latitude, or a building"))
        values["lon"], values["lat"] = lon, lat

        phone = re.sub(r"[\s()（）]", "", _norm(get("caller_phone")))
        if phone and not re.fullmatch(r"\+?[\d-]{7,20}", phone):
            error("caller_phone", phone, _("not a phone number"))
        values["caller_phone"] = phone
        values["caller_name"] = get("caller_name")[:50]
        values["address"] = get("address")[:200]
        if len(sheet.errors) == before:
            checked.append(_Row(number, values))
    return checked


def import_cases(*, actor: Any, data: bytes, dry_run: bool = True) -> ImportResult:
    """Check a file of cases and, unless `dry_run` or any row has an error, open them all."""
    from cogov.accounts.scopes import reach
    from cogov.core.errors import NotAllowed

    if not reach(actor).everything:
        raise NotAllowed("imports are for administrators")
    sheet = read_table(data, lambda text: _header_key(text) in _HEADER_LOOKUP)
    result = ImportResult(format=sheet.format, encoding=sheet.encoding, dry_run=dry_run)
    mapping = _map_headers(sheet)
    result.rows = len(sheet.rows)
    if sheet.errors:
        result.errors = sheet.errors
        return result
    checked = _check_rows(sheet, mapping)
    result.errors = sheet.errors
    if result.errors or dry_run:
        return result
    current = 0
    try:
        with transaction.atomic():
            for row in checked:
                current = row.row
                case = actions.report_case(actor=actor, channel=Channel.IMPORT, **row.values)
                result.numbers.append(case.number)
    except ActionError as exc:
        column = COLUMN_BY_KEY.get(exc.field or "")
        result.errors = [RowError(current, column.header if column else "", "", str(exc.message))]
        result.numbers = []
        return result
    result.created = len(result.numbers)
    result.written = True
    return result

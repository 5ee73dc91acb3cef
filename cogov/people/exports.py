"""Resident roster export (xlsx and CSV UTF-8 with BOM) and the blank template to fill in.

Exports have the import's columns, so an export with clear values imports back with no
changes. Identity and phone numbers are masked unless the user asks for clear values and holds
`people.reveal_pii` for the resident; every export with clear values writes an AuditLog row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cogov.core.audit import record
from cogov.core.errors import ActionError
from cogov.territory.models import Level, Node

from .models import Gender, Person
from .roster_format import (
    COLUMNS,
    EXAMPLE_ID_NUMBER,
    FORMULA_START,
    GENDER_ZH,
    HEADERS,
    TAG_NAMES_ZH,
    TAG_ORDER,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_TEXT_COLUMNS = {"id_number", "phone", "door", "building"}
_ID_COLUMNS = {"id_number", "phone"}
_WIDTHS = {
    "name": 12,
    "id_number": 22,
    "phone": 15,
    "gender": 6,
    "birth_date": 12,
    "building": 16,
    "door": 10,
    "relation": 12,
    "tags": 20,
}


@dataclass
class Export:
    content: bytes
    filename: str
    content_type: str
    rows: int
    revealed: int


def residents(actor: Any, community: Node) -> Any:
    """The residents of `community` the actor may see, in roster order."""
    return (
        Person.objects.visible_to(actor)
        .within(community)
        .for_list()
        .order_by("household__building__code", "household__door", "pk")
    )


def roster_rows(
    *, actor: Any, community: Node, clear: bool = False
) -> Iterator[tuple[list[Any], bool]]:
    """Each resident as a row of the import's columns, and whether its personal values are clear."""
    for person in residents(actor, community).iterator(chunk_size=2000):
        reveal = clear and actor.has_perm("people.reveal_pii", person)
        household = person.household
        birth: Any = person.birth_date
        if birth is not None and not reveal:
            birth = f"{birth:%Y}-××-××"
        yield (
            [
                person.name,
                (person.id_number or "") if reveal else person.masked_id_number,
                person.phone if reveal else person.masked_phone,
                GENDER_ZH.get(Gender(person.gender), "") if person.gender else "",
                birth,
                household.building.code if household else "",
                household.door if household else "",
                person.relation,
                ",".join(TAG_NAMES_ZH.get(t, t) for t in sorted(person.tags, key=_tag_key)),
            ],
            reveal,
        )


def _tag_key(tag: str) -> int:
    return TAG_ORDER.index(tag) if tag in TAG_ORDER else len(TAG_ORDER)


def export_roster(*, actor: Any, community: Node, fmt: str, clear: bool = False) -> Export:
    """The roster of `community` as "xlsx" or "csv" (UTF-8 with BOM)."""
    if community.level != Level.COMMUNITY:
        raise ActionError(_("Rosters are exported per community."), field="community")
    if fmt not in ("xlsx", "csv"):
        raise ActionError(_("Choose xlsx or csv."), field="format")
    rows: list[list[Any]] = []
    revealed = 0
    for row, reveal in roster_rows(actor=actor, community=community, clear=clear):
        rows.append(row)
        revealed += reveal
    content = _xlsx(rows) if fmt == "xlsx" else _csv(rows)
    if revealed:
        record(actor, "roster.export", community, format=fmt, rows=len(rows), revealed=revealed)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return Export(
        content=content,
        filename=f"居民花名册-{community.name}-{stamp}.{fmt}",
        content_type=XLSX_TYPE if fmt == "xlsx" else CSV_TYPE,
        rows=len(rows),
        revealed=revealed,
    )


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    # A cell that a spreadsheet would run as a formula is written as text.
    return "'" + text if text.startswith(FORMULA_START) else text


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Residents"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column.key]
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [
                _xlsx_cell(sheet, column.key, value)
                for column, value in zip(COLUMNS, row, strict=True)
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, key: str, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    formula_like = isinstance(value, str) and value.startswith("=")
    is_date = isinstance(value, dt.date)
    if not (formula_like or is_date or key in _ID_COLUMNS):
        return value  # a plain cell costs a third of a styled one
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"  # text, never a formula
    if key in _ID_COLUMNS:
        cell.number_format = "@"  # kept as text when edited, so Excel keeps all 18 digits
    elif is_date:
        cell.number_format = "yyyy-mm-dd"
    return cell


def template_workbook() -> bytes:
    """A blank roster: the headers, one example row (which the import refuses, so it cannot be
    imported by mistake) and a sheet explaining the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Residents")
    sheet.append(HEADERS)
    sheet.append(
        [
            "张三",
            EXAMPLE_ID_NUMBER,
            "13912345678",
            "男",
            dt.date(1980, 5, 17),
            "1号楼",
            "2-502",
            "户主",
            "独居老人",
        ]
    )
    example_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS[column.key]
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True, color="C00000" if column.required else "000000")
        sheet.cell(row=2, column=index).fill = example_fill
        if column.key in _TEXT_COLUMNS:
            # Typed as text, so Excel keeps all 18 digits of identity numbers.
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
        elif column.key == "birth_date":
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
    gender_column = get_column_letter([c.key for c in COLUMNS].index("gender") + 1)
    genders = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    sheet.add_data_validation(genders)
    genders.add(f"{gender_column}2:{gender_column}5000")
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet(_("How to fill in"))
    help_sheet.append([_("Column"), _("Also accepted"), _("Required"), _("What to write")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_sheet.append(
            [
                column.header,
                ", ".join((column.key, *column.aliases)),
                _("yes") if column.required else _("no"),
                str(_COLUMN_HELP[column.key]),
            ]
        )
    help_sheet.append([])
    help_sheet.append([_("The yellow row is an example: replace it with real residents.")])
    help_sheet.append([_("Known tags:") + " " + "、".join(TAG_NAMES_ZH.values())])
    for letter, width in zip("ABCD", (14, 36, 8, 80), strict=True):
        help_sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# What to write in each column (the template's help sheet).
_COLUMN_HELP = {
    "name": _lazy("The resident's name."),
    "id_number": _lazy(
        "18-character resident identity number; it identifies the resident: "
        "a number already in this community updates that resident."
    ),
    "phone": _lazy("11-digit mobile number or landline with area code; may be empty."),
    "gender": _lazy("男 or 女; optional, must agree with the identity number."),
    "birth_date": _lazy("e.g. 1980-05-17; optional, must agree with the identity number."),
    "building": _lazy("Building code or name, as listed for this community."),
    "door": _lazy("Unit and room, e.g. 2-502; a new door creates the household."),
    "relation": _lazy("Relation to the head of household, e.g. 户主, 配偶, 子女; may be empty."),
    "tags": _lazy("Known tags separated by commas; may be empty."),
}

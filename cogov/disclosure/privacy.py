"""Personal data in notices: detection for the secrecy check, and the minimised table.

`scan(notice)` finds resident identity numbers (18 characters with a valid check digit,
cogov.lib.idnumber) and mainland mobile numbers (11 digits starting 13–19, spaces or hyphens
allowed) in the title, the text and every cell of the attached table. A finding names where it
is and shows the number masked (cogov.lib.masking): the raw number is never stored or shown.

`minimise(columns, rows, item)` keeps only the columns the catalogue item publishes and masks
the name column (张××), as the 低保 rule asks (name and amount only).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogov.core.errors import ActionError
from cogov.lib import idnumber
from cogov.lib.masking import mask_id_number, mask_name, mask_phone

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")


def find_in_text(text: str, where: str) -> list[dict[str, str]]:
    findings: list[dict[str, str]] = []
    for lineno, line in enumerate(text.splitlines() or [text], start=1):
        here = _("%(where)s, line %(n)s") % {"where": where, "n": lineno} if "\n" in text else where
        for match in _ID.finditer(line):
            if idnumber.validate(match.group(1)) is None:
                findings.append(
                    {"kind": "id_number", "where": here, "masked": mask_id_number(match.group(1))}
                )
        for match in _MOBILE.finditer(line):
            number = "".join(match.groups())
            findings.append({"kind": "mobile", "where": here, "masked": mask_phone(number)})
    return findings


def scan(title: str, body: str, table: dict[str, Any] | None) -> list[dict[str, str]]:
    """Every identity or mobile number in the notice, located and masked."""
    findings = find_in_text(title, pgettext("notice field", "title")) + find_in_text(
        body, pgettext("notice field", "text")
    )
    if table:
        columns = table.get("columns", [])
        for r, row in enumerate(table.get("rows", []), start=1):
            for c, cell in enumerate(row):
                column = columns[c] if c < len(columns) else str(c + 1)
                where = _("table row %(r)s, column %(c)s") % {"r": r, "c": column}
                findings += find_in_text(str(cell), where)
    return findings


def describe(findings: list[dict[str, str]]) -> str:
    labels = {"id_number": _("identity number"), "mobile": _("mobile number")}
    return "; ".join(
        _("%(kind)s %(masked)s in %(where)s")
        % {"kind": labels[f["kind"]], "masked": f["masked"], "where": f["where"]}
        for f in findings
    )


def minimise(
    columns: list[str], rows: list[list[Any]], *, public_columns: list[str], name_column: str
) -> tuple[list[str], list[list[str]]]:
    """Validate a table and reduce it to what may be published: the public columns only (when
    the item lists them) with the name column masked. Errors name the row and column."""
    columns = [str(c).strip() for c in columns]
    if not columns or any(not c for c in columns):
        raise ActionError(_("every column needs a heading"), field="columns")
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise ActionError(
            _("column %(column)s appears twice") % {"column": duplicates[0]}, field="columns"
        )
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise ActionError(
                _("row %(n)s: %(cells)s cells, but the table has %(columns)s columns")
                % {"n": number, "cells": len(row), "columns": len(columns)},
                field="rows",
            )
    keep = list(range(len(columns)))
    if public_columns:
        missing = [c for c in public_columns if c not in columns]
        if missing:
            raise ActionError(
                _("column %(column)s is missing; this list publishes %(columns)s")
                % {"column": missing[0], "columns": "、".join(public_columns)},
                field="columns",
            )
        keep = [columns.index(c) for c in public_columns]
    name_index = columns.index(name_column) if name_column in columns else None
    out_rows: list[list[str]] = []
    for row in rows:
        cells = []
        for i in keep:
            value = "" if row[i] is None else str(row[i]).strip()
            cells.append(mask_name(value) if i == name_index else value)
        out_rows.append(cells)
    return [columns[i] for i in keep], out_rows


def mask_text(text: str) -> str:
    """Mask every valid identity number in `text` (the public board's last line of defence:
    the review already refuses them)."""

    def repl(match: re.Match[str]) -> str:
        value = match.group(1)
        return mask_id_number(value) if idnumber.validate(value) is None else value

    return _ID.sub(repl, text)


# A payee is an organisation when its name says so (公司, 合作社, 居委会, …); any other payee is
# taken for a person and published masked (张××). Masking an unusual organisation name is
# harmless; publishing a resident's full name is not.
ORGANISATION_MARKS = (
    "公司", "有限", "集团", "中心", "委员会", "居委会", "村委会", "协会", "商会", "联合会",
    "基金会", "合作社", "服务社", "社区", "街道", "办事处", "政府", "医院", "卫生院", "学校",
    "小学", "中学", "大学", "学院", "幼儿园", "银行", "超市", "商店", "商行", "门市", "店",
    "厂", "站", "馆", "局", "队", "服务部", "经营部", "工作室", "事务所", "研究所", "派出所",
    "物业", "党支部", "党委", "个体工商户", "工作组",
)  # fmt: skip


def is_organisation(name: str) -> bool:
    name = name.strip()
    return any(mark in name for mark in ORGANISATION_MARKS) or (
        name.isascii() and any(w in name.lower() for w in ("co.", "ltd", "inc", "company"))
    )


def mask_payee(name: str) -> str:
    """The payee as it may be published: an organisation in full, a person masked (张××)."""
    name = (name or "").strip()
    if not name or is_organisation(name):
        return name
    return mask_name(name)

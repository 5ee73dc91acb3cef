"""Exports of the case queue and of the monthly ranking: xlsx (openpyxl, write-only) and CSV in
UTF-8 with BOM (Excel opens it with the right characters). Cells that would read as formulas
get a leading apostrophe; callers' phones are masked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from cogov.lib.tabular import FORMULA_START

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
MAX_EXPORT_ROWS = 100_000


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _safe(str(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Sheet") -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def respond(
    fmt: str, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        body, content_type, ext = to_xlsx(headers, rows, name), XLSX_TYPE, "xlsx"
    else:
        body, content_type, ext = to_csv(headers, rows), CSV_TYPE, "csv"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-{stamp}.{ext}")
    return response


def case_rows(cases: Iterable[Any]) -> Iterable[list[Any]]:
    """A queue's cases as export rows (QUEUE_HEADERS)."""
    for c in cases:
        yield [
            c.number,
            c.get_status_display(),
            c.get_work_type_display(),
            c.get_channel_display(),
            c.category.code,
            c.category.name,
            c.get_urgency_display(),
            c.street.name if c.street else "",
            c.community.name if c.community else "",
            c.grid.name if c.grid else "",
            c.lead_organization.name if c.lead_organization else "",
            timezone.localtime(c.reported_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(c.reply_due_at).strftime("%Y-%m-%d %H:%M") if c.reply_due_at else "",
            "是" if c.overdue else "",
            c.description,
        ]


QUEUE_HEADERS = (
    "工单编号",
    "状态",
    "工单类型",
    "来源",
    "分类编码",
    "问题分类",
    "紧急程度",
    "街道",
    "社区",
    "网格",
    "主办单位",
    "上报时间",
    "答复期限",
    "超期",
    "问题描述",
)

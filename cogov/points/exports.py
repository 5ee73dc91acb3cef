"""The attendance sheet of an activity as xlsx or CSV (UTF-8 with BOM). Identity numbers are
masked; cells that would read as formulas get a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from cogov.lib.tabular import FORMULA_START

from .models import Activity

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _safe(str(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("attendance")
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def attendance(activity: Activity, fmt: str) -> HttpResponse:
    headers = [
        _("Name"),
        _("Identity number"),
        _("Status"),
        _("Checked in"),
        _("Checked out"),
        _("Hours"),
        _("Confirmed by staff"),
    ]
    signups = activity.signups.select_related("person").order_by("created_at", "pk")
    rows = [
        [
            s.person.name,
            s.person.masked_id_number,
            s.get_status_display(),
            _time(s.checked_in_at),
            _time(s.checked_out_at),
            float(s.hours) if fmt == "xlsx" else str(s.hours),
            _("yes") if s.confirmed_by_id else "",
        ]
        for s in signups
    ]
    if fmt == "xlsx":
        body, content_type, ext = to_xlsx(headers, rows), XLSX_TYPE, "xlsx"
    else:
        body, content_type, ext = to_csv(headers, rows), "text/csv; charset=utf-8", "csv"
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localdate(activity.starts_at).strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition_header(
        True, f"attendance-{stamp}-{activity.uuid.hex[:8]}.{ext}"
    )
    return response

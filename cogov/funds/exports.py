"""The audit export: the journal of a fund or of a community's funds for a period as xlsx or CSV
(UTF-8 with BOM), one row per entry with its debits and credits by account and the running
balances of its fund after it. Cells that would read as formulas get a leading apostrophe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogov.lib.tabular import FORMULA_START

from .ledger import q
from .models import Fund
from .selectors import RUNNING, journal_rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MOVES = ("source", "available", "committed", "spent", "returned", "carried_out")


def headers() -> list[str]:
    return [
        _("Fund"),
        _("Year"),
        _("No."),
        _("Date"),
        _("Kind"),
        pgettext("funds", "Amount"),
        _("Budget line"),
        _("Payee"),
        _("Voucher no."),
        _("Memo"),
        _("Reverses no."),
        _("Source (credit)"),
        _("Available (change)"),
        _("Committed (change)"),
        _("Spent (change)"),
        _("Returned (change)"),
        _("Carried out (change)"),
        _("Allocated after"),
        _("Available after"),
        _("Committed after"),
        _("Spent after"),
        _("Returned after"),
        _("Carried out after"),
        _("Entry id"),
    ]


def rows(
    funds: list[Fund], start: dt.date | None = None, end: dt.date | None = None
) -> Iterator[list[Any]]:
    for row in journal_rows(funds, start=start, end=end):
        e = row.entry
        moves = [q(-row.moves.get("source", Decimal(0)))] + [
            q(row.moves.get(k, Decimal(0))) for k in MOVES[1:]
        ]
        yield [
            e.fund.name,
            e.fund.year,
            e.seq,
            e.occurred_on.isoformat(),
            e.get_kind_display(),
            q(e.amount),
            e.budget.title if e.budget_id and e.budget else "",
            e.payee,
            e.voucher_no,
            e.memo,
            e.reverses.seq if e.reverses_id and e.reverses else "",
            *moves,
            *[q(row.after[k]) for k in RUNNING],
            str(e.uuid),
        ]


def _safe(value: Any) -> str:
    """Text that would read as a formula gets an apostrophe; numbers (also negative) do not."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    return "" if value is None else str(value)


def to_csv(head: Sequence[str], body: Iterator[list[Any]]) -> bytes:
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(head)
    for values in body:
        writer.writerow([_safe(v) for v in values])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(head: Sequence[str], body: Iterator[list[Any]], title: str) -> bytes:
    import io

    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(head))
    for values in body:
        cells = []
        for v in values:
            if isinstance(v, Decimal):
                cell = WriteOnlyCell(sheet, value=v)
                cell.number_format = "#,##0.00"
            elif isinstance(v, str) and v.startswith(FORMULA_START):
                cell = WriteOnlyCell(sheet, value="'" + v)
            else:
                cell = WriteOnlyCell(sheet, value=v)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def journal(
    funds: list[Fund],
    fmt: str,
    *,
    name: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> HttpResponse:
    if fmt == "xlsx":
        body, content_type = to_xlsx(headers(), rows(funds, start, end), "journal"), XLSX_TYPE
    else:
        body, content_type = to_csv(headers(), rows(funds, start, end)), "text/csv; charset=utf-8"
        fmt = "csv"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response

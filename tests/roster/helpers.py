"""Roster files for the tests: rows → CSV bytes (any encoding) or .xlsx bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl

from cogov.lib import idnumber

HEADERS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "楼栋", "门牌", "与户主关系", "标签"]


def new_id(n: int, year: int = 1990) -> str:
    """A valid identity number, different for every n (and from the world's residents)."""
    born = dt.date(year, 3, 1) + dt.timedelta(days=n // 500)
    return idnumber.make("440111", born, 500 + n % 500)


def row(
    n: int, *, building: str = "B-G11", door: str = "3-301", name: str | None = None, **over: Any
) -> dict[str, Any]:
    number = over.pop("id_number", new_id(n))
    values = {
        "姓名": name or f"新居民{n:02d}",
        "身份证号": number,
        "手机号": f"138{n:08d}",
        "性别": "",
        "出生日期": "",
        "楼栋": building,
        "门牌": door,
        "与户主关系": "户主" if n % 2 else "配偶",
        "标签": "",
    }
    if idnumber.validate(number) is None:
        values["性别"] = "男" if idnumber.gender(number) == "M" else "女"
        values["出生日期"] = idnumber.birth_date(number).isoformat()
    values.update(over)
    return values


def to_csv(
    rows: list[dict[str, Any]], encoding: str = "utf-8-sig", headers: list[str] | None = None
) -> bytes:
    headers = headers or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def to_xlsx(
    rows: list[dict[str, Any]], headers: list[str] | None = None, title: str | None = None
) -> bytes:
    headers = headers or list(rows[0])
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> list[list[Any]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]

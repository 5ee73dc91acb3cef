"""Roster export (masked by default, clear and audited for roles that may reveal), the template,
and the round trip export → import."""

from __future__ import annotations

import pytest

from cogov.core.models import AuditLog
from cogov.people.exports import export_roster, template_workbook
from cogov.people.imports import import_roster
from cogov.people.models import Person

from .helpers import HEADERS, read_xlsx, row, to_xlsx


def _c1_people(world) -> list[Person]:
    return list(Person.objects.within(world.C1))


def test_masked_export_shows_no_clear_numbers_and_is_not_logged(world):
    export = export_roster(actor=world.community_worker, community=world.C1, fmt="csv")
    text = export.content.decode("utf-8-sig")
    assert export.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    assert text.splitlines()[0] == ",".join(HEADERS)
    assert export.rows == 8 and export.revealed == 0
    for person in _c1_people(world):
        assert person.name in text
        assert person.id_number not in text and person.phone not in text
        assert person.masked_id_number in text
    assert not AuditLog.objects.filter(action="roster.export").exists()


def test_clear_export_needs_reveal_and_is_logged(world):
    export = export_roster(actor=world.community_worker, community=world.C1, fmt="xlsx", clear=True)
    rows = read_xlsx(export.content)
    assert rows[0] == HEADERS
    ids = {r[1] for r in rows[1:]}
    assert ids == {p.id_number for p in _c1_people(world)}
    log = AuditLog.objects.get(action="roster.export")
    assert log.actor == world.community_worker and log.detail["revealed"] == 8


def test_export_lists_only_residents_the_user_sees(world):
    export = export_roster(actor=world.grid_worker, community=world.C1, fmt="xlsx")
    names = {r[0] for r in read_xlsx(export.content)[1:]}
    assert names == set(Person.objects.filter(grid=world.G11).values_list("name", flat=True))
    export = export_roster(actor=world.community_worker_c2, community=world.C1, fmt="csv")
    assert export.rows == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_export_then_import_changes_nothing(world, fmt):
    rows = [
        row(1, 标签="独居老人,慢性病", 与户主关系="户主"),
        row(2, 手机号="020-12345678", door="3-301"),
        row(3, 手机号="", building="B-G12", door="1-101", 与户主关系=""),
    ]
    assert import_roster(
        actor=world.community_worker, community=world.C1, file=to_xlsx(rows)
    ).written
    # The world's residents were created without gender; a first import of an export fills it in.
    first = export_roster(actor=world.community_worker, community=world.C1, fmt=fmt, clear=True)
    report = import_roster(actor=world.community_worker, community=world.C1, file=first.content)
    assert report.ok, report.errors
    assert report.created == 0

    before = list(Person.objects.order_by("pk").values())
    export = export_roster(actor=world.community_worker, community=world.C1, fmt=fmt, clear=True)
    report = import_roster(actor=world.community_worker, community=world.C1, file=export.content)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.households_created) == (0, 0, 0)
    assert report.unchanged == 11
    after = list(Person.objects.order_by("pk").values())
    strip = [{k: v for k, v in p.items() if k != "updated_at"} for p in before]
    assert strip == [{k: v for k, v in p.items() if k != "updated_at"} for p in after]


def test_masked_export_cannot_be_reimported_by_mistake(world):
    export = export_roster(actor=world.community_worker, community=world.C1, fmt="csv")
    report = import_roster(actor=world.community_worker, community=world.C1, file=export.content)
    assert not report.written
    assert report.errors and all(
        e.column in ("身份证号", "手机号", "出生日期") for e in report.errors
    )
    assert any("masked" in e.reason for e in report.errors)


def test_formula_like_values_are_exported_as_text(world):
    person = world.people["G11-1-101-户主"]
    person.name = "=HYPERLINK(1)"
    person.save()
    text = export_roster(
        actor=world.community_worker, community=world.C1, fmt="csv"
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    xlsx = read_xlsx(
        export_roster(actor=world.community_worker, community=world.C1, fmt="xlsx").content
    )
    assert "=HYPERLINK(1)" in {r[0] for r in xlsx}


def test_template_has_headers_and_an_example_that_cannot_be_imported(world):
    data = template_workbook()
    rows = read_xlsx(data)
    assert rows[0] == HEADERS
    assert rows[1][0] == "张三"
    report = import_roster(actor=world.community_worker, community=world.C1, file=data)
    assert [(e.row, e.column) for e in report.errors if "example" in e.reason] == [(2, "身份证号")]


def test_export_costs_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            export_roster(actor=world.community_worker, community=world.C1, fmt="xlsx", clear=True)
        return len(ctx.captured_queries)

    count()  # warm the per-process caches
    small = count()
    rows = [row(i, door=f"5-{i}") for i in range(1, 41)]
    assert import_roster(
        actor=world.community_worker, community=world.C1, file=to_xlsx(rows)
    ).written
    assert count() == small

"""The roster import action: parsing, validation, all-or-nothing writes, permissions, cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.core.errors import NotAllowed
from cogov.core.models import AuditLog
from cogov.lib.masking import mask_id_number
from cogov.people.imports import import_roster
from cogov.people.models import Person
from cogov.people.roster_format import EXAMPLE_ID_NUMBER
from cogov.territory.models import Household

from .helpers import new_id, row, to_csv, to_xlsx


def _snapshot() -> tuple[list[tuple], int, int]:
    people = list(
        Person.objects.order_by("pk").values_list(
            "pk", "name", "id_number", "phone", "household_id", "grid_id", "relation", "tags"
        )
    )
    return (
        people,
        Household.objects.count(),
        AuditLog.objects.filter(action="roster.import").count(),
    )


def test_one_bad_row_writes_nothing_and_says_where_and_why(world):
    good, bad_id = row(1), new_id(2)
    bad = row(2, id_number=bad_id[:-1] + ("0" if bad_id[-1] != "0" else "1"))
    before = _snapshot()
    report = import_roster(
        actor=world.community_worker,
        community=world.C1,
        file=to_xlsx([good, bad, row(3)]),
    )
    assert not report.ok and not report.written
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error.row == 3  # header is row 1, the bad row is the second data row
    assert error.column == "身份证号"
    assert "check digit" in error.reason
    assert error.value == mask_id_number(bad["身份证号"])  # masked, never the clear number
    assert _snapshot() == before


def test_xlsx_creates_residents_households_grid_and_search_text(world):
    rows = [
        row(1, door="3-301", 标签="独居老人,低保"),
        row(2, door="3-301"),
        row(3, building="幸福二网格1号楼", door="1-101"),
    ]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_xlsx(rows))
    assert report.ok and report.written, report.errors
    assert (report.format, report.created, report.updated, report.households_created) == (
        "xlsx",
        3,
        0,
        1,
    )
    p1 = Person.objects.get(id_number=rows[0]["身份证号"])
    assert p1.household.door == "3-301" and p1.household.building.code == "B-G11"
    assert p1.grid == world.G11
    assert p1.tags == ["elderly_alone", "low_income"]
    assert p1.gender in ("M", "F") and p1.birth_date is not None
    assert "新居民01".lower() in p1.search_text
    p3 = Person.objects.get(id_number=rows[2]["身份证号"])
    assert p3.household == world.households["G12-1-101"] and p3.grid == world.G12
    assert Person.objects.filter(id_number=rows[1]["身份证号"], household=p1.household).exists()
    log = AuditLog.objects.get(action="roster.import")
    assert log.actor == world.community_worker
    assert log.detail["created"] == 3 and log.detail["households_created"] == 1
    assert rows[0]["身份证号"] not in str(log.detail)


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("gb18030", "GB18030"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-8", "UTF-8")],
)
def test_csv_encodings(world, encoding, label):
    rows = [row(1, name="欧阳娜娜", 标签="退役军人"), row(2, name="张三丰")]
    report = import_roster(
        actor=world.community_worker, community=world.C1, file=to_csv(rows, encoding)
    )
    assert report.ok, report.errors
    assert report.encoding == label and report.created == 2
    assert set(
        Person.objects.filter(name__in=["欧阳娜娜", "张三丰"]).values_list("name", flat=True)
    ) == {"欧阳娜娜", "张三丰"}


def test_gb18030_is_not_mistaken_for_utf8(world):
    data = to_csv([row(1, name="王小明")], "gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = import_roster(
        actor=world.community_worker, community=world.C1, file=data, dry_run=True
    )
    assert report.encoding == "GB18030" and report.ok


def test_unknown_and_missing_columns_are_named(world):
    rows = [{**row(1), "备注": "x"}]
    for r in rows:
        del r["楼栋"]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows))
    columns = {e.column: e for e in report.errors}
    assert set(columns) == {"备注", "楼栋"}
    assert all(e.row == 1 for e in report.errors)
    assert "备注" in columns["备注"].reason and "楼栋" in columns["楼栋"].reason
    assert not report.written


def test_english_aliases_and_optional_columns(world):
    english = [
        {
            "name": "Li Lei",
            "id_number": new_id(1),
            "phone": "020-12345678",
            "building": "B-G11",
            "door": "3-301",
            "relation": "",
            "tags": "veteran",
        }
    ]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(english))
    assert report.ok, report.errors
    person = Person.objects.get(name="Li Lei")
    assert person.phone == "020-12345678" and person.tags == ["veteran"]


def test_duplicate_in_file_is_reported_even_with_other_errors(world):
    rows = [row(1), row(2, id_number=new_id(1), 手机号="1")]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows))
    assert [(e.row, e.column) for e in report.errors] == [(3, "身份证号"), (3, "手机号")]


def test_duplicate_in_file(world):
    rows = [row(1), row(2), row(3, id_number=new_id(1))]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows))
    assert [(e.row, e.column) for e in report.errors] == [(4, "身份证号")]
    assert "row 2" in report.errors[0].reason
    assert not Person.objects.filter(id_number=new_id(1)).exists()


def test_id_of_another_community_is_an_error_and_of_this_community_an_update(world):
    c2_person = world.people["G21-1-101-户主"]
    c1_person = world.people["G11-1-101-户主"]
    rows = [row(1, id_number=c2_person.id_number)]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "身份证号")]
    assert "another community" in report.errors[0].reason
    c2_person.refresh_from_db()
    assert c2_person.grid == world.G21

    rows = [row(1, id_number=c1_person.id_number, name="改名了", building="B-G12", door="1-102")]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows))
    assert report.ok and (report.created, report.updated) == (0, 1)
    c1_person.refresh_from_db()
    assert c1_person.name == "改名了"
    assert c1_person.household == world.households["G12-1-102"] and c1_person.grid == world.G12
    assert c1_person.user == world.users["resident"]  # the account link stays


def test_buildings_must_exist_in_the_community_doors_may_be_new(world):
    rows = [
        row(1, building="B-G21"),
        row(2, building="不存在的楼"),
        row(3, building="B-G11", door="9-909"),
    ]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows))
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (2, "楼栋", "B-G21"),
        (3, "楼栋", "不存在的楼"),
    ]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows[2:]))
    assert report.ok and report.households_created == 1
    assert Household.objects.filter(building__code="B-G11", door="9-909").exists()


def test_row_level_checks_explain_each_column(world):
    female_id = next(new_id(n) for n in range(10, 40) if int(new_id(n)[16]) % 2 == 0)
    rows = [
        row(1, 手机号="12345"),
        row(2, id_number=female_id, 性别="男"),
        row(3, 出生日期="1901-01-01"),
        row(4, 标签="独居老人,富豪"),
        row(5, 姓名=""),
        row(6, 门牌=""),
        row(7, 手机号="139××××0001"),
        row(8, id_number="4401111990"),
    ]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_xlsx(rows))
    got = {(e.row, e.column) for e in report.errors}
    assert got == {
        (2, "手机号"),
        (3, "性别"),
        (4, "出生日期"),
        (5, "标签"),
        (6, "姓名"),
        (7, "门牌"),
        (8, "手机号"),
        (9, "身份证号"),
    }
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "富豪" in reasons[(5, "标签")]
    assert "masked" in reasons[(8, "手机号")]
    phone_error = next(e for e in report.errors if e.row == 2)
    assert phone_error.value == "123××" or "×" in phone_error.value
    assert Person.objects.count() == 16


def test_phone_forms(world):
    rows = [row(1, 手机号="+86 139 1234 5678"), row(2, 手机号="0755-87654321"), row(3, 手机号="")]
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_csv(rows))
    assert report.ok, report.errors
    phones = dict(Person.objects.filter(name__startswith="新居民").values_list("name", "phone"))
    assert phones == {"新居民01": "13912345678", "新居民02": "0755-87654321", "新居民03": ""}


def test_template_example_row_is_refused(world):
    report = import_roster(
        actor=world.community_worker,
        community=world.C1,
        file=to_csv([row(1, id_number=EXAMPLE_ID_NUMBER)]),
    )
    assert "example" in report.errors[0].reason


def test_title_row_above_headers_keeps_excel_row_numbers(world):
    rows = [row(1), row(2, 手机号="1")]
    report = import_roster(
        actor=world.community_worker,
        community=world.C1,
        file=to_xlsx(rows, title="幸福社区居民花名册"),
    )
    assert [(e.row, e.column) for e in report.errors] == [(4, "手机号")]


def test_id_typed_as_number_in_excel_gets_a_hint(world):
    number = new_id(1)
    rows = [row(1, id_number=number)]
    rows[0]["身份证号"] = float(number)  # what Excel keeps of an 18-digit number typed as a number
    report = import_roster(actor=world.community_worker, community=world.C1, file=to_xlsx(rows))
    assert report.errors and "as text" in report.errors[0].reason


def test_dry_run_counts_and_writes_nothing(world):
    c1_person = world.people["G11-1-101-户主"]
    rows = [
        row(1, door="7-701"),
        row(2, id_number=c1_person.id_number, building="B-G11", door="1-101"),
    ]
    before = _snapshot()
    report = import_roster(
        actor=world.community_worker, community=world.C1, file=to_csv(rows), dry_run=True
    )
    assert report.ok and not report.written
    assert (report.created, report.updated + report.unchanged, report.households_created) == (
        1,
        1,
        1,
    )
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["community_worker", "party_secretary"])
def test_community_staff_may_import(world, persona):
    report = import_roster(actor=world.users[persona], community=world.C1, file=to_csv([row(1)]))
    assert report.written


@pytest.mark.parametrize("persona", ["grid_worker", "community_worker_c2", "resident", "outsider"])
def test_others_may_not_import(world, persona):
    before = _snapshot()
    with pytest.raises(NotAllowed):
        import_roster(actor=world.users[persona], community=world.C1, file=to_csv([row(1)]))
    assert _snapshot() == before


def test_rows_argument(world):
    report = import_roster(actor=world.community_worker, community=world.C1, rows=[row(1), row(2)])
    assert report.format == "rows" and report.created == 2


def test_fixed_number_of_queries(world):
    def count(n: int, offset: int) -> int:
        rows = [row(offset + i, door=f"{offset + i}-1") for i in range(n)]
        # a mix of new residents and updates of existing ones
        rows.append(
            row(offset + n, id_number=world.people["G11-1-102-户主"].id_number, door=f"{offset}-9")
        )
        data = to_csv(rows)
        with CaptureQueriesContext(connection) as ctx:
            report = import_roster(actor=world.community_worker, community=world.C1, file=data)
        assert report.written, report.errors
        return len(ctx.captured_queries)

    count(3, 400)  # warm the per-process caches (content types, the actor's reach)
    assert count(5, 100) == count(60, 200)

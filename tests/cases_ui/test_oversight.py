"""The map of open cases, the monthly ranking and its exports, the batch import."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cogov.cases.models import Case

from ..cases.factories import report
from ..world import point

pytestmark = pytest.mark.django_db


def test_map_counts_open_cases_per_grid(world: Any, client_for: Any) -> None:
    report(world, x=0.5)
    report(world, x=0.6)
    report(world, x=1.5)
    response = client_for("community_worker").get("/cases/map/")
    assert response.status_code == 200
    features = json.loads(response.context["geojson"])["features"]
    counts = {f["properties"]["code"]: f["properties"]["open"] for f in features}
    assert counts == {world.nodes["G11"].code: 2, world.nodes["G12"].code: 1}
    street = client_for("street_official").get(f"/cases/map/{world.nodes['S1'].uuid}/")
    assert street.status_code == 200 and street.context["total"] == 3


@pytest.mark.parametrize("persona", ["resident", "outsider", "org_staff"])
def test_map_is_404_for_non_staff(world: Any, client_for: Any, persona: str) -> None:
    assert client_for(persona).get("/cases/map/").status_code == 404


def test_map_of_a_node_outside_the_scope_is_404(world: Any, client_for: Any) -> None:
    url = f"/cases/map/{world.nodes['C3'].uuid}/"
    assert client_for("community_worker").get(url).status_code == 404


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_ranking_and_its_exports(world: Any, client_for: Any, english: Any) -> None:
    client = client_for("admin")
    response = client.get("/cases/ranking/", {"period": "2026-01", "level": "community"})
    assert response.status_code == 200
    names = [row["node"].name for row in response.context["rows"]]
    assert sorted(names) == sorted(["幸福社区", "和平社区", "光明社区"])
    assert "Response rate" in response.content.decode()  # the registry's labels head the columns
    csv = client.get("/cases/ranking/export.csv", {"period": "2026-01", "level": "street"})
    assert csv.content.startswith(b"\xef\xbb\xbf")
    assert "第一街道" in csv.content.decode("utf-8-sig")
    xlsx = client.get("/cases/ranking/export.xlsx", {"period": "2026-01"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


@pytest.mark.parametrize("persona", ["resident", "grid_worker", "outsider"])
def test_ranking_is_404_without_metrics(world: Any, client_for: Any, persona: str) -> None:
    assert client_for(persona).get("/cases/ranking/").status_code == 404


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\n".join(",".join(r) for r in rows).encode(encoding)


def test_import_with_a_bad_row_writes_nothing_and_names_row_and_column(
    world: Any, client_for: Any
) -> None:
    lon, lat = point(0.5, 0.5)
    data = _csv(
        [
            ["问题分类", "问题描述", "经度", "纬度", "电话"],
            ["0101", "垃圾", str(lon), str(lat), "13912345678"],
            ["9999", "分类不存在", str(lon), str(lat), ""],
            ["0101", "", str(lon), str(lat), ""],
        ],
        "gb18030",
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("admin").post(
        "/cases/import/", {"file": SimpleUploadedFile("cases.csv", data, "text/csv")}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.encoding == "GB18030"
    assert [(e.row, e.column) for e in result.errors] == [(3, "问题分类"), (4, "问题描述")]
    assert not Case.objects.exists()


def test_import_all_rows(world: Any, client_for: Any) -> None:
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    lon, lat = point(1.5, 0.5)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工单类型", "category", "description", "楼栋", "longitude", "latitude"])
    sheet.append(["投诉", "暴露垃圾", "垃圾", "B-G11", None, None])
    sheet.append(["咨询", "0101", "咨询一下", None, lon, lat])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("cases.xlsx", out.getvalue())
    response = client_for("admin").post("/cases/import/", {"file": upload})  # check_only unticked
    result = response.context["result"]
    assert result.errors == [] and result.created == 2
    cases = list(Case.objects.order_by("pk"))
    assert [c.grid for c in cases] == [world.nodes["G11"], world.nodes["G12"]]
    assert [c.work_type for c in cases] == ["complaint", "consultation"]
    assert {c.channel for c in cases} == {"import"}


def test_import_command(world: Any, tmp_path: Any) -> None:
    lon, lat = point(0.5, 0.5)
    good = tmp_path / "good.csv"
    good.write_bytes(
        _csv([["问题分类", "问题描述", "经度", "纬度"], ["0101", "x", str(lon), str(lat)]])
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([["问题分类", "问题描述", "经度"], ["0101", "x", str(lon)]]))
    with pytest.raises(CommandError):
        call_command("import_cases", str(bad), "--user", "admin")
    call_command("import_cases", str(good), "--user", "admin", "--dry-run")
    assert not Case.objects.exists()
    call_command("import_cases", str(good), "--user", "admin")
    assert Case.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_cases", str(good), "--user", "community_worker")
    assert Case.objects.count() == 1

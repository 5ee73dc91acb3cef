"""Intake from each channel, through the pages."""

from __future__ import annotations

from typing import Any

import pytest

from cogov.cases.models import AttachmentStage, Case, CaseEvent
from cogov.cases.workflow import Status

from ..cases.factories import report
from ..world import point
from .conftest import photo

pytestmark = pytest.mark.django_db


def _lonlat(x: float, y: float) -> dict[str, str]:
    lon, lat = point(x, y)
    return {"lon": f"{lon:.6f}", "lat": f"{lat:.6f}"}


def test_resident_report_creates_a_case_in_the_grid_of_the_point(
    world: Any, client_for: Any
) -> None:
    client = client_for("resident")
    page = client.get("/cases/report/")
    assert page.status_code == 200
    assert "幸福一网格" in page.content.decode()  # the community's grids are the base layer
    response = client.post(
        "/cases/report/",
        {
            "category": "0101",
            "description": "二号楼下垃圾堆积",
            **_lonlat(1.5, 0.5),  # inside G12
            "photos": [photo("a.png"), photo("b.png")],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.uuid}/"
    assert case.grid == world.nodes["G12"]
    assert case.community == world.nodes["C1"]
    assert case.channel == "resident"
    assert case.reporter_person == world.people["G11-1-101-户主"]
    assert case.attachments.filter(stage=AttachmentStage.BEFORE).count() == 2
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert case.number in detail.content.decode()


def test_resident_report_at_a_building_and_anonymously(world: Any, client_for: Any) -> None:
    building = world.households["G11-1-101"].building
    response = client_for("resident").post(
        "/cases/report/",
        {
            "category": "0101",
            "description": "楼道灯坏了",
            "building": str(building.uuid),
            "anonymous": "on",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.grid == world.nodes["G11"] and case.anonymous
    # Staff see that the reporter is anonymous, not who it is.
    page = client_for("community_worker").get(f"/cases/{case.uuid}/").content.decode()
    assert "resident" not in page


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_resident_report_without_a_place_is_refused(
    world: Any, client_for: Any, english: Any
) -> None:
    response = client_for("resident").post(
        "/cases/report/", {"category": "0101", "description": "x"}
    )
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "Pick the place on the map" in response.content.decode()


def test_duplicates_are_offered_before_submitting(world: Any, client_for: Any) -> None:
    existing = report(world, "grid_worker", x=0.5, y=0.3)
    lon, lat = point(0.5, 0.301)
    client = client_for("resident")
    response = client.post(
        "/cases/report/duplicates/",
        {"category": "0101", "lon": lon, "lat": lat},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert existing.number in body
    follow = client.get(f"/cases/{existing.uuid}/follow/")
    assert follow.status_code == 200 and existing.number in follow.content.decode()
    # Another category far away: nothing.
    far_lon, far_lat = point(0.9, 0.9)
    none = client.post(
        "/cases/report/duplicates/", {"category": "0101", "lon": far_lon, "lat": far_lat}
    )
    assert existing.number not in none.content.decode()
    assert Case.objects.count() == 1


def test_grid_worker_handles_on_the_spot_with_evidence(world: Any, client_for: Any) -> None:
    client = client_for("grid_worker")
    assert client.get("/cases/quick/").status_code == 200
    response = client.post(
        "/cases/quick/",
        {
            "category": "0101",
            "description": "绿化带垃圾",
            **_lonlat(0.5, 0.5),
            "photos": [photo("before.png")],
            "handled": "on",
            "handled_note": "已当场清理",
            "after_photos": [photo("after.png")],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.CLOSED and case.channel == "grid_worker"
    after = case.attachments.get(stage=AttachmentStage.AFTER)
    event = CaseEvent.objects.get(subject=case, kind="on_spot")
    assert event.evidence["attachments"] == [str(after.uuid)]
    assert event.note == "已当场清理"


def test_handled_on_the_spot_needs_an_after_photo(world: Any, client_for: Any) -> None:
    response = client_for("grid_worker").post(
        "/cases/quick/",
        {
            "category": "0101",
            "description": "x",
            **_lonlat(0.5, 0.5),
            "photos": [photo()],
            "handled": "on",
            "handled_note": "done",
        },
    )
    assert response.status_code == 200
    assert not Case.objects.exists()


def test_hotline_consultation_is_answered_and_closed_at_once(world: Any, client_for: Any) -> None:
    client = client_for("community_worker")
    response = client.post(
        "/cases/hotline/",
        {
            "caller_name": "王先生",
            "caller_phone": "13912345678",
            "work_type": "consultation",
            "category": "0101",
            "description": "垃圾分类投放时间是几点？",
            **_lonlat(0.5, 0.5),
            "answer": "早7点至9点，晚6点至8点。",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.CLOSED and case.channel == "hotline"
    assert case.reply == "早7点至9点，晚6点至8点。"
    page = client.get(response["Location"]).content.decode()
    assert "13912345678" not in page
    assert case.masked_caller_phone in page


def test_hotline_request_stays_open_and_answer_is_refused(world: Any, client_for: Any) -> None:
    client = client_for("community_worker")
    data = {
        "caller_phone": "13912345678",
        "work_type": "request",
        "category": "0101",
        "description": "路灯不亮",
        **_lonlat(0.5, 0.5),
    }
    refused = client.post("/cases/hotline/", {**data, "answer": "好的"})
    assert refused.status_code == 200 and not Case.objects.exists()
    assert client.post("/cases/hotline/", data).status_code == 302
    assert Case.objects.get().status == Status.REPORTED


@pytest.mark.parametrize(
    ("url", "allowed", "denied"),
    [
        ("/cases/report/", "resident", "grid_worker"),
        ("/cases/report/", "owner", "department_staff"),
        ("/cases/quick/", "grid_worker", "resident"),
        ("/cases/quick/", "grid_worker", "community_worker"),
        ("/cases/hotline/", "community_worker", "grid_worker"),
        ("/cases/hotline/", "street_official", "resident"),
        ("/cases/import/", "admin", "community_worker"),
    ],
)
def test_intake_pages_answer_404_to_the_wrong_persona(
    world: Any, client_for: Any, url: str, allowed: str, denied: str
) -> None:
    assert client_for(allowed).get(url).status_code == 200
    assert client_for(denied).get(url).status_code == 404

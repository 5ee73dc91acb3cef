"""Open311 GeoReport v2 over HTTP: every document in both formats, POST errors that write
nothing, round trips, filters, status mapping and jurisdictions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cogov.cases import actions as case_actions
from cogov.cases.models import Case, CaseEvent, Category, WorkType
from cogov.cases.workflow import Status
from cogov.core.models import AuditLog, Deadline, Notification
from cogov.open311 import actions
from cogov.open311.documents import STATUS_MAP
from cogov.open311.models import ApiKey, ServiceRequest

from ..world import World, point
from . import spec

FORMATS = ["json", "xml"]
BASE = "/open311/v2"


def _post(fmt: str, **data: Any) -> Any:
    return Client().post(f"{BASE}/requests.{fmt}", data)


def _good(api_key: str, **extra: Any) -> dict[str, Any]:
    lon, lat = point(0.5, 0.5)  # in grid G11
    return {
        "api_key": api_key,
        "service_code": "0101",
        "lat": str(lat),
        "long": str(lon),
        "description": "楼下垃圾桶旁堆了很多垃圾，联系电话13912345678",
        "first_name": "明",
        "last_name": "王",
        "phone": "13912345678",
        "email": "wang@example.com",
        "device_id": "dev-1",
        "account_id": "acc-7",
        **extra,
    }


def _counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Case, CaseEvent, ServiceRequest, Deadline, Notification, AuditLog, ApiKey)
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(world: World, fmt: str) -> None:
    doc = spec.discovery(Client().get(f"{BASE}/discovery.{fmt}"), fmt)
    (endpoint,) = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_from_categories(world: World, fmt: str) -> None:
    items = spec.services(Client().get(f"{BASE}/services.{fmt}"), fmt)
    by_code = {s["service_code"]: s for s in items}
    leaves = Category.objects.filter(active=True, children__isnull=True)
    assert set(by_code) == set(leaves.values_list("code", flat=True))
    assert by_code["0401"]["service_name"] == "电梯故障"
    assert by_code["0401"]["group"] == "物业管理"
    assert by_code["0401"]["metadata"] is True  # has attributes
    assert by_code["0102"]["metadata"] is False
    assert by_code["0401"]["type"] == "realtime"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(world: World, fmt: str) -> None:
    doc = spec.definition(Client().get(f"{BASE}/services/0501.{fmt}"), fmt)
    assert doc["service_code"] == "0501"
    codes = [a["code"] for a in doc["attributes"]]
    assert codes == ["noise_source", "noticed_at"]
    assert {"key": "renovation", "name": "装修"} in doc["attributes"][0]["values"]
    spec.error(Client().get(f"{BASE}/services/9999.{fmt}"), fmt, 404)


def test_unknown_format_is_not_served(world: World) -> None:
    assert Client().get(f"{BASE}/services.csv").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_post_then_get(world: World, api_key: str, fmt: str) -> None:
    answer = spec.post_answer(_post(fmt, **_good(api_key)), fmt)
    number = answer["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.channel == "open311"
    assert case.grid == world.nodes["G11"]
    assert case.caller_name == "王明" and case.caller_phone == "13912345678"
    record = ServiceRequest.objects.get(case=case)
    assert record.email == "wang@example.com" and record.account_id == "acc-7"
    assert answer["account_id"] == "acc-7"
    for out_fmt in FORMATS:
        (item,) = spec.service_requests(
            Client().get(f"{BASE}/requests/{number}.{out_fmt}"), out_fmt
        )
        assert item["service_request_id"] == number
        assert item["status"] == "open"
        assert item["service_code"] == "0101" and item["service_name"] == "暴露垃圾"
        assert item["lat"] == pytest.approx(case.lat) and item["long"] == pytest.approx(case.lon)
        # Personal data is never published: the phone in the text is masked, contact data absent.
        text = Client().get(f"{BASE}/requests/{number}.{out_fmt}").content.decode()
        assert "13912345678" not in text and "139××××5678" in item["description"]
        for secret in ("wang@example.com", "acc-7", "dev-1", "王明"):
            assert secret not in text
        assert item["expected_datetime"]  # the verify deadline is open
    # The token resolves to the same request.
    for out_fmt in FORMATS:
        response = Client().get(f"{BASE}/tokens/{record.token}.{out_fmt}")
        assert response.status_code == 200
        doc = spec.body(response, out_fmt)
        if out_fmt == "json":
            assert doc == [{"service_request_id": number, "token": record.token}]
        else:
            assert doc.tag == "service_requests" and doc[0].tag == "request"
            assert [c.tag for c in doc[0]] == ["service_request_id", "token"]
            assert doc[0].findtext("service_request_id") == number
        spec.error(Client().get(f"{BASE}/tokens/nope.{out_fmt}"), out_fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_by_address_id(world: World, api_key: str, fmt: str) -> None:
    data = _good(api_key)
    del data["lat"], data["long"]
    answer = spec.post_answer(_post(fmt, **data, address_id="B-G21"), fmt)
    case = Case.objects.get(number=answer["service_request_id"])
    assert case.grid == world.nodes["G21"] and case.building is not None
    (item,) = spec.service_requests(Client().get(f"{BASE}/requests/{case.number}.{fmt}"), fmt)
    assert item["address_id"] == "B-G21"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"service_code": "9999"}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "", "long": ""}, 400, "location"),
        ({"lat": "abc"}, 400, "lat"),
        ({"long": ""}, 400, "lat and long"),
        ({"lat": "", "long": "", "address_string": "无此地址"}, 400, "address_string"),
        ({"lat": "", "long": "", "address_id": "B-NONE"}, 400, "address_id"),
        ({"lat": "10", "long": "10"}, 400, "grid"),  # outside the platform
        ({"api_key": "o311_wrong"}, 403, "api_key"),
        ({"api_key": ""}, 403, "api_key"),
        ({"jurisdiction_id": "999999"}, 400, "jurisdiction_id"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"media_url": "ftp://x/y.jpg"}, 400, "media_url"),
        ({"service_code": "0401"}, 400, "attribute[people_trapped]"),  # required attribute
        ({"attribute[unknown]": "x"}, 400, "attribute[unknown]"),
        ({"attribute[amount]": "huge"}, 400, "attribute[amount]"),
        ({"description": "x" * 4001}, 400, "description"),
    ],
)
def test_post_errors_write_nothing(
    world: World, api_key: str, fmt: str, change: dict[str, str], status: int, words: str
) -> None:
    before = _counts()
    description = spec.error(_post(fmt, **{**_good(api_key), **change}), fmt, status)
    assert words in description
    assert _counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_is_refused_and_writes_nothing(world: World, api_key: str, fmt: str) -> None:
    spec.post_answer(_post(fmt, **_good(api_key)), fmt)  # works before
    key = ApiKey.objects.get()
    actions.revoke_api_key(actor=world.users["street_official"], key=key)
    before = _counts()
    assert "revoked" in spec.error(_post(fmt, **_good(api_key)), fmt, 403)
    assert _counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_attributes_validated_and_kept(world: World, api_key: str, fmt: str) -> None:
    answer = spec.post_answer(
        _post(
            fmt,
            **_good(api_key, service_code="0501"),
            **{
                "attribute[noise_source][]": ["renovation", "music"],
                "attribute[noticed_at]": "2026-11-22T22:30:00+08:00",
            },
        ),
        fmt,
    )
    record = ServiceRequest.objects.get(case__number=answer["service_request_id"])
    assert record.attributes == {
        "noise_source": ["renovation", "music"],
        "noticed_at": "2026-11-22T22:30:00+08:00",
    }
    assert "装修, 音乐、广场舞" in record.case.description
    before = _counts()
    spec.error(
        _post(fmt, **_good(api_key, service_code="0501"), **{"attribute[noticed_at]": "yesterday"}),
        fmt,
        400,
    )
    spec.error(
        _post(
            fmt,
            **_good(api_key, service_code="0501"),
            **{"attribute[noise_source][]": ["renovation", "dogs"]},
        ),
        fmt,
        400,
    )
    assert _counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction(world: World, api_key: str, fmt: str) -> None:
    spec.post_answer(_post(fmt, **_good(api_key, jurisdiction_id="440111")), fmt)
    assert (
        len(
            spec.service_requests(
                Client().get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "440111"}), fmt
            )
        )
        == 1
    )
    spec.error(Client().get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "110101"}), fmt, 400)
    spec.error(Client().get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "110101"}), fmt, 400)


def _report(world: World, x: float, code: str = "0101", **kw: Any) -> Case:
    lon, lat = point(x, 0.5)
    return case_actions.report_case(
        actor=world.users["community_worker"],
        category=Category.objects.get(code=code),
        description="测试",
        lon=lon,
        lat=lat,
        **kw,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_mapping_and_filters(world: World, fmt: str) -> None:
    open_case = _report(world, 0.5)
    question = _report(world, 1.5, code="0705", work_type=WorkType.CONSULTATION)
    case_actions.answer_consultation(
        actor=world.users["community_worker"], case=question, answer="请携带身份证到社区办理"
    )
    void = _report(world, 0.2, code="0302")
    case_actions.void_case(actor=world.users["community_worker"], case=void, reason="重复")
    old = _report(world, 0.7)
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - dt.timedelta(days=120))

    def get(**params: str) -> dict[str, dict[str, Any]]:
        items = spec.service_requests(Client().get(f"{BASE}/requests.{fmt}", params), fmt)
        return {i["service_request_id"]: i for i in items}

    everything = get()
    assert set(everything) == {open_case.number, question.number, void.number}  # 90 days
    assert everything[open_case.number]["status"] == "open"
    assert everything[question.number]["status"] == "closed"
    assert everything[question.number]["status_notes"] == "请携带身份证到社区办理"
    assert everything[void.number]["status"] == "closed"
    assert everything[question.number]["expected_datetime"] is None
    assert set(get(status="open")) == {open_case.number}
    assert set(get(status="closed")) == {question.number, void.number}
    assert set(get(status="open,closed")) == set(everything)
    assert set(get(service_code="0302,0705")) == {void.number, question.number}
    # Ids override the other filters (the old case is outside the default window).
    assert set(get(service_request_id=f"{old.number},{void.number}", status="open")) == {
        old.number,
        void.number,
    }
    start = (timezone.now() - dt.timedelta(days=200)).isoformat()
    end = (timezone.now() - dt.timedelta(days=100)).isoformat()
    assert set(get(start_date=start, end_date=end)) == {old.number}
    assert set(get(start_date=start)) == {old.number, *everything}
    spec.error(Client().get(f"{BASE}/requests.{fmt}", {"status": "pending"}), fmt, 400)
    spec.error(Client().get(f"{BASE}/requests.{fmt}", {"start_date": "2026-01-01"}), fmt, 400)
    spec.error(Client().get(f"{BASE}/requests/G1999-000001.{fmt}"), fmt, 404)


def test_every_case_status_is_mapped() -> None:
    assert set(STATUS_MAP) == set(Status.values)
    assert {k for k, v in STATUS_MAP.items() if v == "closed"} == {"closed", "void"}


def test_max_requests_policy(world: World) -> None:
    from cogov.core.models import Policy

    for x in (0.2, 0.4, 0.6):
        _report(world, x)
    Policy.objects.create(
        kind="open311.settings",
        node=None,
        effective_from=dt.date(2020, 1, 1),
        value={"max_requests": 2},
    )
    items = spec.service_requests(Client().get(f"{BASE}/requests.json"), "json")
    assert len(items) == 2


def test_get_requests_query_count_is_fixed(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            spec.service_requests(Client().get(f"{BASE}/requests.xml"), "xml")
        return len(ctx.captured_queries)

    _report(world, 0.2)
    one = count()
    for x in (0.4, 0.6, 1.2, 1.4):
        _report(world, x)
    assert count() == one <= 6


def test_xml_survives_control_characters(world: World) -> None:
    case = _report(world, 0.5)
    Case.objects.filter(pk=case.pk).update(description="坏\x01字符\x0b")
    (item,) = spec.service_requests(Client().get(f"{BASE}/requests/{case.number}.xml"), "xml")
    assert item["description"] == "坏字符"


def test_post_by_address_string_of_a_building(world: World, api_key: str) -> None:
    from cogov.territory.models import Building

    Building.objects.filter(code="B-G12").update(address="幸福路12号")
    data = _good(api_key, address_string="幸福路12号")
    del data["lat"], data["long"]
    answer = spec.post_answer(_post("json", **data), "json")
    case = Case.objects.get(number=answer["service_request_id"])
    assert case.grid == world.nodes["G12"] and case.address == "幸福路12号"


def test_offset_with_a_lost_plus_is_understood(world: World) -> None:
    case = _report(world, 0.5)
    since = timezone.localtime(case.reported_at - dt.timedelta(minutes=1))
    raw = since.strftime("%Y-%m-%dT%H:%M:%S") + " 08:00"  # "+08:00" sent unencoded
    items = spec.service_requests(
        Client().get(f"{BASE}/requests.json", {"start_date": raw}), "json"
    )
    assert [i["service_request_id"] for i in items] == [case.number]

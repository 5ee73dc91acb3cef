"""A case opened through an Open311 key is relayed by the key's issuer, not reported by them:
the issuer is the report event's actor, the case has no reporter user, and the issuer gets no
reporter notifications nor "check the reply" queue items; the requester's contact data stays
where docs/open311.md says."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cogov.cases import actions as case_actions
from cogov.cases.models import Case, Category
from cogov.core.errors import ActionError
from cogov.core.models import Notification
from cogov.open311 import actions
from cogov.open311.models import ServiceRequest

from ..world import World, point


def _post(raw: str, **extra: Any) -> Case:
    lon, lat = point(0.5, 0.5)  # G11
    data = {
        "api_key": raw,
        "service_code": "0101",
        "lat": str(lat),
        "long": str(lon),
        "description": "楼下垃圾桶旁堆了很多垃圾",
        "first_name": "明",
        "last_name": "王",
        "phone": "13912345678",
        "email": "wang@example.com",
        "device_id": "dev-1",
        "account_id": "acc-7",
        **extra,
    }
    response = Client().post("/open311/v2/requests.json", data)
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()[0]["service_request_id"])


@pytest.fixture
def issuer_key(world: World) -> str:
    """A key of the property company issued by the community's party secretary (who is also a
    case manager of C1, so the test sees what reporter-ship would add on top of the role)."""
    _key, raw = actions.issue_api_key(
        actor=world.users["party_secretary"], organization=world.orgs["property"], name="小程序"
    )
    return raw


def test_issuer_is_the_actor_not_the_reporter(world: World, issuer_key: str) -> None:
    issuer = world.users["party_secretary"]
    case = _post(issuer_key)
    assert case.reporter_user_id is None and case.reporter_person_id is None
    assert case.events.get(kind="report").actor_id == issuer.pk
    assert case.caller_name == "王明" and case.caller_phone == "13912345678"
    assert case.has_requester  # a phone to call back: the revisit is expected
    record = ServiceRequest.objects.get(case=case)
    assert (record.email, record.device_id, record.account_id) == (
        "wang@example.com",
        "dev-1",
        "acc-7",
    )
    assert not Case.objects.filter(reporter_user=issuer).exists()


def test_issuer_gets_no_reporter_notifications_or_queue_items(
    world: World, issuer_key: str
) -> None:
    issuer = world.users["party_secretary"]
    case = _post(issuer_key)
    cw, staff = world.users["community_worker"], world.users["org_staff"]
    case_actions.verify_case(actor=cw, case=case)
    case_actions.file_case(actor=cw, case=case)
    case_actions.dispatch_case(actor=cw, case=case)
    case_actions.sign_case(actor=staff, case=case)
    case_actions.contact_requester(actor=staff, case=case)
    before = set(Notification.objects.filter(recipient=issuer).values_list("pk", flat=True))
    case_actions.reply_case(actor=staff, case=case, reply="已清理")
    case.refresh_from_db()
    assert case.status == "replied"
    replied = Notification.objects.filter(recipient=issuer).exclude(pk__in=before)
    assert not replied.filter(kind="cases.replied").exists()
    # The grid worker still checks the reply; the issuer has nothing to confirm.
    assert Notification.objects.filter(recipient=world.users["grid_worker"], kind="cases.replied")
    assert not Case.objects.queue_for(issuer).filter(pk=case.pk).exists()
    assert not issuer.has_perm("cases.check_case", case)
    case_actions.check_case(actor=world.users["grid_worker"], case=case, passed=True)
    case_actions.revisit_case(actor=cw, case=case, resolution="resolved", satisfaction="satisfied")
    case_actions.close_case(actor=cw, case=case)
    assert not Notification.objects.filter(recipient=issuer, kind="cases.closed").exists()


def test_without_a_phone_the_case_is_anonymous(world: World, issuer_key: str) -> None:
    case = _post(issuer_key, phone="")
    assert case.anonymous and not case.has_requester and case.reporter_user_id is None


def test_only_external_channels_may_have_no_reporter(world: World) -> None:
    lon, lat = point(0.5, 0.3)
    with pytest.raises(ActionError):
        case_actions.report_case(
            actor=world.users["resident"],
            reporter_user=None,
            category=Category.objects.get(code="0101"),
            description="垃圾",
            lon=lon,
            lat=lat,
            channel="resident",
        )
    case = case_actions.report_case(
        actor=world.users["community_worker"],
        reporter_user=None,
        category=Category.objects.get(code="0101"),
        description="来电反映垃圾",
        lon=lon,
        lat=lat,
        channel="hotline",
        caller_phone="13900000000",
    )
    assert case.reporter_user_id is None and case.has_requester

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cogov.core import deadlines
from cogov.core.errors import ActionError, InvalidTransition, NotAllowed
from cogov.core.models import AuditLog, Deadline, Notification
from cogov.lib import idnumber
from cogov.people import actions
from cogov.people.models import (
    Ownership,
    Person,
    ProxyAuthorization,
    Verification,
    VerificationEvent,
)
from cogov.people.selectors import is_verified_owner, is_verified_resident


def new_id(seq: int) -> str:
    return idnumber.make("440111", dt.date(1990, 5, 5), 500 + seq)


# Roster -----------------------------------------------------------------------------------


def test_create_person_takes_the_grid_of_the_household_and_is_searchable(world: Any) -> None:
    hh = world.households["G12-1-102"]
    p = actions.create_person(
        actor=world.users["community_worker"],
        name="欧阳明月",
        household=hh,
        id_number=new_id(1),
        phone="13900000000",
        tags=["elderly_alone"],
    )
    assert p.grid == world.nodes["G12"]
    assert list(Person.objects.search("欧阳")) == [p]
    assert list(Person.objects.search("幸福二网格")) == [p]  # the building's name
    assert "13900000000" not in p.search_text and p.id_number not in p.search_text
    log = AuditLog.objects.get(action="person.create")
    assert "13900000000" not in str(log.detail) and p.id_number not in str(log.detail)


def test_create_person_validates(world: Any) -> None:
    cw = world.users["community_worker"]
    hh = world.households["G11-1-101"]
    with pytest.raises(ActionError) as bad_id:
        actions.create_person(actor=cw, name="甲", household=hh, id_number="440111199001011234")
    assert bad_id.value.field == "id_number"
    taken = world.people["G11-1-101-户主"].id_number
    with pytest.raises(ActionError) as dup:
        actions.create_person(actor=cw, name="乙", household=hh, id_number=taken)
    assert dup.value.field == "id_number" and taken not in dup.value.message
    with pytest.raises(ActionError):
        actions.create_person(actor=cw, name="丙", household=hh, tags=["nonsense"])
    assert Person.objects.count() == 16


def test_update_person_reindexes_and_logs_field_names(world: Any) -> None:
    p = world.people["G11-1-101-配偶"]
    actions.update_person(
        actor=world.users["grid_worker"], person=p, name="司马光", phone="13712345678"
    )
    p.refresh_from_db()
    assert p.name == "司马光" and list(Person.objects.search("司马光")) == [p]
    log = AuditLog.objects.get(action="person.update")
    assert log.detail["fields"] == ["name", "phone"] and "13712345678" not in str(log.detail)


def test_move_person_keeps_the_grid_right_and_needs_both_places(world: Any) -> None:
    p = world.people["G11-1-101-配偶"]
    actions.move_person(
        actor=world.users["community_worker"], person=p, household=world.households["G12-1-102"]
    )
    p.refresh_from_db()
    assert p.grid == world.nodes["G12"] and p.household == world.households["G12-1-102"]
    # A grid worker of G11 may not move someone out of their grid into G12.
    q = world.people["G11-1-102-配偶"]
    with pytest.raises(NotAllowed):
        actions.move_person(
            actor=world.users["grid_worker"], person=q, household=world.households["G12-1-101"]
        )
    q.refresh_from_db()
    assert q.grid == world.nodes["G11"]


# Reveal -----------------------------------------------------------------------------------


def test_reveal_returns_clear_numbers_and_logs_without_values(world: Any) -> None:
    p = world.people["G11-1-101-户主"]
    shown = actions.reveal_pii(actor=world.users["grid_worker"], person=p)
    assert shown == {"id_number": p.id_number, "phone": p.phone}
    log = AuditLog.objects.get(action="pii.reveal")
    assert log.actor == world.users["grid_worker"] and log.object_id == str(p.pk)
    assert log.detail == {"fields": ["id_number", "phone"]}
    assert p.id_number not in log.object_repr and p.phone not in log.object_repr


@pytest.mark.parametrize(
    "persona", ["street_official", "resident", "community_worker_c2", "outsider"]
)
def test_reveal_refused_leaves_no_trace(world: Any, persona: str) -> None:
    with pytest.raises(NotAllowed):
        actions.reveal_pii(actor=world.users[persona], person=world.people["G11-1-101-配偶"])
    assert not AuditLog.objects.filter(action="pii.reveal").exists()


# Verification -----------------------------------------------------------------------------


def confirm_roster_matches_at_once(world: Any) -> None:
    from cogov.core.actions import set_policy

    set_policy(
        actor=world.users["admin"],
        kind="accounts.roster_match",
        node=world.nodes["D"],
        value={"confirm_at_once": True},
        effective_from=timezone.localdate() - dt.timedelta(days=1),
    )


def test_roster_match_waits_for_staff_by_default(world: Any) -> None:
    """A name and an identity number are not secrets: by default staff confirm, and see the
    roster record the claim matches."""
    from django.test import Client

    p = world.people["G21-1-101-配偶"]
    v = actions.request_verification(
        actor=world.users["outsider"],
        kind="resident",
        household=world.households["G21-1-101"],
        claimed_name=p.name,
        claimed_id_number=p.id_number,
    )
    assert v.status == "pending" and v.person is None
    p.refresh_from_db()
    assert p.user is None
    assert Deadline.objects.filter(object_id=str(v.pk)).exists()
    staff = Client()
    staff.force_login(world.users["community_worker_c2"])
    body = staff.get(f"/api/people/verifications/{v.uuid}").json()
    assert body["can_decide"] and body["roster_match"] == str(p.uuid)
    claimant = Client()
    claimant.force_login(world.users["outsider"])
    assert claimant.get(f"/api/people/verifications/{v.uuid}").json()["roster_match"] is None


def test_roster_match_confirms_at_once_where_policy_says_so(world: Any) -> None:
    confirm_roster_matches_at_once(world)
    claimant = world.users["outsider"]
    p = world.people["G21-1-101-配偶"]
    v = actions.request_verification(
        actor=claimant,
        kind="resident",
        household=world.households["G21-1-101"],
        claimed_name=p.name,
        claimed_id_number=p.id_number,
    )
    assert v.status == "confirmed" and v.method == "roster" and v.person == p
    p.refresh_from_db()
    assert p.user == claimant
    assert is_verified_resident(claimant, world.households["G21-1-101"])
    assert not Deadline.objects.exists()
    assert list(
        VerificationEvent.objects.filter(subject=v).values_list("to_status", flat=True)
    ) == [
        "pending",
        "confirmed",
    ]
    assert Notification.objects.filter(
        recipient=claimant, kind="accounts.verification_confirmed"
    ).exists()


def test_wrong_name_waits_for_staff_with_a_working_day_deadline(world: Any) -> None:
    p = world.people["G21-1-101-配偶"]
    v = actions.request_verification(
        actor=world.users["outsider"],
        kind="resident",
        household=world.households["G21-1-101"],
        claimed_name="别人",
        claimed_id_number=p.id_number,
    )
    assert v.status == "pending"
    deadline = Deadline.objects.get(kind="accounts.verification")
    assert deadline.node == world.nodes["C2"]
    assert deadline.basis["working_days"] == 3
    assert Person.objects.get(pk=p.pk).user is None


def test_staff_confirm_owner_creates_ownership_and_meets_deadline(world: Any) -> None:
    claimant = world.users["outsider"]
    unit = world.units["G11-1-102"]
    v = actions.request_verification(
        actor=claimant, kind="owner", unit=unit, claimed_name="新业主", claimed_id_number=new_id(2)
    )
    assert v.status == "pending"
    with pytest.raises(NotAllowed):
        actions.confirm_verification(actor=world.users["community_worker_c2"], verification=v)
    actions.confirm_verification(
        actor=world.users["grid_worker"], verification=v, note="房产证已核"
    )
    v.refresh_from_db()
    assert v.status == "confirmed" and v.method == "staff"
    person = Person.objects.get(user=claimant)
    assert person.id_number == new_id(2) and person.grid == world.nodes["G11"]
    assert Ownership.objects.filter(person=person, unit=unit, until__isnull=True).exists()
    assert is_verified_owner(claimant, unit)
    assert Deadline.objects.get(kind="accounts.verification").met_at is not None
    with pytest.raises(InvalidTransition):
        actions.reject_verification(actor=world.users["grid_worker"], verification=v, reason="迟了")


def test_reject_needs_a_reason_and_tells_the_claimant(world: Any) -> None:
    claimant = world.users["outsider"]
    v = actions.request_verification(
        actor=claimant,
        kind="resident",
        household=world.households["G11-1-101"],
        claimed_name="陌生人",
        claimed_id_number=new_id(3),
    )
    with pytest.raises(ActionError) as err:
        actions.reject_verification(
            actor=world.users["community_worker"], verification=v, reason=" "
        )
    assert err.value.field == "reason"
    actions.reject_verification(
        actor=world.users["community_worker"], verification=v, reason="查无此人"
    )
    v.refresh_from_db()
    assert v.status == "rejected"
    note = Notification.objects.get(recipient=claimant, kind="accounts.verification_rejected")
    assert note.body == "查无此人"
    assert VerificationEvent.objects.filter(
        subject=v, to_status="rejected", note="查无此人"
    ).exists()


def test_nobody_decides_their_own_claim(world: Any) -> None:
    cw = world.users["community_worker"]
    v = actions.request_verification(
        actor=cw,
        kind="resident",
        household=world.households["G11-1-102"],
        claimed_name="社工本人",
        claimed_id_number=new_id(4),
    )
    with pytest.raises(NotAllowed):
        actions.confirm_verification(actor=cw, verification=v)
    assert Verification.objects.get(pk=v.pk).status == "pending"


def test_one_pending_claim_at_a_time(world: Any) -> None:
    kw: dict[str, Any] = dict(
        actor=world.users["outsider"],
        kind="resident",
        household=world.households["G11-1-101"],
        claimed_name="某",
        claimed_id_number=new_id(5),
    )
    actions.request_verification(**kw)
    with pytest.raises(ActionError):
        actions.request_verification(**kw)


def test_breach_notifies_the_community_workers_of_that_community(world: Any) -> None:
    actions.request_verification(
        actor=world.users["outsider"],
        kind="resident",
        household=world.households["G21-1-101"],
        claimed_name="某",
        claimed_id_number=new_id(6),
    )
    assert deadlines.sweep(timezone.now() + dt.timedelta(days=30)) == 1
    told = set(
        Notification.objects.filter(kind="accounts.verification_overdue").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"community_worker_c2"}


# Proxies ----------------------------------------------------------------------------------


def test_proxy_gives_act_for_until_revoked(world: Any) -> None:
    gw, person = world.users["grid_worker"], world.people["G11-1-102-户主"]
    assert not gw.has_perm("people.act_for", person)
    with pytest.raises(ActionError) as err:
        actions.record_proxy_authorization(
            actor=world.users["community_worker"],
            person=person,
            agent=gw,
            scope="投票",
            document_ref="",
        )
    assert err.value.field == "document_ref"
    proxy = actions.record_proxy_authorization(
        actor=world.users["community_worker"],
        person=person,
        agent=gw,
        scope="投票",
        document_ref="授权书-7",
    )
    assert gw.has_perm("people.act_for", person)
    assert not gw.has_perm("people.act_for", world.people["G11-1-101-户主"])
    with pytest.raises(ActionError):
        actions.revoke_proxy_authorization(
            actor=world.users["community_worker"], proxy=proxy, document_ref=""
        )
    actions.revoke_proxy_authorization(
        actor=world.users["community_worker"], proxy=proxy, document_ref="撤销-1"
    )
    assert not gw.has_perm("people.act_for", person)
    assert list(AuditLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "proxy.record",
        "proxy.revoke",
    ]


def test_proxy_agent_must_be_staff_of_the_grid(world: Any) -> None:
    with pytest.raises(ActionError) as err:
        actions.record_proxy_authorization(
            actor=world.users["community_worker"],
            person=world.people["G11-1-102-户主"],
            agent=world.users["volunteer"],
            scope="投票",
            document_ref="授权书-8",
        )
    assert err.value.field == "agent"
    assert not ProxyAuthorization.objects.exists()


def test_owner_roster_match_needs_a_current_ownership(world: Any) -> None:
    unit = world.units["G21-1-102"]
    p = world.people["G21-1-102-户主"]
    claim: dict[str, Any] = dict(
        kind="owner", unit=unit, claimed_name=p.name, claimed_id_number=p.id_number
    )
    first = actions.request_verification(actor=world.users["outsider"], **claim)
    confirm_roster_matches_at_once(world)
    assert first.status == "pending"  # not on the unit's roster of owners yet
    actions.withdraw_verification(actor=world.users["outsider"], verification=first)
    Ownership.objects.create(person=p, unit=unit)
    second = actions.request_verification(actor=world.users["outsider"], **claim)
    assert second.status == "confirmed" and second.method == "roster"
    assert is_verified_owner(world.users["outsider"], unit)
    assert not is_verified_resident(world.users["outsider"], world.households["G11-1-101"])


def test_a_resident_linked_to_another_account_is_not_taken_over(world: Any) -> None:
    taken = world.people["G11-1-101-户主"]  # linked to the resident persona
    v = actions.request_verification(
        actor=world.users["outsider"],
        kind="resident",
        household=world.households["G11-1-101"],
        claimed_name=taken.name,
        claimed_id_number=taken.id_number,
    )
    assert v.status == "pending"  # a roster match, but the record belongs to someone else
    with pytest.raises(ActionError) as err:
        actions.confirm_verification(actor=world.users["grid_worker"], verification=v, person=taken)
    assert err.value.field == "person"
    assert Person.objects.get(pk=taken.pk).user == world.users["resident"]
    assert Verification.objects.get(pk=v.pk).status == "pending"

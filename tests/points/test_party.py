"""A party member's yearly score: the hand calculation from the rules, every item traceable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cogov.core.actions import set_policy
from cogov.core.errors import ActionError, NotAllowed
from cogov.people.models import PartyMember
from cogov.points import actions
from cogov.points.models import Entry, PartyRecordEvent, RecordStatus, Signup
from cogov.points.policy_kinds import PARTY
from cogov.points.scoring import yearly_score

from .conftest import at, make_activity

SCHEME = {
    "base_points": "20",
    "task_points": "10",
    "task_monthly_cap": "4",
    "bonus_points": "5",
    "volunteer_points_per_activity": "1",
    "items": [
        {"code": "absence", "label": "无故缺席", "bucket": "base", "points": "-2"},
        {"code": "complaint", "label": "有效投诉", "bucket": "base", "points": "-15"},
        {"code": "meeting", "label": "三会一课", "bucket": "task", "points": "1"},
        {"code": "pledge", "label": "履诺", "bucket": "task", "points": "3"},
        {
            "code": "contribution",
            "label": "突出贡献",
            "bucket": "bonus",
            "points": "3",
            "evidence_required": True,
        },
        {
            "code": "county",
            "label": "县级表彰",
            "bucket": "extra",
            "points": "10",
            "evidence_required": True,
        },
    ],
}


def test_yearly_score_matches_the_hand_calculation(world):
    set_policy(
        actor=world.users["admin"],
        kind=PARTY,
        node=world.C1,
        value=SCHEME,
        effective_from=dt.date(2020, 1, 1),
    )
    member = PartyMember.objects.get(person__user=world.users["party_member"])
    staff, secretary, me = (
        world.users["community_worker"],
        world.users["party_secretary"],
        world.users["party_member"],
    )

    def record(code, day, actor=staff, **kw):
        return actions.claim_party_record(
            actor=actor, member=member, code=code, occurred_on=day, **kw
        )

    # base: 20 - 2 - 15 = 3, then another -2 → 1 (floor 0 never reached); counted as given
    record("absence", dt.date(2026, 2, 1))
    record("complaint", dt.date(2026, 3, 1))
    record("absence", dt.date(2026, 4, 1))
    # task, March: meeting 1 + pledge 3 = 4 (cap 4) then meeting 1 → 0 counted
    record("meeting", dt.date(2026, 3, 5))
    record("pledge", dt.date(2026, 3, 10))
    record("meeting", dt.date(2026, 3, 20))
    # task, April: pledge 3 + a volunteer activity (1) = 4
    record("pledge", dt.date(2026, 4, 10))
    activity = make_activity(world, start=at(2026, 4, 12), title="社区清洁")
    signup = Signup.objects.create(activity=activity, person=member.person, status="confirmed")
    actions.confirm_attendance(actor=staff, signup=signup)
    # task, May: pledge 3 → year total 4 + 4 + 3 = 11, cut to the yearly 10 → 2 counted
    record("pledge", dt.date(2026, 5, 10))
    # bonus: two contributions of 3 with evidence, approved: 3 + 2 (yearly cap 5)
    b1 = record(
        "contribution",
        dt.date(2026, 6, 1),
        actor=me,
        evidence=[{"ref": "表彰文件1", "label": "街道通报"}],
    )
    b2 = record("contribution", dt.date(2026, 7, 1), actor=me, evidence=[{"ref": "表彰文件2"}])
    # a third, rejected, counts nothing; a claimed-but-undecided one neither
    b3 = record("contribution", dt.date(2026, 8, 1), actor=me, evidence=[{"ref": "x"}])
    record("contribution", dt.date(2026, 9, 1), actor=me, evidence=[{"ref": "y"}])
    # extra: outside the total
    e1 = record("county", dt.date(2026, 10, 1), actor=me, evidence=[{"ref": "县委文件"}])
    # base again: -15 on 1 left → only 1 counted (floor 0)
    record("complaint", dt.date(2026, 11, 1))
    # last year's record does not count
    record("pledge", dt.date(2025, 12, 31))
    for r in (b1, b2, e1):
        actions.decide_party_record(actor=secretary, record=r, approve=True, note="同意")
    actions.decide_party_record(actor=secretary, record=b3, approve=False, note="证据不足")

    score = yearly_score(member, 2026)
    # Hand calculation: base 20-2-15-2 = 1, then -15 floors at 0; task 4 (Mar) + 4 (Apr) + 2
    # (May, yearly cap) = 10; bonus 3 + 2 = 5 (yearly cap); total 0 + 10 + 5 = 15; extra 10.
    assert score.buckets == {
        "base": Decimal("0.00"),
        "task": Decimal("10.00"),
        "bonus": Decimal("5.00"),
        "extra": Decimal("10.00"),
    }
    assert score.total == Decimal("15.00") and score.extra == Decimal("10.00")
    counted = [(i.code, i.on.isoformat(), str(i.counted)) for i in score.items]
    assert ("meeting", "2026-03-20", "0.00") in counted
    assert ("pledge", "2026-05-10", "2.00") in counted
    assert ("contribution", "2026-07-01", "2.00") in counted
    assert ("complaint", "2026-11-01", "-1.00") in counted
    assert len(score.items) == 13  # 9 records, 1 activity, 2 bonuses, 1 extra

    # Every item is traceable to its evidence.
    for item in score.items:
        assert item.evidence, item
    volunteer = next(i for i in score.items if i.code == "volunteer")
    kinds = {e.kind: e.ref for e in volunteer.evidence}
    assert kinds["activity"] == str(activity.uuid) and kinds["signup"] == str(signup.uuid)
    assert Entry.objects.filter(uuid=kinds["entry"], signup=signup).exists()
    bonus = next(i for i in score.items if i.code == "contribution" and i.on == dt.date(2026, 6, 1))
    refs = {(e.kind, e.ref) for e in bonus.evidence}
    assert ("record", str(b1.uuid)) in refs and ("document", "表彰文件1") in refs
    approval = next(e for e in bonus.evidence if e.kind == "approval")
    event = PartyRecordEvent.objects.get(pk=int(approval.ref))
    assert event.actor == secretary and event.to_status == RecordStatus.APPROVED


def test_bonus_needs_evidence_and_someone_else_to_approve(world):
    member = PartyMember.objects.get(person__user=world.users["party_member"])
    me = world.users["party_member"]
    with pytest.raises(ActionError) as err:
        actions.claim_party_record(
            actor=me, member=member, code="contribution", occurred_on=dt.date(2026, 1, 5)
        )
    assert err.value.code == "evidence_required"
    claim = actions.claim_party_record(
        actor=me,
        member=member,
        code="contribution",
        occurred_on=dt.date(2026, 1, 5),
        evidence=[{"ref": "doc"}],
    )
    assert claim.status == RecordStatus.CLAIMED
    with pytest.raises(NotAllowed):  # a community worker manages points but does not approve
        actions.decide_party_record(
            actor=world.users["community_worker"], record=claim, approve=True
        )
    with pytest.raises(NotAllowed):
        actions.decide_party_record(actor=me, record=claim, approve=True)
    own = actions.claim_party_record(
        actor=world.users["party_secretary"],
        member=member,
        code="contribution",
        occurred_on=dt.date(2026, 1, 6),
        evidence=[{"ref": "doc2"}],
    )
    assert own.status == RecordStatus.CLAIMED  # bonus items always wait for a decision
    with pytest.raises(NotAllowed):  # …by someone other than the claimant
        actions.decide_party_record(actor=world.users["party_secretary"], record=own, approve=True)
    actions.decide_party_record(actor=world.users["party_secretary"], record=claim, approve=True)
    claim.refresh_from_db()
    assert claim.status == RecordStatus.APPROVED


def test_other_members_records_are_not_yours(world):
    other = PartyMember.objects.exclude(person__user=world.users["party_member"]).get()
    with pytest.raises(NotAllowed):
        actions.claim_party_record(
            actor=world.users["party_member"],
            member=other,
            code="meeting",
            occurred_on=dt.date(2026, 1, 5),
        )

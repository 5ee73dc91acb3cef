"""Setting up a joint party committee: the committee itself, its member units (joining,
leaving, taking part in the rotation), its terms and its members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.policies import get_policy

from ...models import (
    CommitteeMember,
    CommitteeTerm,
    CommitteeUnit,
    JointCommittee,
    Organization,
    OrgKind,
)
from ...policy_kinds import JOINT_COMMITTEE
from . import common
from .common import _manage, _require
from .rotation import recompute_rotation


def create_committee(*, actor: Any, organization: Organization) -> JointCommittee:
    """Make a party-committee organization a joint party committee (大党委)."""
    _require(
        actor,
        "organizations.manage_committee",
        organization,
        _("You may not set up a joint committee here."),
    )
    if organization.kind != OrgKind.PARTY_COMMITTEE or not organization.active:
        raise ActionError(
            _("A joint committee is an active party committee."), field="organization"
        )
    with transaction.atomic():
        committee, created = JointCommittee.objects.get_or_create(organization=organization)
        if not created:
            raise ActionError(_("This is already a joint committee."), field="organization")
        record(actor, "committee.create", committee)
    return committee


def add_unit(
    *,
    actor: Any,
    committee: JointCommittee,
    unit: Organization,
    seats: int = 1,
    in_rotation: bool = True,
    on: dt.date | None = None,
) -> CommitteeUnit:
    """Admit a member unit from `on` (today): it goes to the end of the rotation order and the
    calendar is recomputed from that date."""
    _manage(actor, committee)
    on = on or common._today()
    if not unit.active:
        raise ActionError(_("The unit is no longer active."), field="unit")
    if seats < 1:
        raise ActionError(_("A unit has at least one seat."), field="seats")
    with transaction.atomic():
        last = committee.units.order_by("-rotation_order").first()
        try:
            with transaction.atomic():
                row = CommitteeUnit.objects.create(
                    committee=committee,
                    unit=unit,
                    seats=seats,
                    in_rotation=in_rotation,
                    rotation_order=(last.rotation_order + 1) if last else 1,
                    joined_on=on,
                )
        except IntegrityError:
            raise ActionError(_("This unit is already a member."), field="unit") from None
        recompute_rotation(committee, on)
        record(actor, "committee.add_unit", committee, unit=unit.pk, seats=seats)
    return row


def set_in_rotation(
    *, actor: Any, member_unit: CommitteeUnit, in_rotation: bool, on: dt.date | None = None
) -> CommitteeUnit:
    """A unit opts out of (or back into) the rotating chair from `on`. Only later periods change.
    The unit itself or the committee's managers may do it."""
    committee = member_unit.committee
    if not (
        actor.has_perm("organizations.manage_committee", committee.organization)
        or actor.has_perm("organizations.act_for_unit", member_unit.unit)
    ):
        raise NotAllowed(_("You may not change this unit's turn."))
    on = on or common._today()
    with transaction.atomic():
        CommitteeUnit.objects.filter(pk=member_unit.pk).update(in_rotation=in_rotation)
        member_unit.in_rotation = in_rotation
        recompute_rotation(committee, on)
        record(
            actor, "committee.rotation_opt", committee, unit=member_unit.unit_id, value=in_rotation
        )
    return member_unit


def remove_unit(
    *, actor: Any, member_unit: CommitteeUnit, on: dt.date | None = None, reason: str = ""
) -> CommitteeUnit:
    """A unit leaves the committee on `on`. Periods starting on or after that date are given to
    the next units in order; periods before it keep their chair."""
    committee = member_unit.committee
    _manage(actor, committee)
    on = on or common._today()
    if member_unit.left_on is not None:
        raise ActionError(_("This unit has already left."))
    with transaction.atomic():
        CommitteeUnit.objects.filter(pk=member_unit.pk).update(left_on=on)
        member_unit.left_on = on
        recompute_rotation(committee, on)
        record(actor, "committee.remove_unit", committee, unit=member_unit.unit_id, reason=reason)
    return member_unit


def start_term(
    *, actor: Any, committee: JointCommittee, number: int, starts_on: dt.date, ends_on: dt.date
) -> CommitteeTerm:
    _manage(actor, committee)
    if ends_on <= starts_on:
        raise ActionError(_("A term must end after it starts."), field="ends_on")
    try:
        with transaction.atomic():
            term = CommitteeTerm.objects.create(
                committee=committee, number=number, starts_on=starts_on, ends_on=ends_on
            )
            record(actor, "committee.start_term", committee, number=number)
    except IntegrityError:
        raise ActionError(_("That term already exists."), field="number") from None
    return term


def appoint_member(
    *,
    actor: Any,
    committee: JointCommittee,
    term: CommitteeTerm,
    user: Any,
    unit: Organization | None = None,
    full_time: bool = False,
    title: str = "",
    on: dt.date | None = None,
) -> CommitteeMember:
    """Appoint a committee member (委员) for a term. The member gets a membership in the
    committee's body, which makes them an elector of its votes (the "body" electorate)."""
    from cogov.accounts.actions import grant_membership

    _manage(actor, committee)
    if term.committee_id != committee.pk:
        raise ActionError(_("That term belongs to another committee."), field="term")
    on = on or max(common._today(), term.starts_on)
    rules = get_policy(JOINT_COMMITTEE, committee.organization.node, on=on)
    current = committee.members.filter(ended_on__isnull=True, term=term)
    if current.count() >= rules.max_members:
        raise ActionError(_("The committee is full for this term."), field="user")
    if full_time and current.filter(full_time=True).count() >= rules.max_full_time:
        raise ActionError(_("The committee has all its full-time members."), field="full_time")
    if unit is not None and not committee.units.filter(unit=unit, left_on__isnull=True).exists():
        raise ActionError(_("That unit is not a member unit."), field="unit")
    if current.filter(user=user).exists():
        raise ActionError(_("This person already sits on the committee."), field="user")
    with transaction.atomic():
        membership = grant_membership(
            actor=actor,
            user=user,
            role="party_member",
            organization=committee.organization,
            title=title,
            full_time=full_time,
            valid_from=on,
            valid_to=term.ends_on,
        )
        member = CommitteeMember.objects.create(
            committee=committee,
            term=term,
            user=user,
            unit=unit,
            full_time=full_time,
            title=title,
            membership=membership,
            started_on=on,
        )
        record(actor, "committee.appoint", committee, user=user.pk, full_time=full_time)
    return member


def end_member(
    *, actor: Any, member: CommitteeMember, on: dt.date | None = None
) -> CommitteeMember:
    from cogov.accounts.actions import end_membership

    _manage(actor, member.committee)
    on = on or common._today()
    if member.ended_on is not None:
        raise ActionError(_("This member has already left."))
    with transaction.atomic():
        CommitteeMember.objects.filter(pk=member.pk).update(ended_on=on)
        member.ended_on = on
        if member.membership is not None and (
            member.membership.valid_to is None or member.membership.valid_to > on
        ):
            end_membership(actor=actor, membership=member.membership, on=on)
        record(actor, "committee.end_member", member.committee, user=member.user_id)
    return member

"""The rotating chair: the year's calendar stored as rows, recomputed from a date (periods that
have started keep their chair), and the chair unit's plan, start and hand-over."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from ...models import SLOT_TRANSITIONS, JointCommittee, RotationEvent, RotationSlot, SlotStatus
from ...policy_kinds import JOINT_COMMITTEE, MONTHS
from . import common
from .common import _manage, unit_users


def periods(year: int, months: int) -> list[tuple[dt.date, dt.date]]:
    """The periods of a year of `months` months each: [(start, end exclusive)]."""
    out = []
    for first in range(1, 13, months):
        last = first + months
        end = dt.date(year + (last > 12), (last - 1) % 12 + 1, 1)
        out.append((dt.date(year, first, 1), end))
    return out


def generate_rotation(*, actor: Any, committee: JointCommittee, year: int) -> list[RotationSlot]:
    """Create the year's rotation calendar (period from the policy in force on 1 January) and
    give each period not yet locked its chair, continuing the order from the last period before
    the year. Periods that have already started are never changed."""
    _manage(actor, committee)
    rules = get_policy(JOINT_COMMITTEE, committee.organization.node, on=dt.date(year, 1, 1))
    with transaction.atomic():
        existing = set(
            committee.rotation.filter(starts_on__year=year).values_list("starts_on", flat=True)
        )
        RotationSlot.objects.bulk_create(
            [
                RotationSlot(committee=committee, starts_on=start, ends_on=end)
                for start, end in periods(year, MONTHS[rules.rotation_period])
                if start not in existing
            ]
        )
        recompute_rotation(committee, dt.date(year, 1, 1))
        record(actor, "committee.generate_rotation", committee, year=year)
    return list(committee.rotation.filter(starts_on__year=year))


def _locked(slot: RotationSlot, today: dt.date) -> bool:
    """A period that has started (or been handed over) keeps its chair."""
    return slot.unit_id is not None and (
        slot.starts_on <= today or slot.status != SlotStatus.SCHEDULED
    )


def recompute_rotation(committee: JointCommittee, from_date: dt.date) -> int:
    """Give every period that starts on or after `from_date` (and has not started) its chair:
    the next eligible unit in rotation order after the chair of the last period kept. Periods
    before `from_date` never change. Returns the number of periods changed."""
    today = common._today()
    units = list(committee.units.order_by("rotation_order", "pk"))
    key = {u.unit_id: (u.rotation_order, u.pk) for u in units}
    slots = list(committee.rotation.select_for_update().order_by("starts_on"))
    previous = None
    changed = 0
    for slot in slots:
        if slot.starts_on < from_date or _locked(slot, today):
            previous = slot.unit_id
            continue
        eligible = [
            u
            for u in units
            if u.in_rotation
            and u.joined_on < slot.ends_on
            and (u.left_on is None or u.left_on > slot.starts_on)
        ]
        chosen = None
        if eligible:
            after = key.get(previous) if previous is not None else None
            later = [u for u in eligible if after is None or (u.rotation_order, u.pk) > after]
            chosen = (later or eligible)[0].unit_id
        if slot.unit_id != chosen:
            RotationSlot.objects.filter(pk=slot.pk).update(unit_id=chosen)
            changed += 1
        previous = chosen
    return changed


def current_slot(committee: JointCommittee, on: dt.date | None = None) -> RotationSlot | None:
    on = on or common._today()
    return committee.rotation.filter(starts_on__lte=on, ends_on__gt=on).first()


def _act_for_slot(actor: Any, slot: RotationSlot, message: str) -> None:
    committee = slot.committee
    if actor.has_perm("organizations.manage_committee", committee.organization):
        return
    if slot.unit is not None and actor.has_perm("organizations.act_for_unit", slot.unit):
        return
    raise NotAllowed(message)


def set_activity_plan(*, actor: Any, slot: RotationSlot, plan: str) -> RotationSlot:
    """The chair unit writes the period's activity plan (or the committee's managers)."""
    _act_for_slot(actor, slot, _("Only the chair unit plans this period."))
    plan = (plan or "").strip()
    if not plan:
        raise ActionError(_("Write the plan."), field="plan")
    if slot.status == SlotStatus.HANDED_OVER:
        raise ActionError(_("This period has been handed over."))
    with transaction.atomic():
        RotationSlot.objects.filter(pk=slot.pk).update(plan=plan)
        slot.plan = plan
        record(actor, "committee.plan", slot.committee, slot=slot.pk)
    return slot


def start_chair(*, actor: Any, slot: RotationSlot) -> RotationSlot:
    """The chair unit takes the chair for its period (SCHEDULED → ACTIVE)."""
    _act_for_slot(actor, slot, _("Only the chair unit takes this chair."))
    if slot.unit_id is None:
        raise ActionError(_("No unit chairs this period."))
    with transaction.atomic():
        transition(
            slot, SlotStatus.ACTIVE, table=SLOT_TRANSITIONS, events=RotationEvent, actor=actor
        )
    return slot


def hand_over(*, actor: Any, slot: RotationSlot, summary: str = "") -> RotationSlot:
    """Hand the chair over to the next period's unit: the period is closed with its summary,
    the next one becomes active and its unit is told."""
    _act_for_slot(actor, slot, _("Only the chair unit hands over."))
    nxt = (
        slot.committee.rotation.filter(starts_on__gte=slot.ends_on)
        .select_related("unit")
        .order_by("starts_on")
        .first()
    )
    with transaction.atomic():
        transition(
            slot,
            SlotStatus.HANDED_OVER,
            table=SLOT_TRANSITIONS,
            events=RotationEvent,
            actor=actor,
            note=summary,
            extra_updates={"summary": summary},
        )
        if nxt is not None and nxt.unit is not None and nxt.status == SlotStatus.SCHEDULED:
            transition(
                nxt,
                SlotStatus.ACTIVE,
                table=SLOT_TRANSITIONS,
                events=RotationEvent,
                actor=actor,
                note="hand-over",
            )
            notify(
                unit_users(nxt.unit),
                "organizations.chair_handed_over",
                _("Your unit now chairs %(committee)s") % {"committee": slot.committee},
            )
    return slot

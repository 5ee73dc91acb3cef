"""The loop after intake: centre work (verify, file, dispatch, approve, revisit, close, reopen,
escalate) and the handling organization's steps (sign, return, contact, postpone, hang, reply),
and the check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cogov.core.calendar import due_after
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.policies import get_policy
from cogov.organizations.models import Organization, OrgKind

from .. import deadlines
from ..models import (
    AttachmentStage,
    Case,
    Category,
    Urgency,
)
from ..predicates import WHISTLE, covers
from ..workflow import Resolution, Satisfaction, Status, move, touch
from .common import _attach, _note_required, _tell, require

S = Status


# --- centre work -----------------------------------------------------------------------------


def verify_case(
    *,
    actor: Any,
    case: Case,
    note: str = "",
    category: Category | None = None,
    urgency: str | None = None,
) -> Case:
    """The report is true (核实); category and urgency may be corrected."""
    require(actor, "cases.verify_case", case)
    updates: dict[str, Any] = {}
    if category is not None:
        updates["category"] = category
    if urgency is not None:
        if urgency not in Urgency.values:
            raise ActionError("unknown urgency", field="urgency")
        updates["urgency"] = urgency
    with transaction.atomic():
        move(case, S.VERIFIED, actor=actor, kind="verify", note=note, **updates)
        deadlines.meet(case, "verify")
    return case


def void_case(*, actor: Any, case: Case, reason: str) -> Case:
    """The report is false, not the platform's business, or not filable (作废)."""
    require(actor, "cases.verify_case", case)
    reason = _note_required(reason, "reason")
    with transaction.atomic():
        move(case, S.VOID, actor=actor, kind="void", note=reason)
        deadlines.meet(case, "verify")
        deadlines.cancel(case)
        _tell(case, ["reporter"], "case voided")
    return case


def file_case(*, actor: Any, case: Case, note: str = "") -> Case:
    """Open the file (立案)."""
    require(actor, "cases.file_case", case)
    with transaction.atomic():
        move(case, S.FILED, actor=actor, kind="file", note=note)
    return case


def responsible_organization(case: Case) -> Organization | None:
    """The category's default organization kind, nearest the case's grid; failing that the
    territorial fallback (属地兜底): the street office of the case's street. None means the
    street's officials handle the case themselves."""
    ids = [int(p) for p in case.territory_path.strip("/").split("/") if p]
    kinds = [k for k in (case.category.default_org_kind, OrgKind.STREET_OFFICE) if k]
    for kind in kinds:
        found = list(Organization.objects.active().filter(kind=kind, node_id__in=ids))
        if found:
            depth = {node_id: i for i, node_id in enumerate(ids)}
            return max(found, key=lambda o: (depth[o.node_id], -o.pk))
    return None


def start_clocks(case: Case, now: Any, *, first: bool) -> None:
    """On each dispatch the lead must sign; on the first, the requester's clocks start
    (response and feedback run from the first dispatch, not from a re-dispatch)."""
    deadlines.schedule_stage(case, "sign", now)
    if not first:
        return
    updates = {
        "response_due_at": deadlines.schedule_stage(case, "response", now),
        "reply_due_at": deadlines.schedule_stage(case, "feedback", now),
    }
    Case.objects.filter(pk=case.pk).update(**updates)
    for key, value in updates.items():
        setattr(case, key, value)
    touch(case)


def dispatch_case(
    *,
    actor: Any,
    case: Case,
    lead: Organization | None = None,
    co_handlers: Sequence[Organization] = (),
    note: str = "",
) -> Case:
    """Send the case to a lead organization (主办) and co-handlers (协办). Without a lead the
    category's default organization kind decides, then the street office (属地兜底)."""
    require(actor, "cases.dispatch_case", case)
    if case.status == S.ESCALATED and not covers(actor, WHISTLE, case.territory_path):
        raise NotAllowed("the case is with the street")
    lead = lead or responsible_organization(case)
    for org in [*([lead] if lead else []), *co_handlers]:
        if not org.active:
            raise ActionError(f"{org} is not active", field="lead")
    co = [o for o in co_handlers if not lead or o.pk != lead.pk]
    first = case.dispatched_at is None
    with transaction.atomic():
        now = timezone.now()
        move(
            case,
            S.DISPATCHED,
            actor=actor,
            kind="dispatch",
            note=note,
            organization=lead,
            evidence={
                "co_handlers": [o.pk for o in co],
                "fallback": lead is None or lead.kind == OrgKind.STREET_OFFICE,
            },
            lead_organization=lead,
            **({"dispatched_at": now} if first else {}),
        )
        case.co_handlers.set(co)
        deadlines.meet(case, "dispatch")
        start_clocks(case, now, first=first)
        _tell(case, ["lead"] if lead else ["street"], "case dispatched to you", "cases.dispatched")
    return case


# --- the handling organization ---------------------------------------------------------------


def sign_case(*, actor: Any, case: Case, note: str = "") -> Case:
    """The lead organization accepts the case (签收)."""
    require(actor, "cases.handle_case", case)
    with transaction.atomic():
        move(
            case,
            S.SIGNED,
            actor=actor,
            kind="sign",
            note=note,
            organization=case.lead_organization,
            signed_at=timezone.now(),
        )
        deadlines.meet(case, "sign")
    return case


def return_case(*, actor: Any, case: Case, reason: str) -> Case:
    """The organization sends the case back as not its business (退回); counts against the
    dispatch accuracy of whoever dispatched it."""
    require(actor, "cases.handle_case", case)
    reason = _note_required(reason, "reason")
    returned_by = case.lead_organization
    with transaction.atomic():
        move(
            case,
            S.RETURNED,
            actor=actor,
            kind="return",
            note=reason,
            organization=returned_by,
            lead_organization=None,
        )
        case.co_handlers.clear()
        deadlines.cancel(case, "sign")
        _tell(case, ["managers"], "case returned as wrongly dispatched")
    return case


def contact_requester(*, actor: Any, case: Case, note: str = "") -> Case:
    """First contact with the requester (先行联系, 响应); handling starts."""
    require(actor, "cases.handle_case", case)
    with transaction.atomic():
        move(
            case,
            S.HANDLING,
            actor=actor,
            kind="contact",
            note=note,
            organization=case.lead_organization,
            contacted_at=timezone.now(),
        )
        deadlines.meet(case, "response")
    return case


def request_postponement(*, actor: Any, case: Case, days: int, reason: str) -> Case:
    """Ask the centre for more time (延期申请)."""
    require(actor, "cases.handle_case", case)
    reason = _note_required(reason, "reason")
    limit = get_policy("cases.rules", case.grid or case.community).postponement_max_days
    if not 1 <= days <= limit:
        raise ActionError(f"between 1 and {limit} days", field="days")
    with transaction.atomic():
        move(
            case,
            S.POSTPONEMENT_REQUESTED,
            actor=actor,
            kind="request_postponement",
            note=reason,
            organization=case.lead_organization,
            evidence={"days": days},
        )
        _tell(case, ["managers"], "postponement requested")
    return case


def decide_postponement(*, actor: Any, case: Case, approve: bool, note: str = "") -> Case:
    """Approve (the reply deadline moves by the days asked) or refuse a postponement."""
    require(actor, "cases.approve_postponement", case)
    request = case.events.filter(kind="request_postponement").order_by("-at", "-pk").first()
    days = int((request.evidence if request else {}).get("days", 0))
    with transaction.atomic():
        updates: dict[str, Any] = {}
        if approve and days:
            base = case.reply_due_at or timezone.now()
            deadlines.cancel(case, "feedback")
            due = due_after(base, calendar_days=days)
            updates["reply_due_at"] = deadlines.schedule_at(case, "feedback", due)
        move(
            case,
            S.HANDLING,
            actor=actor,
            kind="approve_postponement" if approve else "refuse_postponement",
            note=note,
            evidence={"days": days},
            **updates,
        )
        _tell(case, ["lead"], "postponement approved" if approve else "postponement refused")
    return case


def hang_case(*, actor: Any, case: Case, until: dt.date, reason: str) -> Case:
    """Cannot be solved now: the organization commits in writing to a date (挂账, 承诺件)."""
    require(actor, "cases.handle_case", case)
    reason = _note_required(reason, "reason")
    if until <= timezone.localdate():
        raise ActionError("the committed date must be in the future", field="until")
    with transaction.atomic():
        deadlines.cancel(case, "feedback")
        due_at = deadlines.schedule_at(case, "feedback", deadlines.end_of_day(until))
        move(
            case,
            S.HUNG,
            actor=actor,
            kind="hang",
            note=reason,
            organization=case.lead_organization,
            evidence={"until": until.isoformat()},
            hung_until=until,
            reply_due_at=due_at,
        )
        _tell(case, ["managers", "reporter"], f"committed to solve by {until:%Y-%m-%d}")
    return case


def resume_case(*, actor: Any, case: Case, note: str = "") -> Case:
    require(actor, "cases.handle_case", case)
    with transaction.atomic():
        move(
            case,
            S.HANDLING,
            actor=actor,
            kind="resume",
            note=note,
            organization=case.lead_organization,
        )
    return case


def reply_case(*, actor: Any, case: Case, reply: str, photos: Sequence[UploadedFile] = ()) -> Case:
    """The organization reports what it did (回复, 处置反馈), with after photos."""
    require(actor, "cases.handle_case", case)
    reply = _note_required(reply, "reply")
    with transaction.atomic():
        now = timezone.now()
        move(
            case,
            S.REPLIED,
            actor=actor,
            kind="reply",
            note=reply,
            organization=case.lead_organization,
            reply=reply,
            replied_at=now,
        )
        _attach(case, actor, AttachmentStage.AFTER, photos)
        deadlines.meet(case, "feedback")
        case.check_due_at = deadlines.schedule_stage(case, "check", now)
        Case.objects.filter(pk=case.pk).update(check_due_at=case.check_due_at)
        touch(case)
        _tell(case, ["reporter", "field"], "reply received: please check", "cases.replied")
    return case


# --- checking, revisit, closing --------------------------------------------------------------


def check_case(*, actor: Any, case: Case, passed: bool, note: str = "") -> Case:
    """The original reporter or the grid worker checks the result (核查): pass, or rework (返工)."""
    require(actor, "cases.check_case", case)
    with transaction.atomic():
        now = timezone.now()
        deadlines.meet(case, "check")
        if passed:
            move(case, S.CHECKED, actor=actor, kind="check_pass", note=note, checked_at=now)
            if case.has_requester:
                deadlines.schedule_stage(case, "revisit", now)
        else:
            move(
                case,
                S.HANDLING,
                actor=actor,
                kind="check_fail",
                note=_note_required(note),
                checked_at=now,
            )
            _tell(case, ["lead"], "check failed: rework", "cases.rework")
    return case


def revisit_case(
    *, actor: Any, case: Case, resolution: str, satisfaction: str, note: str = ""
) -> Case:
    """Call the requester back (回访): 是否解决, 是否满意. "Unresolved" reopens the case.

    Recorded by the centre after the call, or by the verified resident who reported the case,
    answering for themselves; the event's evidence says which ("by": "centre" or "reporter"),
    the three rates count both alike."""
    require(actor, "cases.revisit_case", case)
    from ..predicates import is_case_manager

    by = "centre" if is_case_manager(actor, case) else "reporter"
    if resolution not in Resolution.values:
        raise ActionError("unknown answer", field="resolution")
    if satisfaction not in Satisfaction.values:
        raise ActionError("unknown answer", field="satisfaction")
    with transaction.atomic():
        move(
            case,
            S.REVISITED,
            actor=actor,
            kind="revisit",
            note=note,
            evidence={"resolution": resolution, "satisfaction": satisfaction, "by": by},
            revisit_resolution=resolution,
            revisit_satisfaction=satisfaction,
            revisited_at=timezone.now(),
        )
        deadlines.meet(case, "revisit")
        if resolution == Resolution.UNRESOLVED:
            _reopen(case, actor, "the revisit says the problem is not solved")
    return case


def close_case(*, actor: Any, case: Case, note: str = "") -> Case:
    """Close (结案). A case with a requester is closed only after the revisit."""
    require(actor, "cases.close_case", case)
    if case.status == S.CHECKED and case.has_requester:
        raise ActionError("call the requester back first", field="status")
    with transaction.atomic():
        move(case, S.CLOSED, actor=actor, kind="close", note=note, closed_at=timezone.now())
        deadlines.cancel(case)
        from .whistles import close_whistles_of

        close_whistles_of(case)
        _tell(case, ["reporter", "lead"], "case closed", "cases.closed")
    return case


def _reopen(case: Case, actor: Any, reason: str) -> None:
    now = timezone.now()
    move(case, S.HANDLING, actor=actor, kind="reopen", note=reason, closed_at=None)
    deadlines.cancel(case, "feedback")
    reply_due = deadlines.schedule_stage(case, "feedback", now)
    Case.objects.filter(pk=case.pk).update(reply_due_at=reply_due)
    case.reply_due_at = reply_due
    touch(case)
    _tell(
        case,
        ["lead", "managers"] if case.lead_organization_id else ["street"],
        "case reopened",
        "cases.reopened",
    )
    _tell(case, ["reporter"], "case reopened", "cases.reopened", exclude=actor)


def reopen_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Back to the handling organization, after a revisit or a closure that did not hold."""
    require(actor, "cases.reopen_case", case)
    reason = _note_required(reason, "reason")
    with transaction.atomic():
        _reopen(case, actor, reason)
    return case


def escalate_to_street(*, actor: Any, case: Case, reason: str) -> Case:
    """The community cannot solve it: the street takes the case (and may blow the whistle)."""
    require(actor, "cases.escalate_case", case)
    reason = _note_required(reason, "reason")
    with transaction.atomic():
        move(case, S.ESCALATED, actor=actor, kind="escalate", note=reason)
        deadlines.cancel(case, "sign")
        _tell(case, ["street"], "case escalated to the street", "cases.escalated")
    return case

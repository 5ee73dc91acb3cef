"""Every write of the case loop. Each action checks its permission, runs in one transaction,
moves the case through the transition table (one CaseEvent per step), meets and schedules
deadlines, and notifies. Whistle actions live in whistles.py and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cogov.accounts.models import Membership
from cogov.accounts.scopes import reach
from cogov.core.calendar import due_after
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.organizations.models import Organization, OrgKind

from . import deadlines
from .models import (
    AttachmentStage,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseNumber,
    Category,
    Channel,
    Urgency,
    WorkType,
)
from .predicates import CASE_ROLES, FIELD, MANAGE, WHISTLE, covers
from .workflow import OPEN_STATUSES, Resolution, Satisfaction, Status, move

S = Status


# --- helpers -------------------------------------------------------------------------------


def require(actor: Any, perm: str, obj: Any = None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise NotAllowed()


def audience(case: Case, *groups: str) -> list[Any]:
    """Users to tell: "lead" (members of the lead organization), "managers" (centre staff over
    the case), "street" (the street's officials), "reporter", "field" (the grid's workers)."""
    from django.contrib.auth import get_user_model

    node_ids = [int(p) for p in case.territory_path.strip("/").split("/") if p]
    roles: set[str] = set()
    if "managers" in groups:
        roles |= {k for k, caps in CASE_ROLES.items() if MANAGE in caps}
    if "street" in groups:
        roles |= {k for k, caps in CASE_ROLES.items() if WHISTLE in caps}
    if "field" in groups:
        roles |= {k for k, caps in CASE_ROLES.items() if FIELD in caps}
    user_ids: set[int] = set()
    memberships = Membership.objects.current()
    if roles:
        user_ids |= set(
            memberships.filter(role__in=roles, node_id__in=node_ids).values_list(
                "user_id", flat=True
            )
        )
    if "lead" in groups and case.lead_organization_id:
        user_ids |= set(
            memberships.filter(organization_id=case.lead_organization_id).values_list(
                "user_id", flat=True
            )
        )
    if "reporter" in groups:
        if case.reporter_user_id:
            user_ids.add(case.reporter_user_id)
        elif case.reporter_person_id and case.reporter_person and case.reporter_person.user_id:
            user_ids.add(case.reporter_person.user_id)
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def _tell(case: Case, groups: Sequence[str], title: str, kind: str = "cases.update") -> None:
    recipients = audience(case, *groups)
    if recipients:
        notify(recipients, kind, f"{case.number}: {title}", url=f"/cases/{case.uuid}/")


def _next_number(year: int, prefix: str = "G") -> str:
    row, _ = CaseNumber.objects.get_or_create(prefix=prefix, year=year)
    CaseNumber.objects.filter(pk=row.pk).update(last=F("last") + 1)
    row.refresh_from_db(fields=["last"])
    return f"{prefix}{year}-{row.last:06d}"


def _attach(
    case: Case, actor: Any, stage: str, files: Iterable[UploadedFile]
) -> list[CaseAttachment]:
    return [
        CaseAttachment.objects.create(case=case, stage=stage, file=f, uploaded_by=actor)
        for f in files
    ]


def _note_required(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ActionError("a reason is required", field=field)
    return note


# --- reporting -------------------------------------------------------------------------------


def _channel_for(actor: Any, channel: str | None, caller_phone: str) -> str:
    r = reach(actor)
    roles = r.roles
    if channel is None:
        if "grid_worker" in roles:
            return Channel.GRID_WORKER
        if caller_phone and (r.everything or any(MANAGE in CASE_ROLES.get(k, ()) for k in roles)):
            return Channel.HOTLINE
        return Channel.RESIDENT if r.person_id is not None else Channel.API
    if channel not in Channel.values:
        raise ActionError("unknown channel", field="channel")
    staff_only: dict[str, str] = {Channel.HOTLINE: MANAGE, Channel.GRID_WORKER: FIELD}
    if channel in staff_only and not (
        r.everything or any(staff_only[channel] in CASE_ROLES.get(k, ()) for k in roles)
    ):
        raise NotAllowed("this channel is for staff")
    if channel == Channel.IMPORT and not r.everything:
        raise NotAllowed("imports are for administrators")
    return channel


def report_case(
    *,
    actor: Any,
    category: Category,
    description: str,
    lon: float | None = None,
    lat: float | None = None,
    building: Any = None,
    address: str = "",
    work_type: str = WorkType.REQUEST,
    urgency: str | None = None,
    channel: str | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    anonymous: bool = False,
    photos: Sequence[UploadedFile] = (),
) -> Case:
    """Open a case at a point or a building: the grid is found by point-in-polygon lookup."""
    require(actor, "cases.report_case")
    description = (description or "").strip()
    if not description:
        raise ActionError("describe the problem", field="description")
    if not category.active:
        raise ActionError("this category is no longer used", field="category")
    if work_type not in WorkType.values:
        raise ActionError("unknown type", field="work_type")
    if urgency is not None and urgency not in Urgency.values:
        raise ActionError("unknown urgency", field="urgency")
    channel = _channel_for(actor, channel, caller_phone)
    if (lon is None) != (lat is None):
        raise ActionError("give both longitude and latitude", field="lon")
    if lon is None and building is not None:
        lon, lat = building.lon, building.lat
    grid = None
    if lon is not None and lat is not None:
        from cogov.territory.lookup import locate

        grid = locate(lon, lat).grid
    if grid is None and building is not None:
        grid = building.grid
    if grid is None:
        raise ActionError("this place lies in no grid of the platform", field="lon")
    chain = grid.ancestors(include_self=True)
    by_level = {n.level: n for n in chain}
    r = reach(actor)
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            number=_next_number(timezone.localdate(now).year),
            channel=channel,
            work_type=work_type,
            category=category,
            description=description,
            lon=lon,
            lat=lat,
            address=address or (building.address if building else ""),
            grid=grid,
            community=by_level.get("community"),
            street=by_level.get("street"),
            territory_path=grid.path,
            building=building,
            reporter_user=actor,
            reporter_person_id=r.person_id if channel == Channel.RESIDENT else None,
            caller_name=caller_name.strip(),
            caller_phone=caller_phone.strip(),
            anonymous=anonymous,
            urgency=urgency or category.urgency,
            reported_at=now,
        )
        CaseEvent.objects.create(
            subject=case, actor=actor, at=now, from_status="", to_status=S.REPORTED, kind="report"
        )
        _attach(case, actor, AttachmentStage.BEFORE, photos)
        deadlines.schedule_stage(case, "verify", now)
        deadlines.schedule_stage(case, "dispatch", now)
        _tell(case, ["field", "managers"], "new case reported", "cases.new")
    return case


def attach_files(
    *, actor: Any, case: Case, stage: str, files: Sequence[UploadedFile]
) -> list[CaseAttachment]:
    """Add photos or documents to a case (before / after / document)."""
    require(actor, "cases.attach_file", case)
    if stage not in AttachmentStage.values:
        raise ActionError("unknown stage", field="stage")
    if not files:
        raise ActionError("no file", field="files")
    with transaction.atomic():
        return _attach(case, actor, stage, files)


def find_likely_duplicates(case: Case, *, limit: int = 10) -> list[Case]:
    """Open cases of the same category reported nearby and recently (cases.rules policy),
    nearest first."""
    if case.lat is None or case.lon is None:
        return []
    rules = get_policy("cases.rules", case.grid or case.community)
    dlat = rules.duplicate_distance_m / 111_320
    dlon = dlat / max(math.cos(math.radians(case.lat)), 0.01)
    since = case.reported_at - dt.timedelta(days=rules.duplicate_days)
    candidates = (
        Case.objects.filter(
            category_id=case.category_id,
            status__in=OPEN_STATUSES,
            reported_at__gte=since,
            duplicate_of__isnull=True,
            lat__range=(case.lat - dlat, case.lat + dlat),
            lon__range=(case.lon - dlon, case.lon + dlon),
        )
        .exclude(pk=case.pk)
        .select_related("category", "grid", "community", "lead_organization")
    )
    near = [(distance_m(case.lon, case.lat, c.lon, c.lat), c) for c in candidates]
    near = [pair for pair in near if pair[0] <= rules.duplicate_distance_m]
    return [c for _d, c in sorted(near, key=lambda pair: (pair[0], pair[1].pk))][:limit]


def distance_m(lon1: float, lat1: float, lon2: float | None, lat2: float | None) -> float:
    """Great-circle distance in metres (haversine)."""
    if lon2 is None or lat2 is None:
        return math.inf
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def merge_duplicate(*, actor: Any, case: Case, into: Case, note: str = "") -> Case:
    """Void `case` as a duplicate of `into`; both reporters are told."""
    require(actor, "cases.merge_case", case)
    require(actor, "cases.merge_case", into)
    if case.pk == into.pk or into.duplicate_of_id:
        raise ActionError("merge into an original case", field="into")
    if into.status not in OPEN_STATUSES:
        raise ActionError("the original case is no longer open", field="into")
    with transaction.atomic():
        move(
            case,
            S.VOID,
            actor=actor,
            kind="merge",
            note=note,
            evidence={"into": into.number},
            duplicate_of=into,
        )
        deadlines.cancel(case)
        CaseEvent.objects.create(
            subject=into,
            actor=actor,
            kind="merged_in",
            from_status=into.status,
            to_status=into.status,
            evidence={"duplicate": case.number},
        )
        _tell(case, ["reporter"], f"merged into {into.number}")
        _tell(into, ["reporter"], f"{case.number} was merged into this case")
    return case


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
            dispatched_at=now,
        )
        case.co_handlers.set(co)
        deadlines.meet(case, "dispatch")
        deadlines.schedule_stage(case, "sign", now)
        if first:
            updates = {
                "response_due_at": deadlines.schedule_stage(case, "response", now),
                "reply_due_at": deadlines.schedule_stage(case, "feedback", now),
            }
            Case.objects.filter(pk=case.pk).update(**updates)
            for key, value in updates.items():
                setattr(case, key, value)
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
    """Call the requester back (回访): 是否解决, 是否满意. "Unresolved" reopens the case."""
    require(actor, "cases.revisit_case", case)
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
            evidence={"resolution": resolution, "satisfaction": satisfaction},
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
    _tell(
        case,
        ["lead", "managers"] if case.lead_organization_id else ["street"],
        "case reopened",
        "cases.reopened",
    )


def reopen_case(*, actor: Any, case: Case, reason: str) -> Case:
    """Back to the handling organization, after a revisit or a closure that did not hold."""
    require(actor, "cases.reopen_case", case)
    reason = _note_required(reason, "reason")
    with transaction.atomic():
        _reopen(case, actor, reason)
    return case


def answer_consultation(*, actor: Any, case: Case, answer: str) -> Case:
    """A consultation (咨询) answered directly and closed at once (直办)."""
    require(actor, "cases.answer_case", case)
    if case.work_type != WorkType.CONSULTATION:
        raise ActionError("only a consultation is answered directly", field="work_type")
    answer = _note_required(answer, "answer")
    with transaction.atomic():
        now = timezone.now()
        move(
            case,
            S.CLOSED,
            actor=actor,
            kind="answer",
            note=answer,
            reply=answer,
            replied_at=now,
            closed_at=now,
        )
        deadlines.meet(case, "verify", "dispatch")
        deadlines.cancel(case)
        _tell(case, ["reporter"], "your question was answered", "cases.closed")
    return case


def handle_on_the_spot(
    *, actor: Any, case: Case, note: str, photos: Sequence[UploadedFile]
) -> Case:
    """The grid worker fixed it on site (自行处置) and closes it with photo evidence."""
    require(actor, "cases.handle_on_spot", case)
    note = _note_required(note)
    if not photos:
        raise ActionError("a photo of the result is required", field="photos")
    with transaction.atomic():
        now = timezone.now()
        files = _attach(case, actor, AttachmentStage.AFTER, photos)
        move(
            case,
            S.CLOSED,
            actor=actor,
            kind="on_spot",
            note=note,
            evidence={"attachments": [str(a.uuid) for a in files]},
            reply=note,
            replied_at=now,
            closed_at=now,
        )
        deadlines.meet(case, "verify", "dispatch")
        deadlines.cancel(case)
        _tell(case, ["reporter"], "handled on the spot", "cases.closed")
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


from .whistles import (  # noqa: E402  (re-exported: cogov.cases.actions is the one door)
    blow_whistle,
    department_report,
    rate_department,
    record_no_shows,
)

__all__ = [
    "answer_consultation",
    "attach_files",
    "blow_whistle",
    "check_case",
    "close_case",
    "contact_requester",
    "decide_postponement",
    "department_report",
    "dispatch_case",
    "escalate_to_street",
    "file_case",
    "find_likely_duplicates",
    "handle_on_the_spot",
    "hang_case",
    "merge_duplicate",
    "rate_department",
    "record_no_shows",
    "reopen_case",
    "reply_case",
    "report_case",
    "request_postponement",
    "resume_case",
    "return_case",
    "revisit_case",
    "sign_case",
    "verify_case",
    "void_case",
]

"""Intake: reporting (grid found by point lookup), duplicates, direct answers and on-the-spot
handling."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cogov.accounts.scopes import reach
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.policies import get_policy
from cogov.organizations.models import OrgKind

from .. import deadlines
from ..models import (
    AttachmentStage,
    Case,
    CaseAttachment,
    CaseEvent,
    Category,
    Channel,
    Urgency,
    WorkType,
)
from ..predicates import CASE_ROLES, FIELD, MANAGE
from ..workflow import OPEN_STATUSES, Status, move, touch
from .common import _attach, _next_number, _note_required, _tell, require

S = Status

# Channels through which a case may arrive with no platform user as its reporter: the acting
# user (an Open311 key's issuer, an importing administrator, a hotline operator) only relays it.
EXTERNAL_CHANNELS = frozenset({Channel.OPEN311, Channel.API, Channel.IMPORT, Channel.HOTLINE})
_ACTOR: Any = object()  # report_case's default reporter: the acting user


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
    reporter_user: Any = _ACTOR,
) -> Case:
    """Open a case at a point or a building: the grid is found by point-in-polygon lookup.

    `actor` is who acts (the report event's actor, whose permission is checked);
    `reporter_user` is the platform user who asked, told of the reply and asked to check it. It
    defaults to the actor; external channels (Open311, API, import, hotline) may pass None: the
    requester is then only the caller fields, and the relaying user gets no reporter
    notifications and no "check the reply" queue items."""
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
    if reporter_user is _ACTOR:
        reporter_user = actor
    elif reporter_user is None and channel not in EXTERNAL_CHANNELS:
        raise ActionError("a case of this channel has a reporter", field="channel")
    elif reporter_user is not None and reporter_user.pk != actor.pk:
        raise NotAllowed("only external channels relay a report for someone else")
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
    # The number first, in its own statement: holding the year's counter row locked until the
    # intake commits made every intake of the platform wait for the one before it (about ten a
    # second at most; bench/b_intake.py). An intake that fails after this leaves a gap.
    number = _next_number(timezone.localdate().year)
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            number=number,
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
            reporter_user=reporter_user,
            reporter_person_id=(
                r.person_id if channel == Channel.RESIDENT and reporter_user is not None else None
            ),
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
        touch(case)
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
    """Void `case` as a duplicate of `into`. Both reporters and the followers of both cases
    are told; the duplicate's reporter and followers then follow `into`, so they hear how the
    problem they reported ends."""
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
        from .follow import carry_followers

        carry_followers(case, into)
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


CATEGORY_FIELDS = ("parent", "code", "name", "urgency", "default_org_kind", "active")


def save_category(*, actor: Any, category: Category | None = None, **fields: Any) -> Category:
    """Create or change a category of the platform-wide tree (platform policy managers only)."""
    from cogov.core.audit import record

    require(actor, "cases.manage_categories")
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise ActionError(f"unknown field {sorted(unknown)[0]}", field=sorted(unknown)[0])
    if fields.get("urgency", Urgency.GENERAL) not in Urgency.values:
        raise ActionError("unknown urgency", field="urgency")
    kind = fields.get("default_org_kind", "")
    if kind and kind not in OrgKind.values:
        raise ActionError("unknown organization kind", field="default_org_kind")
    parent = fields.get("parent")
    if parent is not None and category is not None and parent.pk == category.pk:
        raise ActionError("a category cannot be its own parent", field="parent")
    code = fields.get("code")
    taken = Category.objects.filter(code=code)
    if category is not None:
        taken = taken.exclude(pk=category.pk)
    if code and taken.exists():
        raise ActionError("this code is taken", field="code")
    with transaction.atomic():
        category = category or Category()
        for key, value in fields.items():
            setattr(category, key, value)
        category.save()
        record(
            actor,
            "cases.save_category",
            category,
            **{k: (v.code if isinstance(v, Category) else v) for k, v in fields.items()},
        )
    return category

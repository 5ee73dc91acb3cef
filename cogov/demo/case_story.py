"""One demo case's story (docs/demo.md, "Case activity"): a path through the workflow drawn
from the grid's random stream, turned into the case row, its `CaseEvent` rows (one per step of
`cogov.cases.workflow.STEPS`), its deadlines, and for an escalated case a whistle with its
department reports. `activity_cases.py` decides how many cases each grid gets and writes them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType

from .context import AS_OF_TIME
from .randomness import make_uuid

# Cases per scale (about 2,000 for small, 100,000 for a district).
VOLUME = {"tiny": 100, "small": 2_000, "district": 100_000, "city": 1_000_000}
BATCH = 2_000


H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

# Paths: (weight, name). Each is turned into steps by _walk.
PATHS: list[tuple[int, str]] = [
    (46, "closed"),
    (6, "rework"),
    (4, "postponed"),
    (4, "returned"),
    (3, "hung_resumed"),
    (2, "hung_open"),
    (3, "whistle"),
    (10, "on_spot"),
    (4, "answer"),
    (3, "void"),
    (5, "open_handling"),
    (2, "open_overdue"),
    (2, "open_new"),
    (3, "closed_no_requester"),
    (3, "reopened_after_revisit"),
]
_WEIGHTS = [w for w, _ in PATHS]
_NAMES = [n for _, n in PATHS]

RESOLUTIONS = (["resolved"] * 80, ["partly"] * 14, ["unresolved"] * 6)
SATISFACTIONS = (["satisfied"] * 74, ["fairly"] * 16, ["dissatisfied"] * 7, ["unrated"] * 3)
_RES = [x for group in RESOLUTIONS for x in group]
_SAT = [x for group in SATISFACTIONS for x in group]

DESCRIPTIONS = [
    "楼道堆放杂物，影响通行",
    "小区门口垃圾满溢未清运",
    "路灯不亮已有三天",
    "井盖松动有安全隐患",
    "楼上漏水影响楼下住户",
    "夜间施工噪音扰民",
    "共享单车乱停放堵塞人行道",
    "绿化带被占用种菜",
    "电动车在楼道充电",
    "下水道堵塞污水外溢",
]


@dataclass
class Grid:
    id: int
    path: str
    community_id: int | None
    street_id: int | None
    buildings: list[tuple[int, float | None, float | None, str]]
    lead_ids: list[int]  # organizations that may lead cases here (property companies, …)
    street_office_id: int | None
    grid_worker: int | None
    centre: list[int]  # community workers and the party secretary
    handlers: dict[int, int]  # organization id → a staff user id
    street_officials: list[int]


@dataclass
class Batch:
    cases: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    deadlines: list[Any] = field(default_factory=list)
    co: list[Any] = field(default_factory=list)
    whistles: list[Any] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)


def _take(ids: dict[str, int], name: str) -> int:
    value = ids[name]
    ids[name] = value + 1
    return value


def _walk(rng: random.Random, path: str) -> list[str]:
    """The steps of a path (after "report"), each a key of workflow.STEPS."""
    head = ["verify", "file", "dispatch"]
    work = ["sign", "contact"]
    end = ["reply", "check_pass", "revisit", "close"]
    if path == "closed":
        return head + work + end
    if path == "closed_no_requester":
        return head + work + ["reply", "check_pass", "close"]
    if path == "rework":
        return head + work + ["reply", "check_fail"] + end
    if path == "postponed":
        decision = "approve_postponement" if rng.random() < 0.8 else "refuse_postponement"
        return head + work + ["request_postponement", decision] + end
    if path == "returned":
        return [*head, "return", "dispatch", *work, *end]
    if path == "hung_resumed":
        return head + work + ["hang", "resume"] + end
    if path == "hung_open":
        return head + work + ["hang"]
    if path == "whistle":
        return ["verify", "file", "escalate", "whistle", *work, *end]
    if path == "on_spot":
        return ["on_spot"]
    if path == "answer":
        return ["answer"]
    if path == "void":
        return ["void"] if rng.random() < 0.5 else ["verify", "void"]
    if path == "open_handling":
        return head + work
    if path == "open_overdue":
        return head + work
    if path == "open_new":
        return rng.choice([[], ["verify"], ["verify", "file"], head, [*head, "sign"]])
    if path == "reopened_after_revisit":
        return head + work + ["reply", "check_pass", "revisit", "reopen", *end]
    raise ValueError(path)


def _one(
    rng: random.Random,
    batch: Batch,
    ids: dict[str, int],
    number: int,
    grid: Grid,
    categories: list[tuple[int, str, str]],
    departments: list[tuple[int, int | None]],
) -> None:
    from cogov.cases.models import Case, CaseEvent
    from cogov.cases.workflow import STEPS

    path = rng.choices(_NAMES, _WEIGHTS)[0]
    steps = _walk(rng, path)
    open_path = path.startswith("open_") or path == "hung_open"
    # Open cases are recent; finished ones anywhere in the year.
    age_days = rng.uniform(0.5, 6) if open_path else rng.uniform(20, 365)
    if path == "open_overdue":
        age_days = rng.uniform(16, 60)
    t = AS_OF_TIME - dt.timedelta(days=age_days)
    category_id, _code, urgency = rng.choice(categories)
    building = rng.choice(grid.buildings) if grid.buildings else (None, None, None, "")
    lon = None if building[1] is None else building[1] + rng.uniform(-2e-4, 2e-4)
    lat = None if building[2] is None else building[2] + rng.uniform(-2e-4, 2e-4)
    centre = rng.choice(grid.centre) if grid.centre else None
    field_worker = grid.grid_worker
    consultation = path == "answer"
    # Hotline calls (a caller's phone: revisited) and grid workers' reports (no requester).
    channel = (
        "grid_worker"
        if path in {"on_spot", "closed_no_requester"}
        else rng.choice(["hotline", "hotline", "hotline", "grid_worker"])
    )
    has_phone = channel == "hotline"
    case_id = _take(ids, "Case")
    case = Case(
        id=case_id,
        uuid=make_uuid(rng),
        number=f"D{(AS_OF_TIME - DAY).year}-{number:06d}",
        channel=channel,
        work_type="consultation" if consultation else "request",
        category_id=category_id,
        description=rng.choice(DESCRIPTIONS),
        lon=lon,
        lat=lat,
        address=building[3],
        grid_id=grid.id,
        community_id=grid.community_id,
        street_id=grid.street_id,
        territory_path=grid.path,
        building_id=building[0],
        caller_name="",
        caller_phone=f"139{rng.randrange(10**8):08d}" if has_phone else "",
        anonymous=False,
        reporter_user_id=field_worker if channel == "grid_worker" else None,
        urgency=urgency,
        status="reported",
        reported_at=t,
        reply="",
        overdue=False,
        supervised=False,
        revisit_resolution="",
        revisit_satisfaction="",
    )
    batch.cases.append(case)
    reporter = field_worker if channel == "grid_worker" else centre
    events = [
        CaseEvent(
            id=_take(ids, "CaseEvent"),
            subject_id=case_id,
            actor_id=reporter,
            at=t,
            from_status="",
            to_status="reported",
            note="",
            evidence={},
            kind="report",
        )
    ]
    lead = rng.choice(grid.lead_ids) if grid.lead_ids else grid.street_office_id
    dept: tuple[Any, Any] = rng.choice(departments) if departments else (None, None)
    status = "reported"
    for step in steps:
        t += _gap(rng, step)
        sources, target = STEPS[step]
        assert status in sources, (path, step, status)
        actor: int | None = centre
        org: int | None = None
        note = ""
        evidence: dict[str, Any] = {}
        if step in {"sign", "contact", "reply", "hang", "resume", "request_postponement"}:
            org = case.lead_organization_id
            actor = grid.handlers.get(org or 0, centre)
        if step in {"check_pass", "check_fail", "on_spot"} and field_worker:
            actor = field_worker
        if step == "dispatch":
            if status == "returned":
                lead = grid.street_office_id or lead
            case.lead_organization_id = lead
            org = lead
            evidence = {"co_handlers": [], "fallback": lead == grid.street_office_id}
            if case.dispatched_at is None:
                case.dispatched_at = t
                case.response_due_at = t + 24 * H
                case.reply_due_at = t + 7 * DAY
        elif step == "return":
            org = case.lead_organization_id
            actor = grid.handlers.get(org or 0, centre)
            note = "不属于本单位职责"
            case.lead_organization_id = None
        elif step == "escalate":
            note = "社区无法协调解决，提请街道"
        elif step == "whistle":
            actor = rng.choice(grid.street_officials) if grid.street_officials else centre
            case.lead_organization_id = dept[0]
            org = dept[0]
            if case.dispatched_at is None:
                case.dispatched_at = t
                case.response_due_at = t + 24 * H
                case.reply_due_at = t + 7 * DAY
            _whistle(rng, batch, ids, case, grid, t, actor, dept, departments)
            grid.handlers.setdefault(dept[0] or 0, dept[1] or centre or 0)
        elif step == "sign":
            case.signed_at = t
        elif step == "contact":
            case.contacted_at = t
        elif step == "request_postponement":
            evidence = {"days": rng.choice([3, 5, 7])}
            note = "需协调产权单位"
        elif step in {"approve_postponement", "refuse_postponement"}:
            days = events[-1].evidence.get("days", 0)
            evidence = {"days": days}
            if step == "approve_postponement" and case.reply_due_at:
                case.reply_due_at += days * DAY
        elif step == "hang":
            until = (t + rng.randint(20, 90) * DAY).date()
            case.hung_until = until
            evidence = {"until": until.isoformat()}
            note = "需列入年度维修计划"
        elif step in {"reply", "on_spot", "answer"}:
            note = "已处理完毕" if step != "answer" else "已电话答复咨询事项"
            case.reply = note
            case.replied_at = t
            if step == "reply":
                case.check_due_at = t + 2 * DAY
        elif step in {"check_pass", "check_fail"}:
            case.checked_at = t
            if step == "check_fail":
                note = "现场复核未整改到位，返工"
        elif step == "revisit":
            reopen_next = path == "reopened_after_revisit" and case.revisit_resolution == ""
            resolution = "unresolved" if reopen_next else rng.choice(_RES)
            if resolution == "unresolved" and not reopen_next:
                resolution = "partly"
            satisfaction = "dissatisfied" if reopen_next else rng.choice(_SAT)
            evidence = {"resolution": resolution, "satisfaction": satisfaction, "by": "centre"}
            case.revisit_resolution, case.revisit_satisfaction = resolution, satisfaction
            case.revisited_at = t
        elif step == "reopen":
            note = "回访未解决，重新办理"
            case.closed_at = None
            case.reply_due_at = t + 7 * DAY
        elif step == "void":
            note = "重复或不属实"
        if step in {"close", "on_spot", "answer"}:
            case.closed_at = t
        events.append(
            CaseEvent(
                id=_take(ids, "CaseEvent"),
                subject_id=case_id,
                actor_id=actor,
                at=t,
                from_status=status,
                to_status=target,
                note=note,
                evidence=evidence,
                kind=step,
                organization_id=org,
            )
        )
        status = target
    case.status = status
    if status not in {"closed", "void"} and case.reply_due_at:
        case.overdue = case.reply_due_at < AS_OF_TIME
    batch.events.extend(events)
    _deadlines(rng, batch, ids, case)


def _gap(rng: random.Random, step: str) -> dt.timedelta:
    if step in {"verify", "file"}:
        return dt.timedelta(minutes=rng.randint(10, 240))
    if step in {"dispatch", "sign", "contact", "escalate", "whistle", "return"}:
        return dt.timedelta(minutes=rng.randint(20, 600))
    if step in {"reply", "resume"}:
        return dt.timedelta(hours=rng.uniform(6, 160))
    if step in {"hang"}:
        return dt.timedelta(days=rng.uniform(1, 5))
    return dt.timedelta(hours=rng.uniform(1, 48))


def _whistle(
    rng: random.Random,
    batch: Batch,
    ids: dict[str, int],
    case: Any,
    grid: Grid,
    t: dt.datetime,
    actor: int | None,
    lead: tuple[Any, Any],
    departments: list[tuple[int, int | None]],
) -> None:
    from cogov.cases.models import Whistle, WhistleReport

    if actor is None or lead[0] is None or grid.street_id is None:
        return
    street = grid.path.strip("/").split("/")[:2]
    whistle_id = _take(ids, "Whistle")
    batch.whistles.append(
        Whistle(
            id=whistle_id,
            uuid=make_uuid(rng),
            category=rng.choice(["demand", "enforcement", "key_task"]),
            case_id=case.id,
            street_id=grid.street_id,
            street_path="/" + "/".join(street) + "/",
            subject=case.description,
            lead_department_id=lead[0],
            blown_by_id=actor,
            blown_at=t,
            report_due_at=t + 30 * H,
            status="blown",
        )
    )
    others = [d for d in departments if d[0] != lead[0]]
    invited = [lead, *rng.sample(others, min(len(others), rng.randint(1, 2)))]
    for i, (dept_id, staff) in enumerate(invited):
        due = t + 30 * H
        no_show = i == len(invited) - 1 and i > 0 and rng.random() < 0.3
        reported = None if no_show else t + dt.timedelta(hours=rng.uniform(1, 40))
        batch.reports.append(
            WhistleReport(
                id=_take(ids, "WhistleReport"),
                whistle_id=whistle_id,
                department_id=dept_id,
                is_lead=i == 0,
                due_at=due,
                reported_at=reported,
                reported_by_id=staff if reported else None,
                note="已到场" if reported else "",
                no_show=no_show,
                no_show_recorded_at=due + 2 * H if no_show else None,
            )
        )


def _deadlines(rng: random.Random, batch: Batch, ids: dict[str, int], case: Any) -> None:
    """The response and feedback deadlines of a dispatched case: met, breached or open."""
    from cogov.core.models import Deadline

    if case.dispatched_at is None:
        return
    for stage, due, met in (
        ("response", case.response_due_at, case.contacted_at),
        ("feedback", case.reply_due_at, case.replied_at if case.status != "handling" else None),
    ):
        if due is None:
            continue
        breached = due if (met is None and due < AS_OF_TIME) or (met and met > due) else None
        batch.deadlines.append(
            Deadline(
                id=_take(ids, "Deadline"),
                uuid=make_uuid(rng),
                kind=f"cases.{stage}",
                content_type_id=_case_type(),
                object_id=str(case.id),
                node_id=case.grid_id,
                started_at=case.dispatched_at,
                due_at=due,
                basis={"demo": True},
                met_at=met,
                breached_at=breached,
                cancelled_at=case.closed_at if met is None and case.closed_at else None,
            )
        )


def _case_type() -> int:
    # Django's own content-type cache, not one of ours: it is cleared when the content types
    # are created again (a flushed test database gives them new ids).
    from cogov.cases.models import Case

    return int(ContentType.objects.get_for_model(Case).pk)

"""The objects the role-matrix test checks the cases and Open311 permissions against: cases
inside and outside every persona's scope (reported by the resident and the owner, dispatched
to each kind of organization that can lead one, left to the street), whistles and whistle
reports of two streets and another district, nodes, organizations."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cogov.accounts.roles import OWN_HOUSEHOLD, ROLES
from cogov.accounts.scopes import reach
from cogov.cases.models import Case, Category, Whistle, WhistleReport
from cogov.organizations.models import Organization, OrgKind
from cogov.territory.models import Node
from tests.world import PERSONAS


def _case(number: str, grid: Node, **fields: Any) -> Case:
    return Case.objects.create(
        number=number,
        channel=fields.pop("channel", "grid_worker"),
        category=Category.objects.get(code="0101"),
        description="测试",
        grid=grid,
        territory_path=grid.path,
        **fields,
    )


def case_objects(world: Any, elsewhere: dict[str, Any], persona: str) -> dict[str, list[Any]]:
    now = timezone.now()
    people = world.people
    cases = [
        _case(
            "T-1",
            world.nodes["G11"],
            channel="resident",
            reporter_user=world.users["resident"],
            reporter_person=people["G11-1-101-户主"],
            lead_organization=world.orgs["property"],
            dispatched_at=now,
        ),
        _case(
            "T-2",
            world.nodes["G12"],
            channel="resident",
            reporter_user=world.users["owner"],
            reporter_person=people["G12-1-101-户主"],
            lead_organization=world.orgs["socialorg"],
            dispatched_at=now,
        ),
        _case("T-3", world.nodes["G21"], lead_organization=world.orgs["unit"], dispatched_at=now),
        _case("T-4", world.nodes["G31"], lead_organization=world.orgs["dept"], dispatched_at=now),
        _case("T-5", world.nodes["G11"], dispatched_at=now),  # no owner: the street (属地兜底)
        _case("T-6", world.nodes["G31"], dispatched_at=now),
        _case("T-7", elsewhere["G"]),
    ]
    role = dict((k, r) for k, r, _s in PERSONAS)[persona]
    followable = cases
    if role is None or not ROLES[role].can(OWN_HOUSEHOLD):
        # A linked account is a neighbour in its own household's community whatever the role
        # (as for people); the matrix row is about what the role gives.
        r = reach(world.users[persona])
        grids = Node.objects.filter(buildings__households__in=sorted(r.household_ids))
        paths = {g.path.rsplit("/", 2)[0] + "/" for g in grids}
        followable = [c for c in cases if not any(c.territory_path.startswith(p) for p in paths)]
    other_dept = Organization.objects.create(
        kind=OrgKind.DEPARTMENT, name="外区城管", node=elsewhere["D"]
    )
    whistles = []
    reports = []
    for street, dept in (
        (world.nodes["S1"], world.orgs["dept"]),
        (world.nodes["S2"], world.orgs["dept"]),
        (elsewhere["S"], other_dept),
    ):
        w = Whistle.objects.create(
            category="enforcement",
            street=street,
            street_path=street.path,
            subject="违建",
            lead_department=dept,
            blown_by=world.users["admin"],
            report_due_at=now,
        )
        whistles.append(w)
        reports.append(
            WhistleReport.objects.create(whistle=w, department=dept, is_lead=True, due_at=now)
        )
    reports.append(
        WhistleReport.objects.create(whistle=whistles[0], department=other_dept, due_at=now)
    )
    reports = list(WhistleReport.objects.filter(pk__in=[x.pk for x in reports]))
    on_cases = [
        "view_case",
        "verify_case",
        "file_case",
        "dispatch_case",
        "merge_case",
        "answer_case",
        "approve_postponement",
        "close_case",
        "reopen_case",
        "escalate_case",
        "handle_on_spot",
        "handle_case",
        "check_case",
        "revisit_case",
        "attach_file",
    ]
    objects: dict[str, list[Any]] = {f"cases.{name}": cases for name in on_cases}
    objects.update(
        {
            "cases.follow_case": followable,
            "cases.report_case": list(Node.objects.all()),
            "cases.blow_whistle": list(Node.objects.all()),
            "cases.report_to_whistle": reports,
            "cases.record_no_shows": whistles,
            "cases.rate_department": whistles,
            "cases.manage_categories": [None],
            "open311.manage_api_keys": list(Organization.objects.all()),
        }
    )
    return objects

"""Done means: a need raised by a resident becomes a project met by a unit's resource, is
delivered and rated; the unit's page and the community's conversion metric show it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from cogov.cooperation import actions
from cogov.cooperation.models import Need, NeedStatus, Project, ProjectStatus, Resource
from cogov.cooperation.selectors import unit_page
from cogov.core.metrics import Period, compute

pytestmark = pytest.mark.django_db


def this_month() -> Period:
    today = timezone.localdate()
    return Period.month(today.year, today.month)


def test_need_to_rated_project(coop, client_for):
    w = coop
    secretary, liaison, resident = (
        w.users["party_secretary"],
        w.users["unit_liaison"],
        w.users["resident"],
    )
    need = actions.raise_need(
        actor=resident,
        building=w.households["G11-1-101"].building,
        title="楼道照明坏了，老人夜里出门不便",
        category="elderly",
        wanted_kinds=["volunteers"],
        quantity=4,
    )
    assert need.source == "resident" and need.status == NeedStatus.COLLECTED
    actions.list_need(actor=secretary, need=need)
    resource = actions.offer_resource(
        actor=liaison,
        kind="volunteers",
        title="医院志愿者服务队",
        capacity=10,
        capacity_unit="人次",
        categories=["elderly", "health"],
    )
    actions.list_resource(actor=secretary, resource=resource, note="核实")
    actions.claim_resource(actor=secretary, resource=resource)
    actions.claim_need(actor=liaison, need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.CLAIMED and need.claimed_by == w.orgs["unit"]

    project = actions.propose_project(
        actor=secretary, title="楼道照明与助老", needs=[need], resources=[(resource, 4)]
    )
    actions.put_to_vote(actor=secretary, project=project, organization=w.orgs["committee"])
    actions.cast_project_vote(actor=secretary, project=project, choice="for")
    actions.record_decision(actor=secretary, project=project)
    assert project.status == ProjectStatus.APPROVED
    actions.claim_project(actor=liaison, project=project)
    actions.start_project(actor=liaison, project=project)
    actions.deliver_project(
        actor=liaison, project=project, outputs="换灯 12 盏，陪护 4 人次", evidence=["photo-1.jpg"]
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.MET
    actions.rate_project(actor=resident, project=project, score=5, comment="很好")
    actions.evaluate_project(actor=secretary, project=project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.EVALUATED and project.rating == Decimal("5.00")

    page = unit_page(w.orgs["unit"])
    assert page.delivered == 1 and page.average_rating == Decimal("5.00")
    assert page.used_capacity == 4 and page.offered_capacity == 10
    assert compute("cooperation.need_conversion", w.nodes["C1"], this_month()) == Decimal("1.0000")
    assert compute("cooperation.fulfilment_rate", w.nodes["C1"], this_month()) == Decimal("1.0000")

    html = (
        client_for("unit_liaison")
        .get(f"/cooperation/units/{w.orgs['unit'].uuid}/")
        .content.decode()
    )
    assert "楼道照明与助老" in html and "5.00" in html


def test_rejected_vote_returns_needs_to_the_list(coop):
    w = coop
    secretary, liaison = w.users["party_secretary"], w.users["unit_liaison"]
    need = actions.raise_need(
        actor=secretary, community=w.nodes["C1"], title="文化活动室", category="culture"
    )
    actions.list_need(actor=secretary, need=need)
    res = actions.offer_resource(
        actor=liaison,
        kind="venue",
        title="会议室",
        capacity=30,
        capacity_unit="座",
        categories=["culture"],
    )
    actions.list_resource(actor=secretary, resource=res)
    project = actions.propose_project(
        actor=secretary, title="活动室", needs=[need], resources=[(res, 30)]
    )
    actions.put_to_vote(actor=secretary, project=project, organization=w.orgs["committee"])
    actions.cast_project_vote(actor=secretary, project=project, choice="against")
    actions.record_decision(actor=secretary, project=project)
    need.refresh_from_db()
    assert project.status == ProjectStatus.REJECTED and need.status == NeedStatus.LISTED
    assert Resource.objects.with_committed().get(pk=res.pk).committed == 0
    assert Project.objects.count() == 1 and Need.objects.count() == 1


def test_joint_committee_is_found_for_the_vote(coop):
    from cogov.organizations.models import JointCommittee

    w = coop
    secretary = w.users["party_secretary"]
    JointCommittee.objects.create(organization=w.orgs["committee"])
    need = actions.raise_need(
        actor=secretary, community=w.nodes["C1"], title="停车难", category="governance"
    )
    actions.list_need(actor=secretary, need=need)
    res = actions.offer_resource(
        actor=w.users["unit_liaison"],
        kind="venue",
        title="夜间停车位",
        capacity=20,
        capacity_unit="位",
        categories=["governance"],
    )
    actions.list_resource(actor=secretary, resource=res)
    project = actions.propose_project(
        actor=secretary, title="错峰停车", needs=[need], resources=[(res, 20)]
    )
    actions.put_to_vote(actor=secretary, project=project)
    project.refresh_from_db()
    assert (
        project.deciding_organization == w.orgs["committee"]
        and project.status == ProjectStatus.DELIBERATING
    )

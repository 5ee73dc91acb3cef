"""One test per role for the writes of the joint committee and 双报到: who may, and that a
denial changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from cogov.core.errors import NotAllowed
from cogov.organizations import actions
from cogov.organizations.models import JointCommittee, Report, ReportStatus, ServicePost
from tests.world import PERSONAS

from .helpers import in_service_member

ALL = [key for key, _role, _scope in PERSONAS]
COMMUNITY_PARTY = {"admin", "street_official", "party_secretary"}  # manage over C1
UNIT_SIDE = COMMUNITY_PARTY | {"unit_liaison"}  # act for 区人民医院


@pytest.mark.parametrize("persona", ALL)
def test_set_up_a_joint_committee(world: Any, persona: str) -> None:
    user = world.users[persona]
    if persona in COMMUNITY_PARTY:
        actions.create_committee(actor=user, organization=world.orgs["committee"])
        assert JointCommittee.objects.count() == 1
    else:
        with pytest.raises(NotAllowed):
            actions.create_committee(actor=user, organization=world.orgs["committee"])
        assert not JointCommittee.objects.exists()


@pytest.mark.parametrize("persona", ALL)
def test_report_a_unit(world: Any, persona: str) -> None:
    user = world.users[persona]
    if persona in UNIT_SIDE:
        actions.register_unit(actor=user, unit=world.orgs["unit"], community=world.nodes["C1"])
        assert Report.objects.count() == 1
    else:
        with pytest.raises(NotAllowed):
            actions.register_unit(actor=user, unit=world.orgs["unit"], community=world.nodes["C1"])
        assert not Report.objects.exists()


@pytest.mark.parametrize("persona", ALL)
def test_confirm_a_report_and_publish_a_post(world: Any, persona: str) -> None:
    user = world.users[persona]
    member = in_service_member(world, world.orgs["unit"])
    report = actions.register_member(
        actor=world.users["party_secretary"], member=member, community=world.nodes["C1"]
    )
    if persona in COMMUNITY_PARTY:
        actions.confirm_report(actor=user, report=report)
        actions.publish_post(
            actor=user, community=world.nodes["C1"], category="other", title="x", capacity=1
        )
        assert Report.objects.get(pk=report.pk).status == ReportStatus.CONFIRMED
        assert ServicePost.objects.count() == 1
    else:
        with pytest.raises(NotAllowed):
            actions.confirm_report(actor=user, report=report)
        with pytest.raises(NotAllowed):
            actions.publish_post(
                actor=user, community=world.nodes["C1"], category="other", title="x", capacity=1
            )
        assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
        assert not ServicePost.objects.exists()

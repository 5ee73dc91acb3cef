from __future__ import annotations

from typing import Any

import pytest

from cogov.accounts.models import Membership

from ..world import World


@pytest.fixture
def coop(world: World) -> World:
    """The world, plus: the party secretary sits on the community party committee (the
    deciding body of the tests' votes)."""
    Membership.objects.create(
        user=world.users["party_secretary"],
        role="party_member",
        organization=world.orgs["committee"],
    )
    return world


def fresh(user: Any) -> Any:
    """Drop the cached reach after memberships changed."""
    from cogov.accounts.scopes import forget

    forget(user)
    return user

"""The objects the role-matrix test checks the funds permissions against: the communities of
the world and of the other district, and a fund in each."""

from __future__ import annotations

from typing import Any

from cogov.funds.models import Fund


def funds_objects(world: Any, elsewhere: dict[str, Any], persona: str) -> dict[str, list[Any]]:
    communities = [world.nodes[k] for k in ("C1", "C2", "C3")] + [elsewhere["C"]]
    funds = [
        Fund.objects.create(community=c, kind="party_service", year=2026, name=c.name)
        for c in communities
    ]
    return {
        "funds.view_summary": funds,
        "funds.view_journal": funds,
        "funds.create_fund": communities,
        "funds.allocate": funds,
        "funds.commit": funds,
        "funds.pay": funds,
        "funds.release": funds,
        "funds.reverse": funds,
        "funds.close_year": funds,
    }

"""Named permissions of the organizations app. See docs/permissions.md for the matrix."""

from __future__ import annotations

from cogov.accounts.matrix import permission
from cogov.accounts.roles import MANAGE_ORGANIZATIONS, ORGANIZATIONS, OWN_ORGANIZATION

from . import predicates as p

permission(
    "organizations.view_organization",
    capability=ORGANIZATIONS,
    also=(OWN_ORGANIZATION,),
    on="organization",
    summary="See an organization; members see their own organization and those below it",
    predicate=p.can_view_organization,
)
permission(
    "organizations.manage_organization",
    capability=MANAGE_ORGANIZATIONS,
    on="organization, or the node to create one in",
    summary="Register, edit and deactivate organizations based in the scope",
    predicate=p.can_manage_organization,
)
permission(
    "organizations.manage_committee",
    capability=MANAGE_ORGANIZATIONS,
    on="the committee's body (organization)",
    summary="Set up a joint party committee: units, seats, members, terms, rotation, agreements,"
    " decisions",
    predicate=p.can_manage_organization,
)
permission(
    "organizations.act_for_unit",
    capability=MANAGE_ORGANIZATIONS,
    also=(OWN_ORGANIZATION,),
    on="organization (a unit)",
    summary="Act for a unit: report it (双报到), plan and convene as rotating chair, submit its"
    " agreement review, read its members' quarterly service sheet",
    predicate=p.can_act_for_unit,
)
permission(
    "organizations.manage_reporting",
    capability=MANAGE_ORGANIZATIONS,
    on="community node",
    summary="Confirm 双报到, publish service posts, confirm service hours, appraise members",
    predicate=p.has_manage_reporting_over,
)
permission(
    "organizations.view_reporting",
    capability=ORGANIZATIONS,
    on="community node",
    summary="See a community's 双报到 registrations, posts, service hours and appraisals",
    predicate=p.has_view_reporting_over,
)

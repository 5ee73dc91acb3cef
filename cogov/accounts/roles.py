"""The roles of DESIGN.md as a registry. A role is held through a `Membership` whose scope is a
territory node (of the role's level) or an organization (of one of the role's kinds).

Capabilities say what a role may do inside its scope; predicates in each app's `predicates.py`
read them through `cogov.accounts.scopes.reach`. Add a role: docs/recipes/add-a-role.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Capabilities (what a role may do inside its scope)
TERRITORY = "territory"  # browse the territory and its map
PEOPLE = "people"  # list residents (masked)
REVEAL_PII = "reveal_pii"  # reveal identity and phone numbers (logged)
VERIFY = "verify"  # confirm residents and owners, act for residents without phones
IMPORT_ROSTER = "import_roster"
ORGANIZATIONS = "organizations"  # see the organizations of the area
MANAGE_ORGANIZATIONS = "manage_organizations"  # register, edit and deactivate organizations
MANAGE_MEMBERSHIPS = "manage_memberships"
MANAGE_POLICIES = "manage_policies"
METRICS = "metrics"
OWN_HOUSEHOLD = "own_household"  # residents: see their own household
OWN_ORGANIZATION = "own_organization"  # see and act for the organization of the membership


@dataclass(frozen=True)
class Role:
    key: str
    label: str | Promise
    scope: str  # "global", "node" or "organization"
    level: str = ""  # for node scopes: the territory level of the scope
    org_kinds: tuple[str, ...] = ()  # for organization scopes
    capabilities: frozenset[str] = frozenset()
    staff: bool = False

    def can(self, capability: str) -> bool:
        return capability in self.capabilities


def _caps(*names: str) -> frozenset[str]:
    return frozenset(names)


ROLES: dict[str, Role] = {
    r.key: r
    for r in [
        Role(
            "admin",
            _("Administrator"),
            "global",
            staff=True,
            capabilities=_caps(
                TERRITORY,
                PEOPLE,
                REVEAL_PII,
                VERIFY,
                IMPORT_ROSTER,
                ORGANIZATIONS,
                MANAGE_ORGANIZATIONS,
                MANAGE_MEMBERSHIPS,
                MANAGE_POLICIES,
                METRICS,
            ),
        ),
        Role(
            "evaluator",
            _("District organization department / evaluator"),
            "node",
            "district",
            staff=True,
            capabilities=_caps(TERRITORY, ORGANIZATIONS, METRICS),
        ),
        Role(
            "street_official",
            _("Street official"),
            "node",
            "street",
            staff=True,
            capabilities=_caps(
                TERRITORY, PEOPLE, ORGANIZATIONS, MANAGE_ORGANIZATIONS, METRICS, MANAGE_POLICIES
            ),
        ),
        Role(
            "department_staff",
            _("District department staff"),
            "organization",
            org_kinds=("department",),
            staff=True,
            capabilities=_caps(OWN_ORGANIZATION),
        ),
        Role(
            "party_secretary",
            _("Community party secretary"),
            "node",
            "community",
            staff=True,
            capabilities=_caps(
                TERRITORY,
                PEOPLE,
                REVEAL_PII,
                VERIFY,
                IMPORT_ROSTER,
                ORGANIZATIONS,
                MANAGE_ORGANIZATIONS,
                MANAGE_MEMBERSHIPS,
                METRICS,
            ),
        ),
        Role(
            "community_worker",
            _("Community worker"),
            "node",
            "community",
            staff=True,
            capabilities=_caps(
                TERRITORY, PEOPLE, REVEAL_PII, VERIFY, IMPORT_ROSTER, ORGANIZATIONS, METRICS
            ),
        ),
        Role(
            "grid_worker",
            _("Grid worker"),
            "node",
            "grid",
            staff=True,
            capabilities=_caps(TERRITORY, PEOPLE, REVEAL_PII, VERIFY),
        ),
        Role(
            "unit_liaison",
            _("Co-construction unit liaison"),
            "organization",
            org_kinds=("co_construction_unit",),
            capabilities=_caps(OWN_ORGANIZATION),
        ),
        Role(
            "org_staff",
            _("Staff of a property company, owners' committee or social organization"),
            "organization",
            org_kinds=("property_company", "owners_committee", "social_org", "residents_committee"),
            capabilities=_caps(OWN_ORGANIZATION),
        ),
        Role(
            "social_worker",
            _("Social worker"),
            "organization",
            org_kinds=("social_org",),
            capabilities=_caps(OWN_ORGANIZATION),
        ),
        Role(
            "party_member",
            _("Party member"),
            "organization",
            org_kinds=("party_committee", "party_branch", "party_group"),
            capabilities=_caps(OWN_ORGANIZATION),
        ),
        Role("volunteer", _("Volunteer"), "node", "community", capabilities=_caps(TERRITORY)),
        Role("resident", _("Resident"), "node", "community", capabilities=_caps(OWN_HOUSEHOLD)),
        Role("owner", _("Owner"), "node", "community", capabilities=_caps(OWN_HOUSEHOLD)),
    ]
}

ROLE_CHOICES = [(key, role.label) for key, role in ROLES.items()]


def get_role(key: str) -> Role:
    try:
        return ROLES[key]
    except KeyError:
        raise KeyError(f"unknown role {key!r}") from None

"""Named permissions with their role matrix.

Apps declare each named permission once, in their `rules.py`, with the capability it needs:

    permission("people.reveal_pii", capability=REVEAL_PII, on="resident",
               predicate=capability_over(REVEAL_PII), summary="See identity and phone numbers")

The texts are English documentation for developers and auditors, not UI strings.

`permission` registers the rule with `rules` and keeps a spec from which the role matrix in
docs/permissions.md is rendered (`cogov permission_matrix` prints it). A test checks that the doc
equals the rendering and that every persona's real answers agree with its row, so the doc cannot
drift from the code.

A cell reads:
- "allowed": the role reaches every object (a global role);
- "own scope": only objects inside the role's scope (its node and below, its organization and
  below, or a resident's own household);
- "denied": never.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rules

from .roles import ROLES, Role

ALLOWED, OWN_SCOPE, DENIED = "allowed", "own scope", "denied"
BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"


@dataclass(frozen=True)
class PermissionSpec:
    name: str
    capability: str  # over the object's node
    on: str  # what the permission is checked against
    summary: str
    also: tuple[str, ...] = ()  # narrower capabilities that give own-scope access (own household…)
    condition: str = ""  # an extra condition, shown in the doc
    rule: Callable[[Role], str] | None = None  # for permissions not derived from one capability

    def cell(self, role: Role) -> str:
        if self.rule is not None:
            return self.rule(role)
        if role.can(self.capability):
            return ALLOWED if role.scope == "global" else OWN_SCOPE
        if any(role.can(c) for c in self.also):
            return OWN_SCOPE
        return DENIED


PERMISSIONS: dict[str, PermissionSpec] = {}


def permission(
    name: str,
    *,
    capability: str,
    on: str,
    summary: str,
    predicate: Any,
    also: tuple[str, ...] = (),
    condition: str = "",
    rule: Callable[[Role], str] | None = None,
) -> PermissionSpec:
    """`rule(role)` gives the cell when one capability does not say it (cases: see
    cogov/cases/predicates.py's CASE_ROLES)."""
    spec = PermissionSpec(name, capability, on, summary, also, condition, rule)
    PERMISSIONS[name] = spec
    rules.set_perm(name, predicate)  # set, not add: safe if the module is imported twice
    return spec


RoleTest = Callable[[Role], bool]


def is_global(role: Role) -> bool:
    """A role whose scope is the whole platform (administrators)."""
    return role.scope == "global"


def carries(table: Mapping[str, frozenset[str]], *capabilities: str) -> RoleTest:
    """A test: the role carries one of `capabilities` in an app's role table (`role key →
    capabilities`, such as cases' CASE_ROLES or points' POINTS_ROLES)."""
    wanted = frozenset(capabilities)
    return lambda role: bool(wanted & table.get(role.key, frozenset()))


def role_rule(*cases: tuple[RoleTest, str], otherwise: str = DENIED) -> Callable[[Role], str]:
    """A `rule(role)` for `permission`: the cell of the first case whose test the role passes,
    else `otherwise`. Apps whose cells do not follow one capability build their rules with it
    from their own role tables (cooperation's `coop_cell`, points' `points_cell`)."""

    def rule(role: Role) -> str:
        for test, cell in cases:
            if test(role):
                return cell
        return otherwise

    return rule


def describe(
    name: str,
    *,
    capability: str,
    on: str,
    summary: str,
    also: tuple[str, ...] = (),
    condition: str = "",
    rule: Callable[[Role], str] | None = None,
) -> PermissionSpec:
    """Document a permission another app registers with `rules` itself (territory, core)."""
    spec = PermissionSpec(name, capability, on, summary, also, condition, rule)
    PERMISSIONS[name] = spec
    return spec


def _node_scope(role: Role) -> str:
    if role.scope == "global":
        return ALLOWED
    return OWN_SCOPE if role.scope == "node" else DENIED


def _territory_manager(role: Role) -> str:
    if role.scope == "global":
        return ALLOWED
    return OWN_SCOPE if role.key == "street_official" or role.can("manage_territory") else DENIED


# Permissions registered by territory and core, described here so that the matrix is complete.
describe(
    "territory.view_node",
    capability="territory",
    on="territory node",
    rule=_node_scope,
    summary="See a node: every role with a node scope sees it, the nodes below and the chain above",
)
describe(
    "territory.manage_territory",
    capability="manage_territory",
    on="territory node",
    rule=_territory_manager,
    summary="Create, edit, split and merge territorial units",
)
describe(
    "core.manage_policies",
    capability="manage_policies",
    on="territory node (none: platform)",
    summary="Set local policies (deadlines, thresholds…)",
    condition="platform-wide and statutory values: global roles only",
)
describe(
    "core.view_metrics",
    capability="metrics",
    on="territory node",
    summary="Read the metrics and dashboards of a node",
)


def matrix() -> dict[str, dict[str, str]]:
    """{permission: {role: cell}} for every declared permission and every role."""
    return {
        name: {key: spec.cell(role) for key, role in ROLES.items()}
        for name, spec in sorted(PERMISSIONS.items())
    }


def render_markdown() -> str:
    """The matrix as a Markdown table (the block between the markers in docs/permissions.md)."""
    roles = list(ROLES)
    lines = [
        "| permission | checked on | " + " | ".join(roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for name, spec in sorted(PERMISSIONS.items()):
        cells = [spec.cell(ROLES[r]) for r in roles]
        lines.append(f"| `{name}` | {spec.on} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| permission | what it allows | capability | extra condition |")
    lines.append("|---|---|---|---|")
    for name, spec in sorted(PERMISSIONS.items()):
        capability = f"`{spec.capability}`" + "".join(f" or `{c}` (own)" for c in spec.also)
        if spec.rule is not None:
            capability = f"see `{spec.name.split('.')[0]}/predicates.py`"
        lines.append(f"| `{name}` | {spec.summary} | {capability} | {spec.condition or '—'} |")
    return "\n".join(lines) + "\n"


def parse_markdown(text: str) -> dict[str, dict[str, str]]:
    """Read the matrix table back from docs/permissions.md (first table between the markers)."""
    start = text.index(BEGIN)
    end = text.index(END)
    rows = [line for line in text[start:end].splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    roles = header[2:]
    result: dict[str, dict[str, str]] = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == "permission":
            break  # the second table begins
        result[cells[0].strip("`")] = dict(zip(roles, cells[2:], strict=True))
    return result

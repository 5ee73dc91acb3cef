"""Who may do what with disclosure.

The table says which disclosure capabilities a territorial role carries; the membership's
scope says where. Community staff propose and publish; the community party secretary reviews
(the secrecy check) and approves; a street official approves what the community escalates;
street and district officials follow compliance. Residents read the public board (no login)
and, signed in, object to a notice of their community while its objection window is open.

There is no residents' supervision committee (居务监督委员会) role yet; when one is added it
belongs in DISCLOSURE_ROLES with REVIEW.
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.scopes import Reach, reach

VIEW = "view"  # every notice of the community, drafts included; obligations
PROPOSE = "propose"  # draft, edit, submit, publish approved, withdraw, trigger events
REVIEW = "review"  # the secrecy check
APPROVE = "approve"  # approve what was reviewed
APPROVE_ESCALATED = "approve_escalated"  # approve what a community escalated
ANSWER = "answer"  # answer residents' objections
COMPLIANCE = "compliance"  # the compliance view and export

DISCLOSURE_ROLES: dict[str, frozenset[str]] = {
    "community_worker": frozenset({VIEW, PROPOSE, ANSWER, COMPLIANCE}),
    "party_secretary": frozenset({VIEW, PROPOSE, REVIEW, APPROVE, ANSWER, COMPLIANCE}),
    "street_official": frozenset({VIEW, APPROVE_ESCALATED, COMPLIANCE}),
    "evaluator": frozenset({VIEW, COMPLIANCE}),
}


def paths_with(r: Reach, capability: str) -> list[str]:
    """Territory paths where the user's roles carry disclosure `capability`."""
    return r.paths_in_table(DISCLOSURE_ROLES, capability)


def path_of(obj: Any) -> str | None:
    """The territory path of a node, or of a notice / obligation / objection's community."""
    if obj is None:
        return None
    if hasattr(obj, "level") and hasattr(obj, "path"):
        return str(obj.path)
    if getattr(obj, "community_id", None):
        return str(obj.community.path)
    if getattr(obj, "notice_id", None):
        return path_of(obj.notice)
    return None


def _covers(user: Any, capability: str, obj: Any) -> bool:
    return reach(user).covers_path(DISCLOSURE_ROLES, capability, path_of(obj))


def _pred(capability: str, doc: str) -> rules.Predicate:
    def check(user: Any, obj: Any = None) -> bool:
        return _covers(user, capability, obj)

    check.__doc__ = doc
    return rules.predicate(check, name=f"disclosure_{capability}")


can_view = _pred(VIEW, "Sees the community's notices (drafts too) and obligations.")
can_propose = _pred(PROPOSE, "Community staff: drafts, submits, publishes, withdraws.")
can_review = _pred(REVIEW, "The community party secretary: the secrecy check.")
can_approve = _pred(APPROVE, "The community party secretary approves.")
can_approve_escalated = _pred(APPROVE_ESCALATED, "A street official approves escalations.")
can_answer = _pred(ANSWER, "Community staff answer objections.")
can_see_compliance = _pred(COMPLIANCE, "Community staff, street and district officials.")


@rules.predicate
def lives_or_serves_in(user: Any, notice: Any) -> bool:
    """Signed in and connected to the notice's community: a role whose node scope reaches it
    (residents, owners, volunteers, staff), or a linked resident record living there."""
    if notice is None or not getattr(user, "is_authenticated", False):
        return False
    r = reach(user)
    if r.everything:
        return True
    path = path_of(notice)
    if not path:
        return False
    if any(path.startswith(p) or p.startswith(path) for p in r.node_paths):
        return True  # a scope above the community, or a grid inside it
    from cogov.people.models import Person

    return Person.objects.filter(user=user, grid__path__startswith=path).exists()


@rules.predicate
def objections_open(user: Any, notice: Any) -> bool:
    return notice is not None and notice.objections_open()


LINKED_ROLES = frozenset({"party_member"})  # org roles whose persona is a linked resident


def disclosure_cell(*capabilities: str) -> Any:
    """A `rule(role)` for cogov.accounts.matrix.permission from DISCLOSURE_ROLES."""
    from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE

    def rule(role: Any) -> str:
        if role.scope == "global":
            return ALLOWED
        if set(capabilities) & DISCLOSURE_ROLES.get(role.key, frozenset()):
            return OWN_SCOPE
        return DENIED

    return rule


def objection_cell(role: Any) -> str:
    from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE

    if role.scope == "global":
        return ALLOWED
    if role.scope == "node" or role.key in LINKED_ROLES:
        return OWN_SCOPE
    return DENIED

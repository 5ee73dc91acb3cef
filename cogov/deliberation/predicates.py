"""Who may do what in deliberation (composed into named permissions in rules.py).

Residents, owners, volunteers and party members of a community propose, co-sign, comment and
answer surveys; the community party secretary triages and convenes; community workers (and the
party secretary, and street officials over their communities) organise meetings, publish and
moderate; anyone reads the public notice board.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules

from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE
from cogov.accounts.roles import Role

from .access import CONVENERS, ORGANISERS, PARTICIPANTS, belongs, holds, role_belongs


def _node(obj: Any) -> Any:
    """The community node of a topic, meeting, resolution, survey, comment or a node itself."""
    if obj is None:
        return None
    if hasattr(obj, "level") and hasattr(obj, "path"):
        return obj
    if hasattr(obj, "node_id"):
        return obj.node
    if hasattr(obj, "topic_id"):
        return obj.topic.node
    if hasattr(obj, "meeting_id"):
        return obj.meeting.node
    if hasattr(obj, "resolution_id"):
        return obj.resolution.node
    return None


@rules.predicate
def is_participant_of(user: Any, obj: Any = None) -> bool:
    """A resident, owner, volunteer or party member of the object's community."""
    return holds(user, PARTICIPANTS, _node(obj))


@rules.predicate
def is_organiser_of(user: Any, obj: Any = None) -> bool:
    """Community worker, party secretary or street official over the object's community."""
    return holds(user, ORGANISERS, _node(obj))


@rules.predicate
def is_convener_of(user: Any, obj: Any = None) -> bool:
    """The community party secretary (the community party organization), or an administrator."""
    return holds(user, CONVENERS, _node(obj))


@rules.predicate
def belongs_to(user: Any, obj: Any = None) -> bool:
    """Holds any role in the object's community (staff, residents, members of its bodies)."""
    return belongs(user, _node(obj))


@rules.predicate
def is_proposer(user: Any, topic: Any = None) -> bool:
    return topic is not None and topic.proposer_id == getattr(user, "pk", None)


@rules.predicate
def is_author(user: Any, comment: Any = None) -> bool:
    return comment is not None and comment.author_id == getattr(user, "pk", None)


can_propose = is_participant_of | is_organiser_of
can_cosign = is_participant_of & ~is_proposer
can_comment = belongs_to
can_triage = is_convener_of
can_convene = is_convener_of
can_organise = is_organiser_of | is_convener_of
can_moderate = is_organiser_of
can_appeal = is_author
can_answer_survey = belongs_to


def delib_cell(
    roles: frozenset[str] = frozenset(), *, members: bool = False, own: bool = False
) -> Callable[[Role], str]:
    """A `rule(role)` for cogov.accounts.matrix.permission, from the same role sets as the
    predicates above: `roles` (access.PARTICIPANTS, ORGANISERS, CONVENERS) act over the
    communities of their scope and global roles everywhere (`holds`); `members`: every role
    that belongs to a community (`belongs`, access.role_belongs); `own`: only what the user
    wrote, for every role that may write it (`is_author`)."""

    def rule(role: Role) -> str:
        if own:
            return OWN_SCOPE if role_belongs(role) else DENIED
        if role.scope == "global":
            return ALLOWED
        if role.key in roles or (members and role_belongs(role)):
            return OWN_SCOPE
        return DENIED

    return rule

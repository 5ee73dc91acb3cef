"""Named permissions of deliberation, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md). The cells come from the role sets in
access.py through predicates.delib_cell; the predicates are in predicates.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cogov.accounts.matrix import permission
from cogov.accounts.roles import Role

from . import predicates as p
from .access import CONVENERS, ORGANISERS, PARTICIPANTS
from .predicates import delib_cell

COMMUNITY = "community node"
TOPIC = "topic (its community)"
COMMENT = "comment (its topic's community)"
MEMBERS = delib_cell(members=True)
STAFF = delib_cell(ORGANISERS | CONVENERS)


def _perm(
    name: str,
    predicate: Any,
    on: str,
    summary: str,
    rule: Callable[[Role], str],
    condition: str = "",
) -> None:
    permission(
        f"deliberation.{name}",
        capability="deliberation",
        on=on,
        summary=summary,
        predicate=predicate,
        rule=rule,
        condition=condition,
    )


# Taking part: anyone who belongs to the community (any role there, including members of the
# organizations based in it); proposing and co-signing: residents and staff.
_perm(
    "view_topic",
    p.belongs_to | p.is_proposer,
    TOPIC,
    "See a topic, its steps, meetings and comments",
    MEMBERS,
    "and one's own proposals wherever they are",
)
_perm(
    "propose_topic",
    p.can_propose,
    COMMUNITY,
    "Propose a topic (议题); staff bring topics from the needs list and recurring cases",
    delib_cell(PARTICIPANTS | ORGANISERS),
    "in the party organization's name: deliberation.convene; from needs or cases: "
    "deliberation.organise_meeting; an extraordinary owners' assembly: owners only",
)
_perm(
    "cosign_topic",
    p.can_cosign,
    TOPIC,
    "Co-sign a residents' topic collecting signatures (联名)",
    delib_cell(PARTICIPANTS),
    "not one's own topic; an extraordinary owners' assembly: owners only",
)
_perm("comment", p.can_comment, TOPIC, "Comment on a topic or one of its motions", MEMBERS)
_perm("report_abuse", p.can_comment, COMMENT, "Report a comment to the moderators", MEMBERS)
_perm(
    "appeal",
    p.can_appeal,
    COMMENT,
    "Appeal against the hiding of one's comment",
    delib_cell(own=True),
    "the comment's author only",
)
_perm(
    "answer_survey",
    p.can_answer_survey,
    "survey (its community)",
    "Answer a survey or satisfaction questionnaire (once)",
    MEMBERS,
    "an open survey",
)
_perm(
    "object",
    p.belongs_to,
    "resolution (its community)",
    "Object to a resolution posted for objections (公示)",
    MEMBERS,
    "while the resolution is posted",
)
# Running the procedure: the community party organization triages and convenes; community
# staff (and street officials over their communities) organise, publish and moderate.
_perm(
    "triage_topic",
    p.can_triage,
    TOPIC,
    "Accept a topic into a procedure or decline it with a reason",
    delib_cell(CONVENERS),
)
_perm(
    "convene",
    p.can_convene,
    COMMUNITY,
    "Convene: propose in the party organization's name, start and move a procedure's steps",
    delib_cell(CONVENERS),
)
_perm(
    "organise_meeting",
    p.can_organise,
    COMMUNITY,
    "Schedule, notice, open and close meetings; sign in, motions, hands; run surveys",
    STAFF,
)
_perm(
    "publish",
    p.can_organise,
    TOPIC,
    "Write and post resolutions and minutes, answer objections, follow-up tasks and results",
    STAFF,
)
_perm(
    "manage_procedures",
    p.can_organise,
    COMMUNITY,
    "Compose the community's own procedures from the shipped step kinds",
    STAFF,
)
_perm(
    "suggest_topics",
    p.can_organise,
    COMMUNITY,
    "See topic suggestions from recurring cases",
    STAFF,
)
_perm(
    "moderate",
    p.can_moderate,
    COMMENT,
    "Hide a comment with a reason; decide appeals (another moderator)",
    delib_cell(ORGANISERS),
)

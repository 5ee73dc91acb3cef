"""Everything deliberation asks of the voting app, in one module: the electorate definitions,
the rule sets (quorum and majority as policy), and the vote on a motion through the voting
app's actions. Nothing else in this app imports `cogov.voting`.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BodyKind

# Which electorate and which organization a body's meeting counts by default.
BODY_ELECTORATE: dict[str, tuple[str, str | None]] = {
    BodyKind.PARTY_ORGANIZATION: ("body", "party_committee"),
    BodyKind.TWO_COMMITTEES: ("body", "residents_committee"),
    BodyKind.PARTY_MEMBERS: ("party_members", "party_committee"),
    BodyKind.RESIDENTS_MEETING: ("households", None),
    BodyKind.RESIDENTS_REPRESENTATIVES: ("body", "residents_committee"),
    BodyKind.RESIDENTS_COMMITTEE: ("body", "residents_committee"),
    BodyKind.OWNERS_COMMITTEE: ("body", "owners_committee"),
    BodyKind.OWNERS_ASSEMBLY: ("owners", None),
    BodyKind.CONSULTATION: ("", None),
    BodyKind.SUPERVISION: ("body", "residents_committee"),
}


def default_electorate(body: str, node: Any) -> tuple[str, Any]:
    """(electorate kind, organization) for a meeting of `body` in community `node`."""
    from cogov.organizations.models import Organization

    kind, org_kind = BODY_ELECTORATE.get(body, ("", None))
    org = None
    if org_kind:
        org = Organization.objects.active().filter(kind=org_kind, node=node).order_by("pk").first()
    return kind, org


def rule_snapshot(rule: str, node: Any, on: dt.date, matter: str = "ordinary") -> dict[str, Any]:
    from cogov.voting import rulesets

    return rulesets.snapshot(rule, node, on, matter)


def rule_exists(rule: str) -> bool:
    from cogov.voting import rulesets

    try:
        rulesets.get(rule)
    except KeyError:
        return False
    return True


def rule_choices() -> list[tuple[str, str]]:
    from cogov.voting import rulesets

    return rulesets.choices()


def electorate_drafts(meeting: Any, on: dt.date) -> list[Any]:
    """The voting app's electorate of the meeting's body, as `Draft`s (key, label, heads,
    area, accounts). Empty when the meeting has no electorate kind."""
    from cogov.voting import electorates

    if not meeting.electorate:
        return []
    rule = rule_snapshot(meeting.rule or "body_majority", meeting.node, on, meeting.matter)
    stand_in = SimpleNamespace(
        node=meeting.node, organization=meeting.organization, electorate=meeting.electorate
    )
    return list(electorates.build(stand_in, on, rule))


def quorum_tests(
    meeting: Any, present: dict[str, Fraction], entitled: dict[str, Fraction]
) -> list[Any]:
    """The participation thresholds of the meeting's rule evaluated on the live counts."""
    from cogov.voting.thresholds import ThresholdSpec

    if not meeting.rule:
        return []
    snap = rule_snapshot(meeting.rule, meeting.node, timezone.localdate(), meeting.matter)
    results = []
    for spec in snap["thresholds"]:
        if spec["what"] != "participation" or spec["base"] != "entitled":
            continue
        s = ThresholdSpec(**spec)
        results.append(s.evaluate(present[s.measure], entitled[s.measure]))
    return results


# --- the vote on a motion -------------------------------------------------------------------


def open_motion_vote(*, actor: Any, meeting: Any, motion: Any) -> Any:
    """Create and open an open (show-of-hands) vote of the meeting's electorate in the voting
    app; returns the vote."""
    from cogov.voting import actions

    vote = actions.create_vote(
        actor=actor,
        node=meeting.node,
        title=motion.text[:200],
        description=f"{meeting.title} ({meeting.uuid})",
        electorate=meeting.electorate,
        rule=meeting.rule,
        opens_at=timezone.now(),
        mode="meeting",
        matter=meeting.matter,
        organization=meeting.organization,
        secret=False,
    )
    return actions.open_vote(actor=actor, vote=vote)


def vote_of(motion: Any) -> Any:
    from cogov.core.errors import ActionError
    from cogov.voting import selectors

    vote = selectors.vote_by_uuid(motion.vote_uuid)
    if vote is None:
        raise ActionError(str(_("This motion has no vote.")), field="motion")
    return vote


def record_hands(*, actor: Any, motion: Any, choices: dict[str, str]) -> int:
    """Record, for each participant key, the choice shown in the hall as a paper ballot of
    the voting app. Returns the number recorded."""
    from cogov.voting import actions, selectors

    vote = vote_of(motion)
    electors = selectors.electors_by_key(vote, list(choices))
    count = 0
    for key, choice in choices.items():
        elector = electors.get(key)
        if elector is None:
            continue
        actions.record_ballot(actor=actor, vote=vote, elector=elector, choice=choice)
        count += 1
    return count


def cast(*, actor: Any, motion: Any, choice: str) -> None:
    """A participant casts their own ballot on the motion from their phone."""
    from cogov.voting import actions

    actions.cast_ballot(actor=actor, vote=vote_of(motion), choice=choice)


def close_and_tally(*, actor: Any, motion: Any) -> dict[str, Any]:
    """Close the vote, tally it, and return the voting app's result (with "outcome")."""
    from cogov.voting import actions

    vote = actions.close_vote(actor=actor, vote=vote_of(motion))
    vote = actions.tally_vote(actor=actor, vote=vote)
    return dict(vote.result)


def results_url(motion: Any) -> str:
    return reverse("voting:results", kwargs={"uuid": motion.vote_uuid}) if motion.vote_uuid else ""


def results_for(user: Any, motion: Any) -> dict[str, Any] | None:
    """The context of the voting app's results partial (voting/_results.html) for the
    motion's vote, or None when there is no vote or `user` may not see its results."""
    from cogov.voting import selectors

    vote = selectors.vote_by_uuid(motion.vote_uuid) if motion.vote_uuid else None
    if vote is None or not user.has_perm("voting.view_results", vote):
        return None
    return selectors.results_context(vote)

"""Rule sets: each turns its policy (read for the vote's node and DATE) into threshold specs.

A registry, not an `if kind == …` chain: a new kind of decision registers a `RuleSet`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .policy_kinds import Ratio, rule_in_force
from .thresholds import ThresholdSpec


@dataclass(frozen=True)
class RuleSet:
    key: str
    label: str | Promise
    policy_key: str
    build: Callable[[Any, str], list[ThresholdSpec]]  # (policy value, matter) → specs
    weighted: bool = False  # counts exclusive area as well as heads (owners)


_REGISTRY: dict[str, RuleSet] = {}


def register(ruleset: RuleSet) -> RuleSet:
    _REGISTRY[ruleset.key] = ruleset
    return ruleset


def get(key: str) -> RuleSet:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown rule set {key!r}") from None


def choices() -> list[tuple[str, str]]:
    return [(r.key, str(r.label)) for r in _REGISTRY.values()]


def _spec(name: str, what: str, measure: str, base: str, ratio: Ratio) -> ThresholdSpec:
    return ThresholdSpec(
        name, what, measure, base, ratio.numerator, ratio.denominator, ratio.inclusive
    )


def _quorum_majority(value: Any, matter: str) -> list[ThresholdSpec]:
    return [
        _spec("quorum", "participation", "heads", value.quorum_base, value.quorum),
        _spec("majority", "support", "heads", value.majority_base, value.majority),
    ]


def _owners(value: Any, matter: str) -> list[ThresholdSpec]:
    major = matter == "major"
    area = value.major_area if major else value.ordinary_area
    owners = value.major_owners if major else value.ordinary_owners
    return [
        _spec("participation_area", "participation", "area", "entitled", value.participation_area),
        _spec(
            "participation_owners",
            "participation",
            "heads",
            "entitled",
            value.participation_owners,
        ),
        _spec("approval_area", "support", "area", "participating", area),
        _spec("approval_owners", "support", "heads", "participating", owners),
    ]


register(
    RuleSet(
        "residents_meeting", _("Residents' meeting"), "voting.residents_meeting", _quorum_majority
    )
)
register(
    RuleSet("party_meeting", _("Party members' meeting"), "voting.party_meeting", _quorum_majority)
)
register(
    RuleSet(
        "owners_joint",
        _("Owners' joint decision (Civil Code art. 278)"),
        "voting.owners_joint",
        _owners,
        weighted=True,
    )
)
register(
    RuleSet(
        "public_vote",
        _("Public vote on projects"),
        "voting.public_vote",
        lambda value, matter: [
            _spec("turnout", "participation", "heads", value.turnout_base, value.turnout)
        ],
    )
)
register(
    RuleSet(
        "body_majority", _("Plain majority of a body"), "voting.body_majority", _quorum_majority
    )
)


def snapshot(key: str, node: Any, on: dt.date, matter: str) -> dict[str, Any]:
    """The rule in force at `node` on the vote's date, frozen as data for the vote's lifetime."""
    ruleset = get(key)
    in_force = rule_in_force(ruleset.policy_key, node, on)
    value = in_force.value
    return {
        "rule": key,
        "policy": ruleset.policy_key,
        "on": on.isoformat(),
        "source": in_force.source,
        "effective_from": in_force.effective_from.isoformat() if in_force.effective_from else None,
        "policy_id": in_force.policy_id,
        "basis": getattr(value, "basis", ""),
        "verified": bool(getattr(value, "verified", True)),
        "minimum_age": getattr(value, "minimum_age", None),
        "weighted": ruleset.weighted,
        "matter": matter,
        "thresholds": [s.to_dict() for s in ruleset.build(value, matter)],
    }

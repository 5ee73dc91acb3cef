"""Proposals: submitted and withdrawn by residents, screened by staff (a rejection names its
reason, published), reviewed by the residents' council."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.core.metrics import touched

from ..models import (
    Category,
    CostItem,
    Proposal,
    ProposalEvent,
    ProposerKind,
    Round,
    RoundStatus,
    Status,
)
from .common import TWO, _fresh, _lock, _money, _move, _move_proposal, _policy, _require, _text


def _clean_items(items: Iterable[Any]) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ActionError(_("Cost item %(row)d is not readable.") % {"row": row}, field="items")
        description = str(item.get("description") or "").strip()
        if not description:
            raise ActionError(
                _("Cost item %(row)d: say what it is.") % {"row": row},
                field=f"items[{row}].description",
            )
        quantity = _money(item.get("quantity", "1"), f"items[{row}].quantity")
        price = _money(item.get("unit_price"), f"items[{row}].unit_price", positive=False)
        clean.append(
            {
                "description": description[:200],
                "quantity": quantity,
                "unit": str(item.get("unit") or "").strip()[:20],
                "unit_price": price,
                "amount": (quantity * price).quantize(TWO),
            }
        )
    if not clean:
        raise ActionError(_("A proposal needs at least one cost item."), field="items")
    return clean


def submit_proposal(
    *,
    actor: Any,
    round: Round,
    title: str,
    description: str,
    category: str,
    items: Iterable[Any],
    beneficiaries: Any = 0,
    location: str = "",
    grid: Any = None,
    proposer_kind: str = ProposerKind.RESIDENT,
    proposer_name: str = "",
    organization: Any = None,
) -> Proposal:
    """Submit a proposal while the collection window is open. The cost is the sum of the
    items (quantity × unit price); it must be within the category's cap (policy) and the
    round's budget."""
    _require(actor, "budgeting.submit_proposal", round, "you may not propose in this round")
    title = _text(title, "title", _("A proposal needs a title."))
    description = _text(
        description, "description", _("Describe the proposal and who benefits."), 5000
    )
    if category not in Category.values:
        raise ActionError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Category.values)},
            field="category",
        )
    if proposer_kind not in ProposerKind.values:
        raise ActionError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ProposerKind.values)},
            field="proposer_kind",
        )
    try:
        beneficiaries = int(beneficiaries or 0)
    except (TypeError, ValueError):
        raise ActionError(
            _("The number of beneficiaries is a whole number."), field="beneficiaries"
        ) from None
    if beneficiaries < 0:
        raise ActionError(
            _("The number of beneficiaries is a whole number."), field="beneficiaries"
        )
    if grid is not None and not grid.path.startswith(round.node.path):
        raise ActionError(_("The grid lies outside the round's area."), field="grid")
    if organization is not None and (
        organization.node_id is None or not organization.node.path.startswith(round.node.path)
    ):
        raise ActionError(
            _("The organization is not based in the round's area."), field="organization"
        )
    rows = _clean_items(items)
    cost = sum((r["amount"] for r in rows), Decimal(0))
    if cost <= 0:
        raise ActionError(_("The cost estimate must be more than zero."), field="items")
    policy = _policy(round)
    cap = policy.cap(category)
    if cap is not None and cost > cap:
        raise ActionError(
            _("%(category)s proposals may cost at most %(cap)s yuan; this one costs %(cost)s.")
            % {"category": Category(category).label, "cap": f"{cap:.2f}", "cost": f"{cost:.2f}"},
            field="items",
            code="over_cap",
        )
    if cost > round.budget:
        raise ActionError(
            _("The proposal costs %(cost)s yuan, more than the round's whole budget (%(budget)s).")
            % {"cost": f"{cost:.2f}", "budget": f"{round.budget:.2f}"},
            field="items",
            code="over_budget",
        )
    name = (proposer_name or "").strip() or (
        str(organization) if organization is not None else actor.get_full_name() or str(actor)
    )
    with transaction.atomic():
        round = _lock(round)
        if not round.phase_active(RoundStatus.COLLECTING):
            raise ActionError(
                _("Proposals are accepted only while the collection window is open."),
                code="not_collecting",
            )
        number = (round.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
        proposal = Proposal.objects.create(
            round=round,
            number=number,
            title=title,
            description=description,
            category=category,
            cost=cost,
            beneficiaries=beneficiaries,
            location=(location or "").strip()[:200],
            grid=grid,
            proposer_kind=proposer_kind,
            proposer_name=name[:200],
            organization=organization,
            submitted_by=actor,
        )
        CostItem.objects.bulk_create(
            [CostItem(proposal=proposal, position=i, **r) for i, r in enumerate(rows, start=1)]
        )
        ProposalEvent.objects.create(
            subject=proposal,
            actor=actor,
            to_status=Status.SUBMITTED,
            evidence={"cost": str(cost), "items": len(rows)},
        )
        # budgeting.proposals_per_1000 counts proposals by submission time under the round's node
        touched("budgeting", round.node.path, [proposal.submitted_at])
    return proposal


def withdraw_proposal(*, actor: Any, proposal: Proposal, note: str = "") -> Proposal:
    """The proposer withdraws a proposal not yet screened (staff may too)."""
    round = proposal.round
    own = getattr(actor, "pk", None) and proposal.submitted_by_id == actor.pk
    if not own:
        _require(actor, "budgeting.manage_round", round, "only the proposer may withdraw it")
    with transaction.atomic():
        proposal = _fresh(proposal)
        _move_proposal(proposal, Status.WITHDRAWN, actor, note=note)
    return proposal


def screen_proposal(
    *, actor: Any, proposal: Proposal, eligible: bool, reason: str = ""
) -> Proposal:
    """Screen a proposal (初审) against the scope, the negative list and the caps. A rejection
    needs its reason, which is published with the round."""
    round = proposal.round
    _require(actor, "budgeting.manage_round", round, "you may not screen proposals here")
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise ActionError(_("Give the reason for the rejection; it is published."), field="reason")
    with transaction.atomic():
        round = _lock(round)  # the phase as it is now, held until the proposal has moved
        if round.status != RoundStatus.SCREENING:
            raise ActionError(_("Proposals are screened in the screening phase."), code="phase")
        proposal = _fresh(proposal)
        if eligible:
            _move_proposal(proposal, Status.SCREENED_IN, actor, note=reason)
        else:
            _move_proposal(
                proposal,
                Status.REJECTED,
                actor,
                note=reason,
                extra={"rejection_reason": reason},
                reason=reason,
            )
    return proposal


def finish_screening(*, actor: Any, round: Round) -> Round:
    """Move to the residents' council review once every proposal is screened."""
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    with transaction.atomic():
        round = _lock(round)
        waiting = round.proposals.filter(status=Status.SUBMITTED).count()
        if waiting:
            raise ActionError(
                _("%(n)d proposal(s) still wait for screening.") % {"n": waiting}, code="pending"
            )
        passed = round.proposals.filter(status=Status.SCREENED_IN).count()
        _move(round, RoundStatus.COUNCIL, actor, screened_in=passed)
    return round


def record_council_review(
    *,
    actor: Any,
    proposal: Proposal,
    members: int,
    present: int,
    yes: int,
    no: int,
    abstain: int = 0,
    score: Any = None,
    note: str = "",
) -> Proposal:
    """Record the residents' council's (居民议事会) review of a screened-in proposal. It passes
    when the quorum (present / members) and the majority (yes / present) of the
    `budgeting.process` policy are reached, in exact fractions."""
    round = proposal.round
    _require(actor, "budgeting.review_council", round, "you may not record the council's review")
    try:
        members, present, yes, no, abstain = (int(v) for v in (members, present, yes, no, abstain))
    except (TypeError, ValueError):
        raise ActionError(_("The council's numbers are whole numbers."), field="members") from None
    if members < 1:
        raise ActionError(_("The council has at least one member."), field="members")
    if not 0 <= present <= members:
        raise ActionError(_("Those present are between 0 and the members."), field="present")
    if min(yes, no, abstain) < 0 or yes + no + abstain != present:
        raise ActionError(
            _("Yes, no and abstentions add up to those present (%(n)d).") % {"n": present},
            field="yes",
        )
    score_value = None
    if score not in (None, ""):
        try:
            score_value = Decimal(str(score))
        except InvalidOperation:
            raise ActionError(_("The score is a number from 0 to 100."), field="score") from None
        if not score_value.is_finite() or not 0 <= score_value <= 100:
            raise ActionError(_("The score is a number from 0 to 100."), field="score")
    policy = _policy(round)
    quorum = Fraction(present, members)
    majority = Fraction(yes, present) if present else Fraction(0)
    quorum_ok = policy.council_quorum.reached(quorum)
    majority_ok = present > 0 and policy.council_majority.reached(majority)
    passed = quorum_ok and majority_ok
    council = {
        "members": members,
        "present": present,
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "score": str(score_value) if score_value is not None else None,
        "quorum": f"{quorum.numerator}/{quorum.denominator}",
        "quorum_required": policy.council_quorum.reading(),
        "quorum_ok": quorum_ok,
        "majority": f"{majority.numerator}/{majority.denominator}",
        "majority_required": policy.council_majority.reading(),
        "majority_ok": majority_ok,
        "passed": passed,
    }
    with transaction.atomic():
        round = _lock(round)
        if round.status != RoundStatus.COUNCIL:
            raise ActionError(_("The council reviews in the council phase."), code="phase")
        proposal = _fresh(proposal)
        _move_proposal(
            proposal,
            Status.COUNCIL_PASSED if passed else Status.COUNCIL_FAILED,
            actor,
            note=note,
            extra={"council": council},
            **council,
        )
    return proposal

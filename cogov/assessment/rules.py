"""Named permissions of assessment, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md, docs/assessment.md)."""

from __future__ import annotations

from cogov.accounts.matrix import permission

from . import predicates as p

permission(
    "assessment.view_round",
    capability="metrics",
    on="round",
    summary="See an evaluation round, its ranking and the dashboards (units within reach)",
    predicate=p.views_assessment,
    rule=p.cell(),
    condition="over, above or below the round's scope; results limited to the units reached",
)
permission(
    "assessment.manage_round",
    capability="metrics",
    on="round",
    summary="Open, compute and publish a round; appoint evaluators; decide appeals",
    predicate=p.manages_assessment,
    rule=p.cell(manage=True),
)
permission(
    "assessment.score_round",
    capability="metrics",
    on="round",
    summary="Record manual scores (inspection, survey) in a round not yet published",
    predicate=p.manages_assessment | p.is_round_evaluator,
    rule=p.cell(manage=True),
    condition="also anyone appointed as the round's evaluator",
)
permission(
    "assessment.manage_system",
    capability="metrics",
    on="indicator system",
    summary="Edit indicator systems: tree, bindings, AHP judgements, parameters, versions",
    predicate=p.manages_systems,
    rule=p.cell(systems=True),
)

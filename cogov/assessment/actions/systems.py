"""Writes of indicator systems: the tree, metric bindings, AHP judgements, parameters, versions.

A frozen version (a published round used it) is never edited: `new_version` copies it into an
editable one, so a published round can always be recomputed as it was.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Literal

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import BaseModel, Field, ValidationError

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed

from .. import methods
from ..models import Direction, Indicator, IndicatorSystem, Kind, SystemVersion

# Which kind may sit under which (goal → criterion → sub-criterion → indicator).
CHILD_KINDS: dict[str, set[str]] = {
    Kind.GOAL: {Kind.CRITERION, Kind.INDICATOR},
    Kind.CRITERION: {Kind.SUBCRITERION, Kind.INDICATOR},
    Kind.SUBCRITERION: {Kind.INDICATOR},
    Kind.INDICATOR: set(),
}
# Saaty's 1–9 scale and its reciprocals.
SCALE = sorted({Fraction(k) for k in range(1, 10)} | {Fraction(1, k) for k in range(2, 10)})


class Params(BaseModel):
    """A version's weighting and scoring parameters (docs/assessment.md, "Methods")."""

    weighting: Literal["subjective", "entropy", "combined"] = "subjective"
    combine: Literal["multiplicative", "linear"] = "multiplicative"
    alpha: float = Field(0.5, ge=0, le=1)
    ahp_method: Literal["eigenvector", "geometric_mean"] = "eigenvector"
    ri_table: Literal["saaty", "saaty_2005", "donegan_dodd", "alonso_lamata"] = "saaty"
    scoring: Literal["weighted_sum", "topsis", "grey", "fuzzy"] = "weighted_sum"
    normalisation: Literal["minmax", "max", "vector", "sum"] = "minmax"
    rho: float = Field(0.5, gt=0, le=1)
    fuzzy_operator: Literal["M(·,+)", "M(∧,∨)", "M(·,∨)", "M(∧,⊕)"] = "M(·,+)"
    fuzzy_points: list[float] = Field(default_factory=lambda: [0.2, 0.45, 0.7, 0.9])
    grade_scores: list[float] = Field(default_factory=lambda: [50.0, 67.0, 82.0, 95.0])


def _require(actor: Any, obj: Any = None) -> None:
    if not actor.has_perm("assessment.manage_system", obj):
        raise NotAllowed()


def _editable(version: SystemVersion) -> None:
    """Refuse edits of a frozen version (read from the database: a round may have frozen it
    since the object was loaded)."""
    if version.frozen or SystemVersion.objects.filter(pk=version.pk, frozen=True).exists():
        raise ActionError(
            _("This version is frozen (a published round used it); make a new version."),
            field="version",
        )


def create_system(*, actor: Any, key: str, name: str, description: str = "") -> SystemVersion:
    """A new system with version 1 holding only its goal."""
    _require(actor)
    if not name.strip():
        raise ActionError(_("Give the system a name."), field="name")
    if not key or IndicatorSystem.objects.filter(key=key).exists():
        raise ActionError(_("This key is empty or already taken."), field="key")
    with transaction.atomic():
        system = IndicatorSystem.objects.create(key=key, name=name.strip(), description=description)
        version = SystemVersion.objects.create(system=system, number=1, params={})
        Indicator.objects.create(version=version, kind=Kind.GOAL, name=name.strip())
        audit.record(actor, "assessment.create_system", system)
    return version


def set_params(*, actor: Any, version: SystemVersion, params: dict[str, Any]) -> SystemVersion:
    """Validate and store the weighting / scoring parameters."""
    _require(actor, version.system)
    _editable(version)
    try:
        clean = Params(**params)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ActionError(f"{err['loc'][0]}: {err['msg']}", field=str(err["loc"][0])) from None
    if len(clean.fuzzy_points) != len(clean.grade_scores) or len(clean.grade_scores) < 2:
        raise ActionError(_("Give one grade score per fuzzy grade point."), field="grade_scores")
    with transaction.atomic():
        version.params = clean.model_dump()
        version.save(update_fields=["params"])
        audit.record(actor, "assessment.set_params", version)
    return version


def _fields(
    parent: Indicator | None,
    kind: str,
    name: str,
    metric_key: str,
    manual: bool,
    direction: str,
    weight: float | None,
) -> None:
    if not name.strip():
        raise ActionError(_("Give the node a name."), field="name")
    if kind not in Kind.values:
        raise ActionError(_("Unknown tree level."), field="kind")
    if parent is not None and kind not in CHILD_KINDS[parent.kind]:
        raise ActionError(
            _("A node of level “%(kind)s” cannot sit under “%(parent)s”.")
            % {"kind": Kind(kind).label, "parent": Kind(parent.kind).label},
            field="kind",
            code="tree",
        )
    if direction not in Direction.values:
        raise ActionError(_("The direction is benefit or cost."), field="direction")
    if kind == Kind.INDICATOR and not manual and not metric_key:
        raise ActionError(
            _("Bind the indicator to a metric or make it a manual input."), field="metric_key"
        )
    if kind == Kind.INDICATOR and manual and metric_key:
        raise ActionError(_("An indicator is either a metric or a manual input."), field="manual")
    if weight is not None and (not math.isfinite(weight) or weight < 0):
        raise ActionError(_("A weight is a number ≥ 0."), field="weight")


def add_indicator(
    *,
    actor: Any,
    parent: Indicator,
    kind: str,
    name: str,
    metric_key: str = "",
    manual: bool = False,
    direction: str = Direction.BENEFIT,
    unit: str = "",
    weight: float | None = None,
) -> Indicator:
    """A child node; the parent's AHP judgements no longer fit and are cleared."""
    _require(actor, parent.version.system)
    _editable(parent.version)
    _fields(parent, kind, name, metric_key, manual, direction, weight)
    with transaction.atomic():
        order = parent.children.count()  # type: ignore[attr-defined]
        node = Indicator.objects.create(
            version=parent.version,
            parent=parent,
            kind=kind,
            name=name.strip(),
            order=order,
            metric_key=metric_key if kind == Kind.INDICATOR else "",
            manual=manual and kind == Kind.INDICATOR,
            direction=direction,
            unit=unit,
            weight=weight,
        )
        Indicator.objects.filter(pk=parent.pk).update(judgements=[])
        audit.record(actor, "assessment.add_indicator", node)
    return node


def update_indicator(
    *,
    actor: Any,
    node: Indicator,
    name: str,
    metric_key: str = "",
    manual: bool = False,
    direction: str = Direction.BENEFIT,
    unit: str = "",
    weight: float | None = None,
) -> Indicator:
    _require(actor, node.version.system)
    _editable(node.version)
    _fields(node.parent, node.kind, name, metric_key, manual, direction, weight)
    with transaction.atomic():
        node.name = name.strip()
        node.metric_key = metric_key if node.kind == Kind.INDICATOR else ""
        node.manual = manual and node.kind == Kind.INDICATOR
        node.direction, node.unit, node.weight = direction, unit, weight
        node.save()
        audit.record(actor, "assessment.update_indicator", node)
    return node


def delete_indicator(*, actor: Any, node: Indicator) -> None:
    """Remove a node and its subtree (not the goal); the parent's judgements are cleared."""
    _require(actor, node.version.system)
    _editable(node.version)
    if node.parent_id is None:
        raise ActionError(_("The goal cannot be removed."), field="node")
    with transaction.atomic():
        Indicator.objects.filter(pk=node.parent_id).update(judgements=[])
        audit.record(actor, "assessment.delete_indicator", node, name=node.name)
        node.delete()


def parse_judgement(text: str, *, field: str) -> float:
    """ "3", "1/5", "0.2" → a value of Saaty's scale (1/9 … 9); anything else is refused."""
    try:
        value = Fraction(text.strip()).limit_denominator(9)
    except (ValueError, ZeroDivisionError):
        raise ActionError(
            _("“%(text)s” is not a judgement (1–9 or 1/2–1/9).") % {"text": text}, field=field
        ) from None
    if value not in SCALE:
        raise ActionError(
            _("“%(text)s” is off Saaty's scale (1–9 or 1/2–1/9).") % {"text": text}, field=field
        )
    return float(value)


def matrix_from_upper(upper: dict[tuple[int, int], float], n: int) -> list[list[float]]:
    """A reciprocal matrix from its upper triangle a_ij (i < j)."""
    a = [[1.0] * n for _ in range(n)]
    for (i, j), v in upper.items():
        a[i][j], a[j][i] = v, 1 / v
    return a


def set_judgements(*, actor: Any, node: Indicator, matrices: list[list[list[float]]]) -> Any:
    """Store the experts' pairwise comparison matrices over `node`'s children (ordered as
    shown); returns the AHP report of their geometric mean (the group matrix). An inconsistent
    matrix (CR ≥ 0.1) is stored and flagged, not refused: the report names the judgements to
    revisit. An empty list removes the judgements (the children's weights apply)."""
    _require(actor, node.version.system)
    _editable(node.version)
    n = node.children.count()  # type: ignore[attr-defined]
    if matrices and n < 2:
        raise ActionError(_("Judgements need at least two children."), field="judgements")
    for e, m in enumerate(matrices):
        if len(m) != n or any(len(row) != n for row in m):
            raise ActionError(
                _("Expert %(expert)d: the matrix must be %(n)d×%(n)d.") % {"expert": e + 1, "n": n},
                field="judgements",
            )
        for i in range(n):
            for j in range(n):
                v = m[i][j]
                if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                    raise ActionError(
                        _(
                            "Expert %(expert)d, row %(row)d, column %(column)d: "
                            "a positive number is needed."
                        )
                        % {"expert": e + 1, "row": i + 1, "column": j + 1},
                        field="judgements",
                    )
                if i < j and Fraction(v).limit_denominator(9) not in SCALE:
                    raise ActionError(
                        _("Expert %(expert)d, row %(row)d, column %(column)d: off Saaty's scale.")
                        % {"expert": e + 1, "row": i + 1, "column": j + 1},
                        field="judgements",
                    )
                if abs(v * m[j][i] - 1) > 1e-6:
                    raise ActionError(
                        _("Expert %(expert)d, row %(row)d, column %(column)d: a_ji must be 1/a_ij.")
                        % {"expert": e + 1, "row": i + 1, "column": j + 1},
                        field="judgements",
                    )
    with transaction.atomic():
        Indicator.objects.filter(pk=node.pk).update(judgements=matrices)
        node.judgements = matrices
        audit.record(actor, "assessment.set_judgements", node, experts=len(matrices))
    return consistency(node) if matrices else None


def consistency(node: Indicator, params: dict[str, Any] | None = None) -> Any:
    """The AHP report of a node's (group) judgements with the version's method and RI table."""
    if not node.judgements:
        return None
    p = {**Params.model_validate({}).model_dump(), **(params or node.version.params)}
    return methods.ahp(
        methods.group_matrix(node.judgements), method=p["ahp_method"], ri_table=p["ri_table"]
    )


def new_version(*, actor: Any, version: SystemVersion) -> SystemVersion:
    """Copy a version's tree, bindings, judgements and parameters into the next, editable one."""
    _require(actor, version.system)
    with transaction.atomic():
        number = (
            SystemVersion.objects.filter(system=version.system).order_by("-number").first().number  # type: ignore[union-attr]
            + 1
        )
        copy = SystemVersion.objects.create(
            system=version.system, number=number, params=dict(version.params)
        )
        mapping: dict[int, Indicator] = {}
        for node in Indicator.objects.filter(version=version).order_by("pk"):
            mapping[node.pk] = Indicator.objects.create(
                version=copy,
                parent=mapping.get(node.parent_id) if node.parent_id else None,
                kind=node.kind,
                name=node.name,
                order=node.order,
                metric_key=node.metric_key,
                manual=node.manual,
                direction=node.direction,
                unit=node.unit,
                weight=node.weight,
                judgements=node.judgements,
            )
        audit.record(actor, "assessment.new_version", copy, source=version.number)
    return copy

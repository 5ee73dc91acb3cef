"""Indicator systems (versioned trees), rounds with frozen snapshots, appeals, rollups."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.accounts.scopes import reach
from cogov.core.models import WorkflowEvent
from cogov.core.workflow import TransitionTable
from cogov.organizations.models import PARTY_KINDS


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Benefit (more is better)")
    COST = "cost", _("Cost (less is better)")


class Kind(models.TextChoices):
    GOAL = "goal", _("Goal")
    CRITERION = "criterion", _("Criterion")
    SUBCRITERION = "subcriterion", _("Sub-criterion")
    INDICATOR = "indicator", _("Indicator")


class IndicatorSystem(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(_("system key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")

    def __str__(self) -> str:
        return self.name


class SystemVersion(models.Model):
    """One version of an indicator tree with its weighting and scoring parameters.

    `params`: {"weighting": "subjective"|"entropy"|"combined", "combine": "multiplicative"|
    "linear", "alpha": 0.5, "ahp_method": "eigenvector"|"geometric_mean", "ri_table": "saaty",
    "scoring": "weighted_sum"|"topsis"|"grey"|"fuzzy", "normalisation": ..., "rho": 0.5,
    "fuzzy_operator": "M(·,+)", "fuzzy_points": [...], "grade_scores": [...]}.
    Frozen once a published round used it: edits go to a new version.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    params = models.JSONField(default=dict, blank=True)
    frozen = models.BooleanField(_("frozen"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator system version")
        constraints = [
            models.UniqueConstraint(fields=["system", "number"], name="assessment_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.system} v{self.number}"


class Indicator(models.Model):
    """A node of the tree. Leaves (kind=indicator) read a registered metric or a manual score.

    `judgements`: AHP pairwise matrices over this node's children (ordered by `order`), one per
    expert; when empty the children's `weight` fields (normalised) or equal weights apply.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(SystemVersion, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("tree level"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    metric_key = models.CharField(_("metric"), max_length=100, blank=True)
    manual = models.BooleanField(_("manual input"), default=False)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    weight = models.FloatField(_("weight"), null=True, blank=True)
    judgements = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("round status", "Draft")
    COMPUTED = "computed", pgettext_lazy("round status", "Computed")
    PUBLISHED = "published", pgettext_lazy("round status", "Published")


ROUND_TRANSITIONS = TransitionTable(
    {
        RoundStatus.DRAFT: {RoundStatus.COMPUTED},
        RoundStatus.COMPUTED: {RoundStatus.COMPUTED, RoundStatus.PUBLISHED},
    }
)


class RoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, user: Any) -> RoundQuerySet:
        """Rounds whose scope node the user's metrics capability reaches (either way up: a
        street official sees the district's round, restricted to their street's results)."""
        r = reach(user)
        if r.everything:
            return self
        paths = r.paths_with("metrics")
        if not paths:
            return self.none()
        q = Q()
        for path in paths:
            q |= Q(scope__path__startswith=path)
            ids = [int(p) for p in path.strip("/").split("/") if p]
            q |= Q(scope_id__in=ids)
        return self.filter(q)


class Round(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    version = models.ForeignKey(SystemVersion, on_delete=models.PROTECT, related_name="rounds")
    scope = models.ForeignKey(
        "territory.Node",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluation scope"),
    )
    level = models.CharField(_("units evaluated"), max_length=32)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    snapshot = models.JSONField(default=dict, blank=True)
    evaluators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-period_start", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def period_last(self) -> Any:
        """The last day of the period (the stored end is exclusive)."""
        import datetime as dt

        return self.period_end - dt.timedelta(days=1)


class RoundEvent(WorkflowEvent):
    subject = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("round event")


ORG_LEVELS: dict[str, tuple[str, ...]] = {
    "department": ("department",),
    "party_organization": tuple(str(k) for k in PARTY_KINDS),
}
UNIT_LEVELS = ("street", "community", "grid", *ORG_LEVELS)


def _unit_fields() -> tuple[models.ForeignKey, models.ForeignKey]:
    return (
        models.ForeignKey(
            "territory.Node", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
        ),
        models.ForeignKey(
            "organizations.Organization",
            null=True,
            blank=True,
            on_delete=models.PROTECT,
            related_name="+",
        ),
    )


class ManualScore(models.Model):
    """A unit (a territory node, or a department / party organization) scored by hand."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="manual_scores")
    node, organization = _unit_fields()
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(_("score"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "node", "indicator"], name="assessment_manual_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "organization", "indicator"], name="assessment_manual_org_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.unit_id}: {self.value}"

    @property
    def unit_id(self) -> int:
        return self.organization_id or self.node_id  # type: ignore[return-value]


class Result(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    node, organization = _unit_fields()
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    grade = models.CharField(max_length=16)
    blocks = models.JSONField(default=dict)  # top-level criterion id → block score 0-100

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "node"], name="assessment_result_unique"),
            models.UniqueConstraint(
                fields=["round", "organization"], name="assessment_result_org_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.unit_id} {self.score}"

    @property
    def unit_id(self) -> int:
        return self.organization_id or self.node_id  # type: ignore[return-value]

    @property
    def unit(self) -> Any:
        return self.organization if self.organization_id else self.node


class AppealStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("appeal status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


APPEAL_TRANSITIONS = TransitionTable(
    {AppealStatus.OPEN: {AppealStatus.ACCEPTED, AppealStatus.REJECTED}}
)


class Appeal(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="appeals")
    node, organization = _unit_fields()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reason = models.TextField(_("reason"))
    decision = models.TextField(_("decision"), blank=True)
    status = models.CharField(
        max_length=16, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"appeal {self.uuid}"


class AppealEvent(WorkflowEvent):
    subject = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")


class Rollup(models.Model):
    """A cached metric value for (metric, node, period). Dirty rows recompute on read."""

    metric = models.CharField(max_length=100)
    node = models.ForeignKey("territory.Node", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    computed_at = models.DateTimeField()
    dirty = models.BooleanField(default=False)
    # Bumped by every change notice: a value computed from older data is not stored clean.
    stamp = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "node", "period_start", "period_end"],
                name="assessment_rollup_unique",
            )
        ]
        indexes = [models.Index(fields=["node", "period_start"])]

    def __str__(self) -> str:
        return f"{self.metric}@{self.node_id} {self.period_start}..{self.period_end}"

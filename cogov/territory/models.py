"""The territory: district → street → community → grid (`Node`), then buildings, households
and property units.

Nodes carry a materialised path of ids ("/1/7/42/") so that "everything under this node" is a
prefix match, and codes: 6-digit district, 9-digit street, 12-digit community (统计用区划代码),
15-digit unit grid (district 6 + street 3 + community 3 + grid 3).

Redistricting never moves a retired node: a split or merge retires the old nodes
(`valid_to`) and creates new ones, linked by `NodeLineage`, so records that point at the old
grid keep reporting under the community it belonged to.
"""

from __future__ import annotations

import uuid
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]
CODE_LENGTH = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}

# A level as a common noun inside a sentence ("A community code has 12 digits."); the
# labels above are capitalised for headings and choices.
_LEVEL_NOUNS = {
    Level.DISTRICT: pgettext_lazy("territory level in a sentence", "district"),
    Level.STREET: pgettext_lazy("territory level in a sentence", "street"),
    Level.COMMUNITY: pgettext_lazy("territory level in a sentence", "community"),
    Level.GRID: pgettext_lazy("territory level in a sentence", "grid"),
}


def level_noun(level: str) -> str:
    """The level's name to use inside a message, in the active language (an unknown level as
    given)."""
    try:
        return str(_LEVEL_NOUNS[Level(level)])
    except ValueError:
        return str(level)


class NodeQuerySet(models.QuerySet["Node"]):
    def active(self, on=None) -> NodeQuerySet:  # type: ignore[no-untyped-def]
        """Nodes in force on date `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gt=on))

    def within(self, node: Node) -> NodeQuerySet:
        """`node` and everything below it."""
        return self.filter(path__startswith=node.path)

    def of_level(self, level: str) -> NodeQuerySet:
        return self.filter(level=level)

    def visible_to(self, user) -> NodeQuerySet:  # type: ignore[no-untyped-def]
        """Nodes inside the user's scopes, and the chain above them (so breadcrumbs work)."""
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        if not r.node_paths:
            return self.none()
        below = Q()
        for path in r.node_paths:
            below |= Q(path__startswith=path)
        above_ids = {int(part) for path in r.node_paths for part in path.strip("/").split("/")}
        return self.filter(below | Q(pk__in=above_ids))


class Node(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = NodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["path"], name="node_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "parent"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The path is derived from the parent chain and the row's own id.
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id and self.parent else '/'}{self.pk}/"
        if self.path != path:
            self.path = path
            Node.objects.filter(pk=self.pk).update(path=path)

    def ancestor_ids(self, include_self: bool = False) -> list[int]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return ids if include_self else ids[:-1]

    def ancestors(self, include_self: bool = False) -> list[Node]:
        ids = self.ancestor_ids(include_self)
        by_id = {n.pk: n for n in Node.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def ancestor_of_level(self, level: str) -> Node | None:
        if self.level == level:
            return self
        for node in self.ancestors():
            if node.level == level:
                return node
        return None

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to > today)


class TerritoryVersion(models.Model):
    """A single row whose `version` every territory action bumps in the same transaction as any
    change of a grid, so that each process's point-to-grid index knows when to rebuild."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("territory version")
        verbose_name_plural = _("territory version")

    def __str__(self) -> str:
        return f"territory v{self.version}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        """Call inside the transaction that changes grids."""
        updated = cls.objects.filter(pk=1).update(
            version=models.F("version") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})


class LineageKind(models.TextChoices):
    SPLIT = "split", _("Split")
    MERGE = "merge", _("Merge")
    RENAME = "rename", _("Recode or rename")


class NodeLineage(models.Model):
    """`source` was replaced (in part or whole) by `target` on `date`. Append-only history."""

    source = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="successor_links")
    target = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="predecessor_links")
    kind = models.CharField(max_length=16, choices=LineageKind.choices)
    date = models.DateField()
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("redistricting record")
        verbose_name_plural = _("redistricting records")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.kind} {self.date})"


class BuildingQuerySet(models.QuerySet["Building"]):
    def within(self, node: Node) -> BuildingQuerySet:
        return self.filter(grid__path__startswith=node.path)

    def visible_to(self, user) -> BuildingQuerySet:  # type: ignore[no-untyped-def]
        from cogov.accounts.scopes import reach

        return cast(BuildingQuerySet, reach(user).filter_nodes(self, "grid__path"))


class Building(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    grid = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("grid")
    )
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class HouseholdQuerySet(models.QuerySet["Household"]):
    def within(self, node: Node) -> HouseholdQuerySet:
        return self.filter(building__grid__path__startswith=node.path)

    def visible_to(self, user) -> HouseholdQuerySet:  # type: ignore[no-untyped-def]
        from cogov.accounts.scopes import reach

        return cast(
            HouseholdQuerySet,
            reach(user).filter_nodes(self, "building__grid__path", own_households="pk"),
        )


class Household(models.Model):
    """A registered dwelling household (户), at a door of a building."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("building")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    door = models.CharField(_("door"), max_length=32, help_text=_("unit and room, e.g. 2-502"))

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["building", "door"], name="household_door_unique")
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.door}"


class PropertyUnit(models.Model):
    """A unit of exclusive ownership (专有部分) and its area, for owner votes (Civil Code 278)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        related_name="property_units",
        verbose_name=_("building"),
    )
    household = models.OneToOneField(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="property_unit"
    )
    number = models.CharField(_("number"), max_length=32)
    exclusive_area = models.DecimalField(_("exclusive area (m²)"), max_digits=10, decimal_places=2)
    unsold = models.BooleanField(
        _("unsold (held by the developer)"),
        default=False,
        help_text=_("unsold units count together as one owner in owners' votes"),
    )

    class Meta:
        verbose_name = _("property unit")
        verbose_name_plural = _("property units")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="property_unit_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(exclusive_area__gt=0), name="property_unit_area_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.number}"

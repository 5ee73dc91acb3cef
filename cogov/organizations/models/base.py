"""Organizations of the area, one table with a kind: the party organization tree (committee →
branch → group), residents' committees, property companies, owners' committees, social
organizations, co-construction units, volunteer teams, district departments, street offices."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    PARTY_BRANCH = "party_branch", _("Party branch")
    PARTY_GROUP = "party_group", _("Party group")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    PROPERTY_COMPANY = "property_company", _("Property management company")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    SOCIAL_ORG = "social_org", _("Social organization")
    CO_CONSTRUCTION_UNIT = "co_construction_unit", _("Co-construction unit")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
    DEPARTMENT = "department", _("District department")
    STREET_OFFICE = "street_office", _("Street office")


PARTY_KINDS = (OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_BRANCH, OrgKind.PARTY_GROUP)
# Which kinds may sit under which in the party tree.
PARTY_PARENT: dict[str, set[str | None]] = {
    OrgKind.PARTY_COMMITTEE: {None, OrgKind.PARTY_COMMITTEE},
    OrgKind.PARTY_BRANCH: {OrgKind.PARTY_COMMITTEE},
    OrgKind.PARTY_GROUP: {OrgKind.PARTY_BRANCH},
}


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(active=True)

    def of_kind(self, *kinds: str) -> OrganizationQuerySet:
        return self.filter(kind__in=kinds)

    def party(self) -> OrganizationQuerySet:
        return self.filter(kind__in=PARTY_KINDS)

    def within(self, node) -> OrganizationQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(node__path__startswith=node.path)

    def visible_to(self, user) -> OrganizationQuerySet:  # type: ignore[no-untyped-def]
        """Organizations based in the user's territorial scopes, plus the user's own
        organizations and those below them."""
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in r.paths_with("organizations"):
            condition |= Q(node__path__startswith=path)
        for path in r.organization_paths_with("own_organization"):
            condition |= Q(path__startswith=path)
        return self.filter(condition)


class Organization(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent organization"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    node = models.ForeignKey(
        "territory.Node",
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("based in"),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # A party organization that covers this one without being its parent in the tree, e.g. a
    # joint branch of several small firms (联合党支部), or the party group of a building.
    party_organization = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_organizations",
        verbose_name=_("linked party organization"),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name"]
        indexes = [
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id and self.parent else '/'}{self.pk}/"
        if self.path != path:
            self.path = path
            Organization.objects.filter(pk=self.pk).update(path=path)

    @property
    def is_party(self) -> bool:
        return self.kind in PARTY_KINDS

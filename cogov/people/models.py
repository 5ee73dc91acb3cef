"""People: residents (Person) in households, owners of property units, party members, the
verification that links an account to a household or unit, and staff authorised to act for
residents who do not use phones.

Identity and phone numbers are personal information: templates and the API show the masked
forms (`masked_id_number`, `masked_phone`); the clear values are revealed only through
`people.actions.reveal_pii`, which checks the permission and writes an audit row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import WorkflowEvent
from cogov.lib.masking import mask_id_number, mask_phone


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Tag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    DISABLED = "disabled", pgettext_lazy("resident tag", "Disabled")
    LOW_INCOME = "low_income", _("Low income (低保)")
    VETERAN = "veteran", _("Veteran")
    LEFT_BEHIND = "left_behind", _("Left-behind")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")


VULNERABLE_TAGS = {
    Tag.ELDERLY_ALONE,
    Tag.DISABLED,
    Tag.LOW_INCOME,
    Tag.LEFT_BEHIND,
    Tag.CHRONIC_ILLNESS,
}


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user) -> PersonQuerySet:  # type: ignore[no-untyped-def]
        """Residents inside the user's scopes with the `people` capability, plus the members of
        a resident's own household and the user's own record (as `people.view_person`)."""
        from cogov.accounts.scopes import reach

        r = reach(user)
        qs = r.filter_nodes(self, "grid__path", own_households="household_id")
        if r.person_id is not None and not r.everything:
            qs = qs | self.filter(pk=r.person_id)
        return qs

    def within(self, node) -> PersonQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(grid__path__startswith=node.path)

    def search(self, query: str) -> PersonQuerySet:
        """Chinese search: the query is cut into words (jieba) and every word must match."""
        from .search import query_terms

        qs = self
        for term in query_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs

    def for_list(self) -> PersonQuerySet:
        return self.select_related("household__building", "grid")


class Person(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_number = models.CharField(
        _("identity number"), max_length=18, null=True, blank=True, unique=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    household = models.ForeignKey(
        "territory.Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("household"),
    )
    # The grid of the household, kept by the actions that move people, so that scoping a list
    # is one join whatever the depth of the tree.
    grid = models.ForeignKey(
        "territory.Node",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
    )
    relation = models.CharField(_("relation to head of household"), max_length=20, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("account"),
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["pk"]
        indexes = [models.Index(fields=["grid", "id"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def vulnerable(self) -> bool:
        return bool(VULNERABLE_TAGS & set(self.tags))


class Ownership(models.Model):
    """A person owns a property unit (verified by staff or a roster match)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ownerships")
    unit = models.ForeignKey(
        "territory.PropertyUnit", on_delete=models.PROTECT, related_name="ownerships"
    )
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=4, default=1)
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=Q(until__isnull=True),
                name="ownership_current_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.unit}"


class PartyMemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class PartyMember(models.Model):
    """A party member and the branch that holds the member's organizational relationship."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="party_member")
    branch = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="party_members",
        verbose_name=_("party branch"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PartyMemberStatus.choices,
        default=PartyMemberStatus.FULL,
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    in_service = models.BooleanField(_("in-service member (在职党员)"), default=False)
    employer = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employed_party_members",
        verbose_name=_("employer"),
    )

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")

    def __str__(self) -> str:
        return str(self.person)


class VerificationKind(models.TextChoices):
    RESIDENT = "resident", _("Resident of a household")
    OWNER = "owner", _("Owner of a property unit")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VerificationQuerySet(models.QuerySet["Verification"]):
    def pending(self) -> VerificationQuerySet:
        return self.filter(status=VerificationStatus.PENDING)

    def visible_to(self, user) -> VerificationQuerySet:  # type: ignore[no-untyped-def]
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        condition = Q(user=user)
        for path in r.paths_with("verify"):
            condition |= Q(household__building__grid__path__startswith=path)
            condition |= Q(unit__building__grid__path__startswith=path)
        return self.filter(condition)


class Verification(models.Model):
    """An account's claim to be a resident of a household or the owner of a unit.

    It becomes true only when staff confirm it or a roster record matches; only verified
    accounts may vote later.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VerificationKind.choices)
    household = models.ForeignKey(
        "territory.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "territory.PropertyUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_name = models.CharField(_("name given"), max_length=50)
    claimed_id_number = models.CharField(_("identity number given"), max_length=18)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=16, blank=True)  # "staff" or "roster"
    created_at = models.DateTimeField(default=timezone.now)

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="resident", household__isnull=False, unit__isnull=True)
                    | Q(kind="owner", unit__isnull=False, household__isnull=True)
                ),
                name="verification_target_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "household", "unit"],
                condition=Q(status="pending"),
                name="verification_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.household or self.unit}"


class VerificationEvent(WorkflowEvent):
    subject = models.ForeignKey(Verification, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("verification event")
        verbose_name_plural = _("verification events")


class ProxyAuthorization(models.Model):
    """A resident without a phone authorises a staff member to act for them; the written
    authorisation is recorded (reference and scan)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="proxies")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proxy_for"
    )
    scope = models.CharField(_("what the agent may do"), max_length=200)
    document_ref = models.CharField(_("written authorisation reference"), max_length=100)
    document = models.FileField(_("scan of the authorisation"), upload_to="proxy/%Y/", blank=True)
    valid_from = models.DateField(_("from"), default=timezone.localdate)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proxy authorisation")
        verbose_name_plural = _("proxy authorisations")

    def __str__(self) -> str:
        return f"{self.agent} for {self.person}"

    def in_force(self, on=None) -> bool:  # type: ignore[no-untyped-def]
        on = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.valid_from <= on
            and (self.valid_to is None or self.valid_to >= on)
        )

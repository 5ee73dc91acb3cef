"""The joint party committee (联合党委 / 大党委) of a community: member units and their seats,
full- and part-time members by term, the rotating chair (轮值) as a calendar of rows, meetings,
decisions voted through the voting app, and co-construction agreements with yearly reviews.

governance-mechanisms.md §9. Rotation period, meeting period and sizes are policy
(`organizations.joint_committee`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import WorkflowEvent
from cogov.core.workflow import TransitionTable


class CommitteeQuerySet(models.QuerySet["JointCommittee"]):
    def visible_to(self, user) -> CommitteeQuerySet:  # type: ignore[no-untyped-def]
        """Committees whose body the user may see (staff over the community), plus those the
        user's organizations belong to as member units or sit on."""
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in r.paths_with("organizations"):
            condition |= Q(organization__node__path__startswith=path)
        for path in r.organization_paths_with("own_organization"):
            condition |= Q(units__unit__path__startswith=path) | Q(
                organization__path__startswith=path
            )
        return self.filter(condition).distinct()


class JointCommittee(models.Model):
    """A joint party committee. Its body is a party-committee Organization: the members are
    Memberships in that organization, so a vote with the "body" electorate is theirs."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="joint_committee",
        verbose_name=_("committee body"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint party committee")
        verbose_name_plural = _("joint party committees")

    def __str__(self) -> str:
        return self.organization.name

    @property
    def community(self):  # type: ignore[no-untyped-def]
        return self.organization.node


class CommitteeUnit(models.Model):
    """A member unit (成员单位): keeps its own party affiliation (不改变隶属关系)."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="committee_seats"
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    rotation_order = models.PositiveIntegerField(_("rotation order"))
    in_rotation = models.BooleanField(_("takes a turn as chair"), default=True)
    joined_on = models.DateField(pgettext_lazy("committee", "joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["rotation_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "unit"], name="committee_unit_once")
        ]

    def __str__(self) -> str:
        return str(self.unit)


class CommitteeTerm(models.Model):
    """A term (届) of the committee."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("term"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="committee_term_once")
        ]

    def __str__(self) -> str:
        return f"{self.committee} #{self.number}"


class CommitteeMember(models.Model):
    """A committee member (委员) in a term: full-time (community cadres) or part-time (兼职委员,
    heads of member units, property-company party members…). `membership` is the accounts row
    that makes the member an elector of the committee's votes."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.CASCADE, related_name="members")
    term = models.ForeignKey(CommitteeTerm, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from unit"),
    )
    full_time = models.BooleanField(pgettext_lazy("committee member", "full-time"), default=False)
    title = models.CharField(_("title"), max_length=100, blank=True)
    membership = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-full_time", "started_on", "pk"]

    def __str__(self) -> str:
        return str(self.user)


class SlotStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ACTIVE = "active", _("Chairing")
    HANDED_OVER = "handed_over", _("Handed over")


SLOT_TRANSITIONS = TransitionTable(
    {
        SlotStatus.SCHEDULED: {SlotStatus.ACTIVE, SlotStatus.HANDED_OVER},
        SlotStatus.ACTIVE: {SlotStatus.HANDED_OVER},
    }
)


class RotationSlot(models.Model):
    """One period of the rotation calendar and the unit that chairs it. Rows are stored so that
    the past never changes: recomputing touches only rows that start on or after a date."""

    committee = models.ForeignKey(JointCommittee, on_delete=models.CASCADE, related_name="rotation")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))  # exclusive
    unit = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chair unit"),
    )
    status = models.CharField(
        max_length=16, choices=SlotStatus.choices, default=SlotStatus.SCHEDULED
    )
    plan = models.TextField(_("activity plan"), blank=True)
    summary = models.TextField(_("hand-over summary"), blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "starts_on"], name="rotation_slot_once")
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m} {self.unit or '—'}"


class RotationEvent(WorkflowEvent):
    subject = models.ForeignKey(RotationSlot, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class MeetingStatus(models.TextChoices):
    CALLED = "called", _("Called")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class CommitteeMeeting(models.Model):
    """A meeting (联席会议) convened by the chair unit of its period."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(JointCommittee, on_delete=models.CASCADE, related_name="meetings")
    slot = models.ForeignKey(
        RotationSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    chair_unit = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topics = models.TextField(_("topics"))
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.CALLED
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.committee} {self.at:%Y-%m-%d}"


class CommitteeDecision(models.Model):
    """A matter put to the committee's members through the voting app (the vote is referenced
    by uuid so that organizations does not depend on voting's tables)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        JointCommittee, on_delete=models.CASCADE, related_name="decisions"
    )
    meeting = models.ForeignKey(
        CommitteeMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("matter"), max_length=200)
    vote_uuid = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")


class Agreement(models.Model):
    """A co-construction agreement (共建协议) between the community and a unit."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        JointCommittee, on_delete=models.CASCADE, related_name="agreements"
    )
    unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="agreements"
    )
    scope = models.TextField(_("scope"))
    resources = models.JSONField(_("pledged resources"), default=list, blank=True)
    pledged_hours = models.PositiveIntegerField(_("pledged service hours a year"), default=0)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_on:%Y}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted by the unit")
    CONCLUDED = "concluded", _("Concluded")


REVIEW_TRANSITIONS = TransitionTable(
    {
        ReviewStatus.OPEN: {ReviewStatus.SUBMITTED},
        ReviewStatus.SUBMITTED: {ReviewStatus.CONCLUDED, ReviewStatus.OPEN},
    }
)


class AgreementReview(models.Model):
    """The yearly review of an agreement: the community opens it, the unit reports what it
    delivered, the community concludes with a rating (or returns it)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default="open")
    self_report = models.TextField(_("what the unit delivered"), blank=True)
    rating = models.CharField(_("rating"), max_length=32, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="agreement_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.year}"


class ReviewEvent(WorkflowEvent):
    subject = models.ForeignKey(AgreementReview, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class BuildingParty(models.Model):
    """The party presence in a building (楼栋党小组 / 楼栋长): a party group and/or a head."""

    building = models.OneToOneField(
        "territory.Building", on_delete=models.CASCADE, related_name="party"
    )
    party_group = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    head = models.ForeignKey(
        "people.PartyMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.building)

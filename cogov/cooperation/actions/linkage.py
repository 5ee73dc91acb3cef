"""Five-society linkage: social organization profiles, social-worker certifications,
charitable funds and their ledger, and who took part in a project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError

from ..models import (
    CertLevel,
    CharityFund,
    FundKind,
    LedgerDirection,
    LedgerEntry,
    OrgStage,
    OrgStanding,
    ParticipantRole,
    Project,
    ProjectParticipant,
    ProjectStatus,
    ServiceCategory,
    SocialOrgProfile,
    SocialWorkerCertification,
)
from ..selectors import fund_balance
from .common import community_of, require


def set_social_org_profile(
    *,
    actor: Any,
    organization: Any,
    stage: str,
    standing: str,
    registry_no: str = "",
    filed_with: Any = None,
    service_fields: Iterable[str] = (),
    since: dt.date | None = None,
) -> SocialOrgProfile:
    """Record (or update) a social organization's incubation stage and filing/registration."""
    require(actor, "cooperation.manage_linkage", organization.node)
    if organization.kind != "social_org":
        raise ActionError(_("Only social organizations have this profile."), field="organization")
    if stage not in OrgStage.values:
        raise ActionError(_("Choose the incubation stage."), field="stage")
    if standing not in OrgStanding.values:
        raise ActionError(_("Choose filed or registered."), field="standing")
    if standing == OrgStanding.REGISTERED and not registry_no.strip():
        raise ActionError(
            _("A registered organization has a registration number."), field="registry_no"
        )
    fields = sorted(set(service_fields))
    if any(f not in ServiceCategory.values for f in fields):
        raise ActionError(_("Unknown service field."), field="service_fields")
    with transaction.atomic():
        profile, _created = SocialOrgProfile.objects.update_or_create(
            organization=organization,
            defaults={
                "stage": stage,
                "standing": standing,
                "registry_no": registry_no.strip(),
                "filed_with": filed_with,
                "service_fields": fields,
                "since": since,
                "updated_at": timezone.now(),
            },
        )
        audit.record(
            actor, "cooperation.social_org_profile", organization, stage=stage, standing=standing
        )
    return profile


def record_certification(
    *,
    actor: Any,
    person: Any,
    level: str,
    certificate_no: str,
    issued_on: dt.date,
    valid_until: dt.date | None = None,
    organization: Any = None,
) -> SocialWorkerCertification:
    """Record a person's social-work certificate (one record per level)."""
    require(
        actor,
        "cooperation.manage_linkage",
        person.grid or (organization.node if organization else None),
    )
    if level not in CertLevel.values:
        raise ActionError(_("Choose the certificate level."), field="level")
    if not certificate_no.strip():
        raise ActionError(_("Give the certificate number."), field="certificate_no")
    if valid_until is not None and valid_until < issued_on:
        raise ActionError(_("A certificate ends after it is issued."), field="valid_until")
    if SocialWorkerCertification.objects.filter(person=person, level=level).exists():
        raise ActionError(_("This certificate is already recorded."), code="duplicate")
    with transaction.atomic():
        cert = SocialWorkerCertification.objects.create(
            person=person,
            user=person.user,
            level=level,
            certificate_no=certificate_no.strip(),
            issued_on=issued_on,
            valid_until=valid_until,
            organization=organization,
            recorded_by=actor,
        )
        audit.record(actor, "cooperation.certification", cert, level=level)
    return cert


def open_fund(
    *, actor: Any, community: Any, name: str, kind: str, organization: Any = None
) -> CharityFund:
    community = community_of(community)
    require(actor, "cooperation.manage_linkage", community)
    if kind not in FundKind.values:
        raise ActionError(_("Choose the kind of fund."), field="kind")
    if not name.strip():
        raise ActionError(_("Name the fund."), field="name")
    with transaction.atomic():
        fund = CharityFund.objects.create(
            community=community,
            territory_path=community.path,
            name=name.strip()[:150],
            kind=kind,
            organization=organization,
        )
        audit.record(actor, "cooperation.fund_opened", fund)
    return fund


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ActionError(_("Give an amount in yuan."), field="amount") from None
    if amount <= 0:
        raise ActionError(_("The amount must be above zero."), field="amount")
    return amount


def record_donation(
    *,
    actor: Any,
    fund: CharityFund,
    amount: Any,
    in_kind: bool = False,
    item: str = "",
    quantity: int | None = None,
    donor_name: str = "",
    donor_organization: Any = None,
    note: str = "",
) -> LedgerEntry:
    """A donation in money or in kind (valued in yuan) into the fund: one ledger entry."""
    require(actor, "cooperation.record_ledger", fund)
    value = _amount(amount)
    if in_kind and not item.strip():
        raise ActionError(_("Say what was given."), field="item")
    with transaction.atomic():
        return LedgerEntry.objects.create(
            fund=fund,
            direction=LedgerDirection.IN,
            in_kind=in_kind,
            amount=value,
            item=item.strip()[:100],
            quantity=quantity,
            donor_name=donor_name.strip()[:150]
            or (donor_organization.name if donor_organization else ""),
            donor_organization=donor_organization,
            note=note[:200],
            recorded_by=actor,
        )


def record_spending(
    *,
    actor: Any,
    fund: CharityFund,
    amount: Any,
    in_kind: bool = False,
    item: str = "",
    quantity: int | None = None,
    project: Project | None = None,
    note: str = "",
) -> LedgerEntry:
    """Money spent or goods given out, optionally for a project. The fund is locked so two
    spendings cannot both pass the balance check."""
    require(actor, "cooperation.record_ledger", fund)
    value = _amount(amount)
    with transaction.atomic():
        CharityFund.objects.select_for_update().get(pk=fund.pk)
        balance = fund_balance(fund)
        available = balance.goods if in_kind else balance.money
        if value > available:
            raise ActionError(
                _("The fund holds only %(n)s.") % {"n": available},
                field="amount",
                code="insufficient",
            )
        return LedgerEntry.objects.create(
            fund=fund,
            direction=LedgerDirection.OUT,
            in_kind=in_kind,
            amount=value,
            item=item.strip()[:100],
            quantity=quantity,
            project=project,
            note=note[:200],
            recorded_by=actor,
        )


def add_participant(
    *,
    actor: Any,
    project: Project,
    role: str,
    organization: Any = None,
    certification: SocialWorkerCertification | None = None,
    fund: CharityFund | None = None,
    hours: Any = 0,
    note: str = "",
) -> ProjectParticipant:
    """Record who of the five took part: a social organization, a certified social worker, a
    volunteer team, a charitable fund, or another co-construction unit."""
    require(actor, "cooperation.add_participant", project)
    if project.status in (ProjectStatus.REJECTED, ProjectStatus.CANCELLED, ProjectStatus.ARCHIVED):
        raise ActionError(_("This project is closed."), code="closed")
    if role not in ParticipantRole.values:
        raise ActionError(_("Choose the role."), field="role")
    needs_kind: dict[str, str] = {
        ParticipantRole.SOCIAL_ORG: "social_org",
        ParticipantRole.VOLUNTEER_TEAM: "volunteer_team",
    }
    if role in needs_kind and (organization is None or organization.kind != needs_kind[role]):
        raise ActionError(_("Choose an organization of that kind."), field="organization")
    if role == ParticipantRole.UNIT and organization is None:
        raise ActionError(_("Choose the unit."), field="organization")
    if role == ParticipantRole.SOCIAL_WORKER and (
        certification is None or not certification.valid_on()
    ):
        raise ActionError(
            _("A social worker takes part with a valid certificate."), field="certification"
        )
    if role == ParticipantRole.CHARITY and fund is None:
        raise ActionError(_("Choose the fund."), field="fund")
    try:
        spent = Decimal(str(hours or 0))
    except InvalidOperation:
        raise ActionError(_("Give hours as a number."), field="hours") from None
    if spent < 0:
        raise ActionError(_("Give hours as a number."), field="hours")
    with transaction.atomic():
        return ProjectParticipant.objects.create(
            project=project,
            role=role,
            organization=organization,
            certification=certification,
            fund=fund,
            hours=spent,
            note=note[:200],
            added_by=actor,
        )

"""Co-construction agreements with member units, their end, and their yearly review (the
unit's self-report, then the committee's rating and conclusion)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cogov.core.audit import record
from cogov.core.errors import ActionError
from cogov.core.notifications import notify
from cogov.core.workflow import transition

from ...models import (
    REVIEW_TRANSITIONS,
    Agreement,
    AgreementReview,
    AgreementStatus,
    JointCommittee,
    Organization,
    ReviewEvent,
    ReviewStatus,
)
from .common import _manage, _require, unit_users


def sign_agreement(
    *,
    actor: Any,
    committee: JointCommittee,
    unit: Organization,
    scope: str,
    starts_on: dt.date,
    ends_on: dt.date,
    resources: Iterable[str] = (),
    pledged_hours: int = 0,
) -> Agreement:
    """Record a co-construction agreement with a member unit: scope, pledged resources and
    hours, term."""
    _manage(actor, committee)
    if not committee.units.filter(unit=unit).exists():
        raise ActionError(_("Admit the unit to the committee first."), field="unit")
    scope = (scope or "").strip()
    if not scope:
        raise ActionError(_("Describe the scope."), field="scope")
    if ends_on <= starts_on:
        raise ActionError(_("An agreement must end after it starts."), field="ends_on")
    if pledged_hours < 0:
        raise ActionError(_("Hours cannot be negative."), field="pledged_hours")
    clean = [r.strip() for r in resources if r and r.strip()]
    with transaction.atomic():
        agreement = Agreement.objects.create(
            committee=committee,
            unit=unit,
            scope=scope,
            resources=clean,
            pledged_hours=pledged_hours,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        record(actor, "agreement.sign", agreement, unit=unit.pk)
    return agreement


def end_agreement(*, actor: Any, agreement: Agreement, reason: str) -> Agreement:
    _manage(actor, agreement.committee)
    if agreement.status != AgreementStatus.ACTIVE:
        raise ActionError(_("This agreement has ended."))
    with transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ENDED)
        agreement.status = AgreementStatus.ENDED
        record(actor, "agreement.end", agreement, reason=reason)
    return agreement


def open_review(*, actor: Any, agreement: Agreement, year: int) -> AgreementReview:
    """The community opens the yearly review of an agreement; the unit is asked to report."""
    _manage(actor, agreement.committee)
    if not agreement.starts_on.year <= year <= agreement.ends_on.year:
        raise ActionError(_("The agreement was not in force that year."), field="year")
    try:
        with transaction.atomic():
            review = AgreementReview.objects.create(agreement=agreement, year=year)
            ReviewEvent.objects.create(subject=review, actor=actor, to_status=ReviewStatus.OPEN)
            notify(
                unit_users(agreement.unit),
                "organizations.review_opened",
                _("Report on your co-construction agreement for %(year)s") % {"year": year},
            )
    except IntegrityError:
        raise ActionError(_("That year's review is already open."), field="year") from None
    return review


def submit_review(*, actor: Any, review: AgreementReview, self_report: str) -> AgreementReview:
    """The unit reports what it delivered."""
    _require(
        actor,
        "organizations.act_for_unit",
        review.agreement.unit,
        _("Only the unit reports on its agreement."),
    )
    self_report = (self_report or "").strip()
    if not self_report:
        raise ActionError(_("Say what the unit delivered."), field="self_report")
    with transaction.atomic():
        transition(
            review,
            ReviewStatus.SUBMITTED,
            table=REVIEW_TRANSITIONS,
            events=ReviewEvent,
            actor=actor,
            extra_updates={"self_report": self_report},
        )
    return review


def conclude_review(
    *,
    actor: Any,
    review: AgreementReview,
    rating: str = "",
    conclusion: str = "",
    accept: bool = True,
) -> AgreementReview:
    """The community concludes the review with a rating, or returns it to the unit."""
    _manage(actor, review.agreement.committee)
    with transaction.atomic():
        if accept:
            if not rating.strip():
                raise ActionError(_("Give a rating."), field="rating")
            transition(
                review,
                ReviewStatus.CONCLUDED,
                table=REVIEW_TRANSITIONS,
                events=ReviewEvent,
                actor=actor,
                note=conclusion,
                extra_updates={"rating": rating.strip(), "conclusion": conclusion},
            )
        else:
            transition(
                review,
                ReviewStatus.OPEN,
                table=REVIEW_TRANSITIONS,
                events=ReviewEvent,
                actor=actor,
                note=conclusion,
            )
        notify(
            unit_users(review.agreement.unit),
            "organizations.review_concluded" if accept else "organizations.review_returned",
            _("Your agreement review for %(year)s: %(state)s")
            % {"year": review.year, "state": review.get_status_display()},
        )
    return review

"""Writes of 双报到: registration and confirmation, half-yearly re-reports (a deadline whose
breach reminds the member and the community), service posts and claims (capacity enforced by a
conditional UPDATE), service records with hours, and the yearly appraisal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogov.core import deadlines
from cogov.core.audit import record
from cogov.core.calendar import Due
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Deadline
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition
from cogov.territory.models import Level

from ..models import (
    RECORD_TRANSITIONS,
    REPORT_TRANSITIONS,
    Appraisal,
    Organization,
    PostCategory,
    PostClaim,
    RecordStatus,
    Report,
    ReportEvent,
    ReportKind,
    ReportStatus,
    ServicePost,
    ServiceRecord,
    ServiceRecordEvent,
)
from ..policy_kinds import REPORTING
from ..predicates import is_member_self

RE_REPORT = "organizations.re_report"


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotAllowed(message)


def _staff(actor: Any, community: Any) -> None:
    _require(
        actor,
        "organizations.manage_reporting",
        community,
        _("Only the community's party organization may do this."),
    )


def _self_or_staff(actor: Any, member: Any, community: Any, message: str) -> None:
    if is_member_self(actor, member):
        return
    if getattr(actor, "is_authenticated", False) and actor.has_perm(
        "organizations.manage_reporting", community
    ):
        return
    raise NotAllowed(message)


def _community(node: Any) -> Any:
    if node is None or node.level != Level.COMMUNITY:
        raise ActionError(_("Choose a community."), field="community")
    return node


def _staff_users(community: Any) -> list[Any]:
    from cogov.accounts.models import Membership

    return [
        m.user
        for m in Membership.objects.current()
        .filter(node=community, role__in=("party_secretary", "community_worker"))
        .select_related("user")
    ]


# --- registration -------------------------------------------------------------------------


def register_unit(*, actor: Any, unit: Organization, community: Any, note: str = "") -> Report:
    """A unit's party organization reports to the community where it is based (报到单)."""
    _require(actor, "organizations.act_for_unit", unit, _("You may not report for this unit."))
    return _register(actor, ReportKind.UNIT, _community(community), note, unit=unit)


def register_member(*, actor: Any, member: Any, community: Any, note: str = "") -> Report:
    """An in-service party member reports to the community where they live (online: the member
    themselves; on paper: the community records it)."""
    community = _community(community)
    _self_or_staff(actor, member, community, _("You may not report for this member."))
    if not member.in_service:
        raise ActionError(_("Only in-service party members report (双报到)."), field="member")
    return _register(
        actor, ReportKind.MEMBER, community, note, member=member, employer=member.employer
    )


def _register(actor: Any, kind: str, community: Any, note: str, **who: Any) -> Report:
    try:
        with transaction.atomic():
            report = Report.objects.create(kind=kind, community=community, note=note, **who)
            ReportEvent.objects.create(
                subject=report, actor=actor, to_status=ReportStatus.SUBMITTED, note=note
            )
            notify(
                _staff_users(community),
                "organizations.report_submitted",
                _("New report to the community (双报到): %(who)s") % {"who": report},
            )
    except IntegrityError:
        raise ActionError(_("Already reported to this community."), field="community") from None
    return report


def _schedule_re_report(report: Report, from_date: dt.date) -> None:
    months = get_policy(REPORTING, report.community, on=from_date).re_report_months
    month = from_date.month - 1 + months
    due_day = dt.date(from_date.year + month // 12, month % 12 + 1, 1)
    due = Due(
        at=dt.datetime.combine(due_day, dt.time(), tzinfo=timezone.get_current_timezone()),
        basis={"months": months, "from": from_date.isoformat()},
    )
    deadlines.cancel(report, RE_REPORT)
    deadlines.schedule(report, RE_REPORT, due, node=report.community)


def confirm_report(*, actor: Any, report: Report, note: str = "") -> Report:
    """The community confirms a registration (signs the receipt); members are then asked to
    re-report every `re_report_months` months (policy)."""
    _staff(actor, report.community)
    today = timezone.localdate()
    with transaction.atomic():
        transition(
            report,
            ReportStatus.CONFIRMED,
            table=REPORT_TRANSITIONS,
            events=ReportEvent,
            actor=actor,
            note=note,
            extra_updates={"confirmed_on": today, "last_reported_on": today},
        )
        if report.kind == ReportKind.MEMBER:
            _schedule_re_report(report, today)
        notify(
            _reporter_users(report),
            "organizations.report_confirmed",
            _("Your report to the community (双报到) is confirmed"),
        )
    return report


def reject_report(*, actor: Any, report: Report, note: str) -> Report:
    _staff(actor, report.community)
    if not (note or "").strip():
        raise ActionError(_("Give the reason."), field="note")
    with transaction.atomic():
        transition(
            report,
            ReportStatus.REJECTED,
            table=REPORT_TRANSITIONS,
            events=ReportEvent,
            actor=actor,
            note=note,
        )
        notify(
            _reporter_users(report),
            "organizations.report_returned",
            _("Your report to the community (双报到) was returned"),
            note,
        )
    return report


def end_report(*, actor: Any, report: Report, note: str = "") -> Report:
    """The member moved away or the unit left: the registration ends (history stays)."""
    if report.member is not None:
        _self_or_staff(actor, report.member, report.community, _("You may not end this."))
    else:
        _staff(actor, report.community)
    with transaction.atomic():
        transition(
            report,
            ReportStatus.ENDED,
            table=REPORT_TRANSITIONS,
            events=ReportEvent,
            actor=actor,
            note=note,
            extra_updates={"ended_on": timezone.localdate()},
        )
        deadlines.cancel(report, RE_REPORT)
    return report


def re_report(*, actor: Any, report: Report, note: str = "") -> Report:
    """The half-yearly re-report of a member (what they did, that they still live here)."""
    if report.member is None:
        raise ActionError(_("Units report once; members re-report."))
    _self_or_staff(actor, report.member, report.community, _("You may not re-report for them."))
    if report.status != ReportStatus.CONFIRMED:
        raise ActionError(_("The first report has not been confirmed."))
    today = timezone.localdate()
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(last_reported_on=today)
        report.last_reported_on = today
        ReportEvent.objects.create(
            subject=report,
            actor=actor,
            from_status=report.status,
            to_status=report.status,
            note=note,
            evidence={"re_report": today.isoformat()},
        )
        deadlines.meet(report, RE_REPORT)
        _schedule_re_report(report, today)
    return report


def _reporter_users(report: Report) -> list[Any]:
    if report.member is not None:
        user = report.member.person.user
        return [user] if user else []
    from .committee import unit_users

    return unit_users(report.unit) if report.unit else []


@deadlines.on_breach(RE_REPORT)
def _remind_re_report(deadline: Deadline) -> None:
    """Half a year without a re-report: remind the member and tell the community."""
    report = (
        Report.objects.select_related("member__person__user", "community")
        .filter(pk=int(deadline.object_id))
        .first()
    )
    if report is None or report.status != ReportStatus.CONFIRMED:
        return
    notify(
        _reporter_users(report),
        "organizations.re_report_due",
        _("Time to re-report to %(community)s") % {"community": report.community.name},
    )
    notify(
        _staff_users(report.community),
        "organizations.re_report_overdue",
        _("%(member)s has not re-reported") % {"member": report.member},
    )


# --- posts and claims ---------------------------------------------------------------------


def publish_post(
    *,
    actor: Any,
    community: Any,
    category: str,
    title: str,
    capacity: int,
    description: str = "",
) -> ServicePost:
    _staff(actor, _community(community))
    if category not in PostCategory.values:
        raise ActionError(_("Unknown category."), field="category")
    title = (title or "").strip()
    if not title:
        raise ActionError(_("A post needs a title."), field="title")
    if capacity < 1:
        raise ActionError(_("A post has at least one place."), field="capacity")
    with transaction.atomic():
        post = ServicePost.objects.create(
            community=community,
            category=category,
            title=title,
            description=description,
            capacity=capacity,
            created_by=actor,
        )
        record(actor, "post.publish", post)
    return post


def close_post(*, actor: Any, post: ServicePost) -> ServicePost:
    _staff(actor, post.community)
    with transaction.atomic():
        ServicePost.objects.filter(pk=post.pk).update(open=False)
        post.open = False
        record(actor, "post.close", post)
    return post


def _confirmed_report(member: Any, community: Any) -> Report | None:
    return Report.objects.filter(
        member=member, community=community, status=ReportStatus.CONFIRMED
    ).first()


def claim_post(*, actor: Any, post: ServicePost, member: Any) -> PostClaim:
    """A reported member claims a place. The place is taken with one conditional UPDATE
    (`claimed < capacity`), so concurrent claims never exceed the capacity."""
    _self_or_staff(actor, member, post.community, _("You may not claim for this member."))
    if _confirmed_report(member, post.community) is None:
        raise ActionError(_("Report to this community first (双报到)."), field="post")
    try:
        with transaction.atomic():
            taken = ServicePost.objects.filter(
                pk=post.pk, open=True, claimed__lt=F("capacity")
            ).update(claimed=F("claimed") + 1)
            if not taken:
                raise ActionError(_("This post is full or closed."), field="post")
            claim = PostClaim.objects.create(post=post, member=member, employer=member.employer)
            record(actor, "post.claim", post, member=member.pk)
    except IntegrityError:
        raise ActionError(_("You have already claimed this post."), field="post") from None
    post.refresh_from_db(fields=["claimed"])
    return claim


def withdraw_claim(*, actor: Any, claim: PostClaim) -> PostClaim:
    _self_or_staff(actor, claim.member, claim.post.community, _("You may not withdraw this."))
    if claim.withdrawn_at is not None:
        raise ActionError(_("Already withdrawn."))
    with transaction.atomic():
        moved = PostClaim.objects.filter(pk=claim.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if moved:
            ServicePost.objects.filter(pk=claim.post_id).update(claimed=F("claimed") - 1)
        record(actor, "post.withdraw", claim.post, member=claim.member_id)
    claim.refresh_from_db()
    return claim


# --- service records ----------------------------------------------------------------------


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ActionError(_("Hours must be a number."), field="hours") from None
    if not Decimal("0") < hours <= Decimal("24"):
        raise ActionError(_("Between 0 and 24 hours a day."), field="hours")
    return hours.quantize(Decimal("0.1"))


def log_service(
    *,
    actor: Any,
    member: Any,
    community: Any,
    served_on: dt.date,
    hours: Any,
    description: str,
    post: ServicePost | None = None,
) -> ServiceRecord:
    """A member (or the community on their behalf) records hours served; the community then
    confirms them. The member's employer is kept with the record for the quarterly sheet."""
    community = _community(community)
    _self_or_staff(actor, member, community, _("You may not record hours for this member."))
    if _confirmed_report(member, community) is None:
        raise ActionError(_("Report to this community first (双报到)."), field="community")
    if served_on > timezone.localdate():
        raise ActionError(_("That day has not come yet."), field="served_on")
    if post is not None and post.community_id != community.pk:
        raise ActionError(_("That post is in another community."), field="post")
    description = (description or "").strip()
    if not description:
        raise ActionError(pgettext("service record", "Say what was done."), field="description")
    with transaction.atomic():
        rec = ServiceRecord.objects.create(
            community=community,
            member=member,
            employer=member.employer,
            post=post,
            served_on=served_on,
            hours=_hours(hours),
            description=description,
        )
        ServiceRecordEvent.objects.create(
            subject=rec, actor=actor, to_status=RecordStatus.SUBMITTED
        )
    return rec


def confirm_service(
    *, actor: Any, record_: ServiceRecord, confirm: bool = True, note: str = ""
) -> ServiceRecord:
    """The community confirms (or rejects) the hours."""
    _staff(actor, record_.community)
    with transaction.atomic():
        transition(
            record_,
            RecordStatus.CONFIRMED if confirm else RecordStatus.REJECTED,
            table=RECORD_TRANSITIONS,
            events=ServiceRecordEvent,
            actor=actor,
            note=note,
        )
    return record_


# --- appraisal ----------------------------------------------------------------------------


def has_reported(member: Any, community: Any, year: int) -> bool:
    """Did the member report to the community for `year`: a registration confirmed by the end
    of the year and not ended before it began."""
    return (
        Report.objects.filter(
            member=member,
            community=community,
            status__in=(ReportStatus.CONFIRMED, ReportStatus.ENDED),
            confirmed_on__lte=dt.date(year, 12, 31),
        )
        .exclude(ended_on__lt=dt.date(year, 1, 1))
        .exists()
    )


def appraise_member(
    *, actor: Any, member: Any, community: Any, year: int, grade: str, note: str = ""
) -> Appraisal:
    """The community's yearly appraisal of a member. Grades are policy; a grade marked
    `needs_report` (合格 and above by default) is refused for a member who has not reported."""
    community = _community(community)
    _staff(actor, community)
    grades = {g.key: g for g in get_policy(REPORTING, community, on=dt.date(year, 12, 31)).grades}
    chosen = grades.get(grade)
    if chosen is None:
        raise ActionError(_("Unknown grade."), field="grade")
    if chosen.needs_report and not has_reported(member, community, year):
        raise ActionError(
            _(
                "%(member)s has not reported to this community (双报到) in %(year)s and cannot be"
                " rated %(grade)s or above."
            )
            % {"member": member, "year": year, "grade": chosen.label},
            field="grade",
        )
    with transaction.atomic():
        appraisal, _created = Appraisal.objects.update_or_create(
            community=community,
            member=member,
            year=year,
            defaults={"grade": grade, "note": note, "decided_by": actor},
        )
        record(actor, "appraisal.rate", appraisal, grade=grade, year=year)
    return appraisal

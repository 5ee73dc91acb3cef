"""A notice's way to the board: submit, review (the secrecy check), approve or escalate or
return, publish for its posting period, archive, withdraw."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError, InvalidTransition, NotAllowed
from cogov.core.notifications import notify
from cogov.core.workflow import transition

from .. import privacy
from ..models import (
    NOTICE_TRANSITIONS,
    Notice,
    NoticeEvent,
    Obligation,
)
from .common import SECRECY_CHECKLIST, S, _require, _staff, _url, _user, touched


def submit(*, actor: Any, notice: Notice, at: dt.datetime | None = None) -> Notice:
    """Send a draft for review (审核). Personal data found is recorded for the reviewer."""
    _require(actor, "disclosure.propose", notice)
    findings = privacy.scan(notice.title, notice.body, notice.table)
    with transaction.atomic():
        transition(
            notice,
            S.IN_REVIEW,
            table=NOTICE_TRANSITIONS,
            events=NoticeEvent,
            at=at or timezone.now(),
            actor=_user(actor),
            note="submitted for review",
            evidence={"personal_data": findings},
            extra_updates={"pii_findings": findings, "secrecy_check": {}},
        )
        reviewers = _staff(notice.community, ("party_secretary",))
        notify(reviewers, "disclosure.review", f"待审核公开事项:{notice.title}", url=_url(notice))
    return notice


def review(
    *,
    actor: Any,
    notice: Notice,
    checklist: dict[str, bool],
    justification: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> Notice:
    """The secrecy check (审核, 保密审查), recorded with the reviewer. Every point of
    SECRECY_CHECKLIST must be confirmed. An identity number anywhere in the notice refuses the
    review until it is removed; a mobile number refuses it unless the reviewer states why
    publishing it is lawful and necessary (a committee's duty phone)."""
    _require(actor, "disclosure.review", notice)
    if notice.status != S.IN_REVIEW:
        raise InvalidTransition(_("only a notice in review can be checked"))
    missing = [key for key, _label in SECRECY_CHECKLIST if not checklist.get(key)]
    if missing:
        raise ActionError(
            _("confirm every point of the secrecy check: %(point)s") % {"point": missing[0]},
            field=missing[0],
        )
    findings = privacy.scan(notice.title, notice.body, notice.table)
    justification = (justification or "").strip()
    ids = [f for f in findings if f["kind"] == "id_number"]
    if ids:
        raise ActionError(
            _("identity numbers are never published: %(found)s. Remove them (edit the draft).")
            % {"found": privacy.describe(ids)},
            field="body",
            code="personal_data",
        )
    if findings and not justification:
        raise ActionError(
            _(
                "personal data found: %(found)s. Mask it (edit the draft) or state why "
                "publishing it is lawful and necessary."
            )
            % {"found": privacy.describe(findings)},
            field="body",
            code="personal_data",
        )
    now = at or timezone.now()
    check = {
        **{key: True for key, _label in SECRECY_CHECKLIST},
        "reviewer": getattr(_user(actor), "pk", None),
        "reviewer_name": str(_user(actor) or ""),
        "at": now.isoformat(),
        "personal_data": findings,
    }
    with transaction.atomic():
        moved = Notice.objects.filter(pk=notice.pk, status=S.IN_REVIEW).update(
            secrecy_check=check, pii_findings=findings, pii_justification=justification
        )
        if not moved:
            raise InvalidTransition(_("the notice changed meanwhile"))
        notice.secrecy_check, notice.pii_findings = check, findings
        notice.pii_justification = justification
        NoticeEvent.objects.create(
            subject=notice,
            actor=_user(actor),
            at=now,
            from_status=S.IN_REVIEW,
            to_status=S.IN_REVIEW,
            note=note or "secrecy check passed",
            evidence={"secrecy_check": check, "justification": justification},
        )
    return notice


def _checked(notice: Notice) -> None:
    if not notice.secrecy_check.get("reviewer") and not notice.secrecy_check.get("at"):
        raise ActionError(_("the secrecy check has not been recorded"), field="secrecy_check")
    findings = privacy.scan(notice.title, notice.body, notice.table)
    if any(f["kind"] == "id_number" for f in findings) or (
        findings and not notice.pii_justification
    ):
        raise ActionError(
            _("personal data found: %(found)s") % {"found": privacy.describe(findings)},
            field="body",
            code="personal_data",
        )


def approve(*, actor: Any, notice: Notice, note: str = "", at: dt.datetime | None = None) -> Notice:
    """审批: the party organization approves a checked notice; a street official approves one
    the community escalated."""
    permission = (
        "disclosure.approve_escalated" if notice.status == S.ESCALATED else "disclosure.approve"
    )
    _require(actor, permission, notice)
    _checked(notice)
    with transaction.atomic():
        transition(
            notice,
            S.APPROVED,
            table=NOTICE_TRANSITIONS,
            events=NoticeEvent,
            at=at or timezone.now(),
            actor=_user(actor),
            note=note or "approved",
        )
        notify(
            [*_staff(notice.community, ("community_worker",)), notice.proposed_by],
            "disclosure.approved",
            f"公开事项已审批,可发布:{notice.title}",
            url=_url(notice),
        )
    return notice


def escalate(*, actor: Any, notice: Notice, note: str) -> Notice:
    """Beyond the community's authority: send a checked notice to the street for approval."""
    _require(actor, "disclosure.approve", notice)
    _checked(notice)
    if not (note or "").strip():
        raise ActionError(_("say why the street must approve"), field="note")
    with transaction.atomic():
        transition(
            notice,
            S.ESCALATED,
            table=NOTICE_TRANSITIONS,
            events=NoticeEvent,
            actor=_user(actor),
            note=note.strip(),
        )
        street = notice.community.parent
        notify(
            _staff(street, ("street_official",)) if street else [],
            "disclosure.escalated",
            f"社区报请审批公开事项:{notice.title}",
            url=_url(notice),
        )
    return notice


def return_to_draft(*, actor: Any, notice: Notice, note: str) -> Notice:
    """The reviewer or approver sends a notice back to its proposer with a reason."""
    permission = (
        "disclosure.approve_escalated" if notice.status == S.ESCALATED else "disclosure.review"
    )
    if not (
        actor is None
        or actor.has_perm(permission, notice)
        or actor.has_perm("disclosure.approve", notice)
    ):
        raise NotAllowed(_("you may not do this"))
    if not (note or "").strip():
        raise ActionError(_("say what must change"), field="note")
    with transaction.atomic():
        transition(
            notice,
            S.DRAFT,
            table=NOTICE_TRANSITIONS,
            events=NoticeEvent,
            actor=_user(actor),
            note=note.strip(),
            extra_updates={"secrecy_check": {}, "pii_justification": ""},
        )
        notify(
            [notice.proposed_by],
            "disclosure.returned",
            f"公开事项退回修改:{notice.title}",
            url=_url(notice),
        )
    return notice


def publish(
    *,
    actor: Any,
    notice: Notice,
    posting_ends_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Notice:
    """实施: post an approved notice on the board. It stays up at least the item's minimum
    posting days (a later end may be chosen); residents may object for the objection window.
    The first notice published for an obligation fulfils it, on the local date of publication."""
    _require(actor, "disclosure.propose", notice)
    NOTICE_TRANSITIONS.check(notice.status, S.PUBLISHED)
    _checked(notice)
    now = at or timezone.now()
    earliest = now + dt.timedelta(days=notice.min_posting_days)
    ends = earliest
    if posting_ends_on is not None:
        ends = dt.datetime.combine(
            posting_ends_on, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone()
        )
        if ends < earliest:
            raise ActionError(
                _("the notice must stay up at least %(n)s days (until %(day)s)")
                % {"n": notice.min_posting_days, "day": f"{timezone.localdate(earliest):%Y-%m-%d}"},
                field="posting_ends_on",
            )
    objections_until = (
        now + dt.timedelta(days=notice.objection_days) if notice.objection_days else None
    )
    with transaction.atomic():
        transition(
            notice,
            S.PUBLISHED,
            table=NOTICE_TRANSITIONS,
            events=NoticeEvent,
            at=at or timezone.now(),
            actor=_user(actor),
            note="published",
            extra_updates={
                "published_at": now,
                "posting_starts_at": now,
                "posting_ends_at": ends,
                "objections_until": objections_until,
            },
        )
        if notice.obligation_id:
            Obligation.objects.filter(pk=notice.obligation_id, fulfilled_on__isnull=True).update(
                fulfilled_on=timezone.localdate(now), fulfilled_by=notice
            )
            touched(notice.community, notice.obligation.due_on if notice.obligation else None)
    return notice


def archive(*, actor: Any, notice: Notice, note: str = "", at: dt.datetime | None = None) -> Notice:
    """Take a notice off the board once its minimum posting period is over (the scheduler
    does it when the posting period ends). It stays readable in the board's archive."""
    _require(actor, "disclosure.propose", notice)
    now = at or timezone.now()
    if (
        notice.status == S.PUBLISHED
        and notice.posting_starts_at
        and now < notice.posting_starts_at + dt.timedelta(days=notice.min_posting_days)
    ):
        raise ActionError(
            _("the notice must stay up at least %(n)s days") % {"n": notice.min_posting_days},
            field="status",
        )
    with transaction.atomic():
        transition(
            notice,
            S.ARCHIVED,
            table=NOTICE_TRANSITIONS,
            events=NoticeEvent,
            at=at or timezone.now(),
            actor=_user(actor),
            note=note or "archived",
        )
    return notice


def withdraw(*, actor: Any, notice: Notice, reason: str) -> Notice:
    """Withdraw a notice at any stage before archiving, with a reason. A withdrawn published
    notice no longer fulfils its obligation (another notice must be published)."""
    _require(actor, "disclosure.propose", notice)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("give the reason for the withdrawal"), field="reason")
    with transaction.atomic():
        was_published = notice.status == S.PUBLISHED
        transition(
            notice,
            S.WITHDRAWN,
            table=NOTICE_TRANSITIONS,
            events=NoticeEvent,
            actor=_user(actor),
            note=reason,
            extra_updates={"withdrawn_reason": reason},
        )
        if was_published and notice.obligation_id:
            Obligation.objects.filter(pk=notice.obligation_id, fulfilled_by=notice).update(
                fulfilled_on=None, fulfilled_by=None
            )
            touched(notice.community, notice.obligation.due_on if notice.obligation else None)
    return notice

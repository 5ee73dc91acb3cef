"""Writes of the disclosure app. Every one: keyword-only `actor`, a permission check, one
transaction, a NoticeEvent (or audit) row, notifications inside the transaction.

Notices: create_notice → submit (draft → in_review) → review (the secrecy check, recorded with
the reviewer) → approve | escalate → approve (street) → publish → archive; return_to_draft and
withdraw (with a reason) on the way. Residents object while the objection window is open;
staff answer.

Other apps call `trigger` when something happens that the catalogue says must be published
(a fund-raising started, the committee changed):

    from cogov.disclosure.actions import trigger
    trigger(actor=None, community=node, trigger="fundraising_started", ref=str(drive.uuid),
            on=date, strict=False)

It creates one obligation per catalogue item with that trigger, due N working days after
`on`; calling it again with the same `ref` changes nothing.

`at` (where accepted) records when something happened, for the demo generator and imports of
past paper postings; the pages and the API never pass it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.calendar import WorkCalendar
from cogov.core.errors import ActionError, InvalidTransition, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from . import privacy, statements
from .models import (
    NOTICE_TRANSITIONS,
    Category,
    Notice,
    NoticeEvent,
    NoticeStatus,
    Objection,
    Obligation,
)
from .policy_kinds import CATALOGUE, Catalogue, CatalogueItem

S = NoticeStatus

# The secrecy check of 条例 art. 15 (审核): every point must be confirmed by the reviewer.
SECRECY_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("no_secrets", "contains no state or work secrets (保密审查)"),
    ("necessary", "disclosure is necessary and within the catalogue"),
    ("accurate", "content is accurate and complete"),
    ("personal_data", "personal data is minimised and masked"),
)


def _require(actor: Any, permission: str, obj: Any) -> None:
    if actor is None:
        return  # the system (scheduler, other apps' triggers, the demo)
    if not actor.has_perm(permission, obj):
        raise NotAllowed(_("you may not do this"))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def item_for(community: Any, code: str, on: dt.date | None = None) -> CatalogueItem | None:
    catalogue: Catalogue = get_policy(CATALOGUE, community, on=on)
    return catalogue.item(code)


# --- triggers --------------------------------------------------------------------------------


def trigger(
    *,
    actor: Any,
    community: Any,
    trigger: str,
    ref: str,
    on: dt.date | None = None,
    note: str = "",
    strict: bool = True,
) -> list[Obligation]:
    """Record that event `trigger` happened in `community` (reference `ref`, e.g. the uuid of
    the fund-raising) and create the obligations the catalogue attaches to it. Idempotent per
    (community, trigger, ref). `strict`: refuse a trigger no catalogue item uses (pages, API);
    other apps pass strict=False, since a local catalogue may not ask for it."""
    _require(actor, "disclosure.propose", community)
    if getattr(community, "level", None) != "community":
        raise ActionError(_("obligations belong to a community"), field="community")
    ref = (ref or "").strip()
    if not ref:
        raise ActionError(_("give a reference for the event"), field="ref")
    on = on or timezone.localdate()
    catalogue: Catalogue = get_policy(CATALOGUE, community, on=on)
    items = catalogue.triggered_by(trigger)
    if not items:
        if strict:
            raise ActionError(
                _("no catalogue item is triggered by %(trigger)s") % {"trigger": trigger},
                field="trigger",
            )
        return []
    calendar = WorkCalendar(community)
    key = f"{trigger}:{ref}"[:80]
    made: list[Obligation] = []
    with transaction.atomic():
        for item in items:
            due = calendar.add_working_days(on, item.deadline_working_days)
            obligation, created = Obligation.objects.get_or_create(
                community=community,
                item_code=item.code,
                period_key=key,
                defaults={
                    "item_label": item.item,
                    "category": item.category,
                    "cadence": item.cadence,
                    "period_start": on,
                    "period_end": on,
                    "due_on": due,
                    "trigger": trigger,
                    "trigger_ref": ref,
                    "basis": {
                        "triggered_on": on.isoformat(),
                        "working_days": item.deadline_working_days,
                        "note": note,
                    },
                },
            )
            if created:
                audit.record(actor, "disclosure.trigger", obligation, trigger=trigger, ref=ref)
                touched(community, due)
            made.append(obligation)
    return made


# --- notices ---------------------------------------------------------------------------------


def create_notice(
    *,
    actor: Any,
    community: Any,
    title: str,
    body: str,
    obligation: Obligation | None = None,
    category: str = "",
    at: dt.datetime | None = None,
) -> Notice:
    """Propose (提出) a notice: a draft of the community, fulfilling `obligation` or ad hoc.
    The posting period, objection window and masking come from the obligation's catalogue item
    (ad hoc notices: 7 days, no objection window, no masking)."""
    _require(actor, "disclosure.propose", community)
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ActionError(_("give the notice a title"), field="title")
    if not body:
        raise ActionError(_("write the text of the notice"), field="body")
    item = None
    if obligation is not None:
        if obligation.community_id != community.pk:
            raise ActionError(_("the obligation belongs to another community"), field="obligation")
        category = obligation.category
        item = item_for(community, obligation.item_code)
    elif category not in Category.values:
        raise ActionError(_("choose party affairs or residents' affairs"), field="category")
    with transaction.atomic():
        notice = Notice.objects.create(
            community=community,
            obligation=obligation,
            item_code=obligation.item_code if obligation else "",
            category=category,
            title=title,
            body=body,
            mask_personal_data=bool(item and item.mask_personal_data),
            min_posting_days=item.min_posting_days if item else 7,
            objection_days=item.objection_days if item else 0,
            proposed_by=_user(actor) or community_user(community),
            created_at=at or timezone.now(),
        )
        NoticeEvent.objects.create(
            subject=notice,
            actor=_user(actor),
            at=at or timezone.now(),
            from_status="",
            to_status=S.DRAFT,
            note="proposed",
        )
    return notice


def community_user(community: Any) -> Any:
    """For system-made notices: the community's first party secretary or worker."""
    from cogov.accounts.models import Membership

    m = (
        Membership.objects.filter(node=community, role__in=("party_secretary", "community_worker"))
        .order_by("role", "pk")
        .select_related("user")
        .first()
    )
    if m is None:
        raise ActionError(_("the community has no staff to propose notices"), field="community")
    return m.user


def edit_notice(*, actor: Any, notice: Notice, title: str, body: str) -> Notice:
    """Change a draft's title and text."""
    _require(actor, "disclosure.propose", notice)
    if notice.status != S.DRAFT:
        raise InvalidTransition(_("only a draft can be edited"))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ActionError(_("give the notice a title"), field="title")
    if not body:
        raise ActionError(_("write the text of the notice"), field="body")
    with transaction.atomic():
        moved = Notice.objects.filter(pk=notice.pk, status=S.DRAFT).update(title=title, body=body)
        if not moved:
            raise InvalidTransition(_("only a draft can be edited"))
        notice.title, notice.body = title, body
        audit.record(actor, "disclosure.edit_notice", notice)
    return notice


def attach_table(
    *,
    actor: Any,
    notice: Notice,
    columns: list[str],
    rows: list[list[Any]],
    title: str = "",
) -> Notice:
    """Attach a table (a 低保 list, an account) to a draft. When the catalogue item asks for
    masking, only its public columns are kept and names are masked before anything is
    stored. Errors name the row and column."""
    _require(actor, "disclosure.propose", notice)
    if notice.status != S.DRAFT:
        raise InvalidTransition(_("only a draft can change its table"))
    if len(rows) > 5000:
        raise ActionError(_("at most 5,000 rows"), field="rows")
    item = item_for(notice.community, notice.item_code) if notice.item_code else None
    if notice.mask_personal_data:
        cols, out = privacy.minimise(
            columns,
            rows,
            public_columns=item.public_columns if item else [],
            name_column=item.name_column if item else "姓名",
        )
    else:
        cols, out = privacy.minimise(columns, rows, public_columns=[], name_column="\0")
    table = {"title": (title or "").strip(), "columns": cols, "rows": out} if cols else {}
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(table=table)
        notice.table = table
        audit.record(actor, "disclosure.attach_table", notice, rows=len(out), columns=cols)
    return notice


def attach_table_file(*, actor: Any, notice: Notice, data: bytes, title: str = "") -> Notice:
    """The same from an uploaded .xlsx or CSV file (UTF-8 or GB18030); the first row with two
    or more headings is the header."""
    from cogov.lib.tabular import read_table

    sheet = read_table(data, lambda text: bool(text.strip()))
    width = len(sheet.headers)
    while width and not sheet.headers[width - 1]:
        width -= 1
    rows = []
    for number, cells in sheet.rows:
        cells = (cells + [""] * width)[:width]
        rows.append(cells)
        if len(cells) != width:  # pragma: no cover - padded above
            raise ActionError(_("row %(n)s: wrong number of cells") % {"n": number}, field="file")
    return attach_table(
        actor=actor, notice=notice, columns=sheet.headers[:width], rows=rows, title=title
    )


def fills_from_ledger(obligation: Obligation) -> bool:
    """Whether the obligation's catalogue item is filled from the ledger."""
    item = item_for(obligation.community, obligation.item_code)
    return item is not None and item.source == statements.SOURCE


def ledger_item(notice: Notice) -> CatalogueItem | None:
    """The catalogue item of the notice's obligation when it can be filled from the ledger."""
    if notice.obligation_id is None or not notice.item_code:
        return None
    item = item_for(notice.community, notice.item_code)
    return item if item is not None and item.source == statements.SOURCE else None


def fill_from_ledger(*, actor: Any, notice: Notice) -> Notice:
    """Fill a draft's text and table with the statement of fund use for its obligation's
    period, computed from the funds journal (persons among the payees masked). The title is
    kept; the proposer reviews and edits before sending it for review."""
    _require(actor, "disclosure.propose", notice)
    if notice.status != S.DRAFT:
        raise InvalidTransition(_("only a draft can be edited"))
    item = ledger_item(notice)
    if item is None or notice.obligation is None:
        raise ActionError(
            _("this notice's catalogue item is not filled from the ledger"), field="obligation"
        )
    start, end = statements.period_for(notice.obligation, item)
    body, table = statements.build(notice.community, item, start, end)
    with transaction.atomic():
        moved = Notice.objects.filter(pk=notice.pk, status=S.DRAFT).update(body=body, table=table)
        if not moved:
            raise InvalidTransition(_("only a draft can be edited"))
        notice.body, notice.table = body, table
        audit.record(
            actor,
            "disclosure.fill_from_ledger",
            notice,
            start=start.isoformat(),
            end=end.isoformat(),
            rows=len(table["rows"]),
        )
    return notice


def create_from_ledger(*, actor: Any, obligation: Obligation, title: str = "") -> Notice:
    """Propose the draft fulfilling a ledger-bound obligation, filled from the ledger (one
    transaction): the title defaults to the item and period."""
    _require(actor, "disclosure.propose", obligation.community)
    title = (title or "").strip() or f"{obligation.item_label}({obligation.period_key})"
    with transaction.atomic():
        notice = create_notice(
            actor=actor,
            community=obligation.community,
            obligation=obligation,
            title=title,
            body="…",
        )
        return fill_from_ledger(actor=actor, notice=notice)


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


# --- objections ------------------------------------------------------------------------------


def object_to(*, actor: Any, notice: Notice, body: str) -> Objection:
    """A resident objects to (or asks about) a published notice while its window is open."""
    if actor is None or not actor.has_perm("disclosure.object", notice):
        raise NotAllowed(_("objections to this notice are not open to you"))
    body = (body or "").strip()
    if not body:
        raise ActionError(_("write your objection"), field="body")
    if len(body) > 2000:
        raise ActionError(_("at most 2,000 characters"), field="body")
    with transaction.atomic():
        objection = Objection.objects.create(notice=notice, author=actor, body=body)
        audit.record(actor, "disclosure.object", notice)
        notify(
            _staff(notice.community, ("community_worker", "party_secretary")),
            "disclosure.objection",
            f"居民对公开事项提出异议:{notice.title}",
            url=_url(notice),
        )
    return objection


def answer_objection(*, actor: Any, objection: Objection, answer: str) -> Objection:
    """Staff answer an objection; the answer is shown on the public board."""
    _require(actor, "disclosure.answer_objection", objection.notice)
    answer = (answer or "").strip()
    if not answer:
        raise ActionError(_("write the answer"), field="answer")
    with transaction.atomic():
        moved = Objection.objects.filter(pk=objection.pk, answered_at__isnull=True).update(
            answer=answer, answered_by=_user(actor), answered_at=timezone.now()
        )
        if not moved:
            raise ActionError(_("this objection has been answered"), field="answer")
        objection.refresh_from_db()
        audit.record(actor, "disclosure.answer_objection", objection.notice)
        notify(
            [objection.author], "disclosure.answered", f"您的异议已答复:{objection.notice.title}"
        )
    return objection


# --- helpers ---------------------------------------------------------------------------------


def _staff(node: Any, roles: tuple[str, ...]) -> list[Any]:
    if node is None:
        return []
    from cogov.accounts.models import Membership

    return [
        m.user
        for m in Membership.objects.current()
        .filter(node=node, role__in=roles)
        .select_related("user")
    ]


def touched(community: Any, *dates: Any) -> None:
    """Tell metric caches (cogov.core.metrics.touched) that disclosure.timeliness may change
    for the periods containing `dates` (the obligations' due dates)."""
    from cogov.core import metrics

    if community is not None:
        metrics.touched("disclosure", community.path, list(dates))


def _url(notice: Notice) -> str:
    return f"/disclosure/notices/{notice.uuid}/"

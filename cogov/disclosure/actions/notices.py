"""Drafting a notice: create and edit it, attach a table (typed or from a spreadsheet), or fill
it from the funds ledger's statement for its period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError, InvalidTransition

from .. import privacy, statements
from ..models import (
    Category,
    Notice,
    NoticeEvent,
    Obligation,
)
from ..policy_kinds import CatalogueItem
from .common import S, _require, _user, item_for


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

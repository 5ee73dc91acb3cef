"""Reads of the disclosure app: the compliance view (per obligation and counts per community),
period parsing, the public board, the catalogue of a node."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.core.policies import resolve

from .models import Notice, Obligation, State
from .policy_kinds import CATALOGUE
from .scheduling import period_of

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?$")


def parse_period(text: str) -> tuple[dt.date, dt.date] | None:
    """'2026', '2026-Q3', '2026-H1' or '2026-03' → [start, end) of due dates; '' → None."""
    text = (text or "").strip().upper()
    if not text:
        return None
    match = _PERIOD.match(text)
    if not match:
        raise ActionError(
            _("%(text)s is not a period; use 2026, 2026-Q3, 2026-H1 or 2026-03") % {"text": text},
            field="period",
        )
    year, part = int(match[1]), match[2]
    if part is None:
        span = period_of("annual", dt.date(year, 1, 1))
    elif part.startswith("Q"):
        span = period_of("quarterly", dt.date(year, 3 * int(part[1]) - 2, 1))
    elif part.startswith("H"):
        span = period_of("semiannual", dt.date(year, 6 * int(part[1]) - 5, 1))
    else:
        if not 1 <= int(part) <= 12:
            raise ActionError(
                _("%(text)s: the month must be 01 to 12") % {"text": text}, field="period"
            )
        span = period_of("monthly", dt.date(year, int(part), 1))
    return span.start, span.end + dt.timedelta(days=1)


@dataclass
class Compliance:
    node: Any
    obligations: list[Obligation]
    per_community: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)
    truncated: bool = False


LIMIT = 2000


def compliance(
    user: Any,
    node: Any,
    *,
    period: str = "",
    category: str = "",
    community: Any = None,
    state: str = "",
    today: dt.date | None = None,
    limit: int = LIMIT,
) -> Compliance:
    """The obligations of `node`'s communities visible to `user`, with their state, filtered by
    the period their due date falls in, category, community and state; and the counts per
    community (for a street or district). A fixed number of queries."""
    today = today or timezone.localdate()
    qs: Any = Obligation.objects.visible_to(user).within(community or node).with_state(today)
    bounds = parse_period(period)
    if bounds:
        qs = qs.due_between(*bounds)
    if category:
        qs = qs.filter(category=category)
    counts_qs = qs
    if state:
        if state not in State.values:
            raise ActionError(_("unknown state %(state)s") % {"state": state}, field="state")
        qs = qs.filter(state=state)
    rows = list(
        qs.select_related("community", "fulfilled_by").order_by(
            "due_on", "community__code", "item_code"
        )[: limit + 1]
    )
    per: list[dict[str, Any]] = list(
        counts_qs.values("community__code", "community__name", "community__uuid")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(state=State.ON_TIME)),
            late=Count("pk", filter=Q(state=State.LATE)),
            overdue=Count("pk", filter=Q(state=State.OVERDUE)),
            not_due=Count("pk", filter=Q(state=State.NOT_DUE)),
        )
        .order_by("community__code")
    )
    totals = {k: sum(r[k] for r in per) for k in ("total", "on_time", "late", "overdue", "not_due")}
    for r in per:
        judged = r["on_time"] + r["late"] + r["overdue"]
        r["rate"] = round(100 * r["on_time"] / judged) if judged else None
    judged = totals["on_time"] + totals["late"] + totals["overdue"]
    totals["rate"] = round(100 * totals["on_time"] / judged) if judged else None  # type: ignore[assignment]
    return Compliance(node, rows[:limit], per, totals, truncated=len(rows) > limit)


def board(community: Any, now: dt.datetime | None = None) -> tuple[list[Notice], list[Notice]]:
    """(current, recent) published notices of the public board; recent = archived or ended in
    the last year. Never a draft, a notice in review or a withdrawn one."""
    now = now or timezone.now()
    items = list(
        Notice.objects.on_board(community)
        .filter(published_at__gte=now - dt.timedelta(days=366))
        .order_by("category", "-published_at")[:500]
    )
    current = [n for n in items if n.status == "published"]
    recent = [n for n in items if n.status != "published"]
    return current, recent


def catalogue_of(node: Any, on: dt.date | None = None) -> tuple[Any, str]:
    """The catalogue in force at `node` and where it comes from (default, platform, node)."""
    found = resolve(CATALOGUE, node, on=on)
    origin = found.source
    if found.policy is not None and found.policy.node is not None:
        origin = f"{found.source}:{found.policy.node.name}"
    return found.value, origin

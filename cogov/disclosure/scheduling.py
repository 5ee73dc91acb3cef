"""Obligations from the catalogue: periods, due dates on the working-day calendar, the
idempotent scheduler and the periodic tick that runs it from `cogov worker`.

    schedule(on=date)        # create what is missing for the periods around `on`; safe to repeat
    due_date(item, start, end, calendar)

Periodic cadences: an obligation per community × item × period (2026-03, 2026-Q3, 2026-H1,
2026). Its due date is the `deadline_working_days`-th working day after the period's last day
(cogov.core.calendar, with the community's holiday policy); for a long-term item (the
committee's profile) the period is the year and the due date the N-th working day of the year.
Triggered cadences (per_event, on_change) are created by `actions.trigger`.

The worker: `arm()` stores a core Deadline "disclosure.schedule" due at the next 01:00 local
time; the deadline sweep that every `cogov worker` runs breaches it, and the breach handler runs
the scheduler and arms the next one. The sweep claims each breach once, so several workers run
the scheduler once a day between them. `cogov disclosure_schedule` runs it by hand (or cron) and
arms the tick.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from cogov.core import deadlines
from cogov.core.calendar import SHANGHAI, Due, WorkCalendar
from cogov.core.policies import get_policy

from .models import Notice, NoticeStatus, Obligation, ScheduleRun
from .policy_kinds import CATALOGUE, Catalogue, CatalogueItem

log = logging.getLogger(__name__)

TICK = "disclosure.schedule"


@dataclass(frozen=True)
class PeriodSpan:
    key: str
    start: dt.date
    end: dt.date  # the last day, inclusive


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def period_of(cadence: str, day: dt.date) -> PeriodSpan:
    """The period of `cadence` that contains `day`."""
    y, m = day.year, day.month
    if cadence == "monthly":
        return PeriodSpan(f"{y}-{m:02d}", dt.date(y, m, 1), _month_end(y, m))
    if cadence == "quarterly":
        q = (m - 1) // 3 + 1
        return PeriodSpan(f"{y}-Q{q}", dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if cadence == "semiannual":
        h = 1 if m <= 6 else 2
        return PeriodSpan(f"{y}-H{h}", dt.date(y, 6 * h - 5, 1), _month_end(y, 6 * h))
    if cadence in ("annual", "long_term"):
        return PeriodSpan(f"{y}", dt.date(y, 1, 1), dt.date(y, 12, 31))
    raise ValueError(f"{cadence!r} is not a periodic cadence")


def periods_between(cadence: str, since: dt.date, until: dt.date) -> list[PeriodSpan]:
    """The periods of `cadence` that overlap [since, until], oldest first."""
    spans: list[PeriodSpan] = []
    day = since
    while day <= until:
        span = period_of(cadence, day)
        spans.append(span)
        day = span.end + dt.timedelta(days=1)
    return spans


def previous_period_start(cadence: str, day: dt.date) -> dt.date:
    """The default look-back: the start of the period before the one containing `day` (a
    missed run still creates last period's obligation); long-term items: this year."""
    current = period_of(cadence, day)
    if cadence == "long_term":
        return current.start
    return period_of(cadence, current.start - dt.timedelta(days=1)).start


def due_date(item: CatalogueItem, span: PeriodSpan, calendar: WorkCalendar) -> dt.date:
    """The day an obligation is due (inclusive): N working days after the period ends; for a
    long-term item, the N-th working day of its year."""
    n = item.deadline_working_days
    if item.cadence == "long_term":
        return calendar.add_working_days(span.start - dt.timedelta(days=1), n) if n else span.start
    return calendar.add_working_days(span.end, n)


def communities(on: dt.date) -> Any:
    from cogov.territory.models import Level, Node

    return Node.objects.active(on).of_level(Level.COMMUNITY).order_by("pk")


@dataclass
class Result:
    created: int = 0
    communities: int = 0
    archived: int = 0
    reminded: int = 0


def schedule(
    on: dt.date | None = None,
    *,
    since: dt.date | None = None,
    nodes: Any = None,
) -> Result:
    """Create the missing obligations of every active community (or of `nodes`) for each
    periodic catalogue item and each period that overlaps [since, on] and has begun.

    Idempotent: existing obligations are skipped and the unique constraint (community, item,
    period) makes a concurrent run's duplicates no-ops. Also archives notices whose posting
    period has ended and reminds staff once of each obligation that became overdue."""
    on = on or timezone.localdate()
    result = Result()
    targets = list(nodes if nodes is not None else communities(on))
    policies: dict[str, Catalogue] = {}
    for community in targets:
        catalogue: Catalogue = get_policy(CATALOGUE, community, on=on)
        policies[community.code] = catalogue
        calendar = WorkCalendar(community)
        wanted: list[Obligation] = []
        for item in catalogue.items:
            if not item.periodic:
                continue
            start = since or previous_period_start(item.cadence, on)
            for span in periods_between(item.cadence, start, on):
                due = due_date(item, span, calendar)
                wanted.append(
                    Obligation(
                        community=community,
                        item_code=item.code,
                        item_label=item.item,
                        category=item.category,
                        cadence=item.cadence,
                        period_key=span.key,
                        period_start=span.start,
                        period_end=span.end,
                        due_on=due,
                        basis={
                            "period_end": span.end.isoformat(),
                            "working_days": item.deadline_working_days,
                            "calendar": calendar.source(due.year),
                        },
                    )
                )
        existing = set(
            Obligation.objects.filter(
                community=community, period_key__in={o.period_key for o in wanted}
            ).values_list("item_code", "period_key")
        )
        new = [o for o in wanted if (o.item_code, o.period_key) not in existing]
        if new:
            Obligation.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
            from .actions import touched

            touched(community, *{o.due_on for o in new})
        result.created += len(new)
        result.communities += 1
    result.archived = archive_expired()
    result.reminded = remind_overdue(on)
    ScheduleRun.objects.create(on=on, created=result.created, communities=result.communities)
    return result


def archive_expired(now: dt.datetime | None = None) -> int:
    """Archive published notices whose posting period has ended (system actor)."""
    from .actions import archive

    now = now or timezone.now()
    count = 0
    for notice in Notice.objects.filter(
        status=NoticeStatus.PUBLISHED, posting_ends_at__lte=now
    ).select_related("community"):
        try:
            archive(actor=None, notice=notice, note="posting period ended")
        except Exception:  # another worker archived it meanwhile
            log.info("notice %s was archived elsewhere", notice.uuid)
            continue
        count += 1
    return count


def remind_overdue(on: dt.date) -> int:
    """Tell each community's workers and party secretary, once, of the obligations that became
    overdue: one notification per community and run, listing them. Each obligation is claimed
    by a conditional UPDATE stamping `reminded_at` with this run's time, so concurrent runs
    never remind twice."""
    from cogov.accounts.models import Membership
    from cogov.core.notifications import notify

    count = 0
    pending = Obligation.objects.filter(
        due_on__lt=on, fulfilled_on__isnull=True, reminded_at__isnull=True
    )
    for community_id in sorted(set(pending.values_list("community_id", flat=True))):
        stamp = timezone.now()
        with transaction.atomic():
            won = pending.filter(community_id=community_id).update(reminded_at=stamp)
            if not won:
                continue
            claimed = list(
                Obligation.objects.filter(community_id=community_id, reminded_at=stamp).order_by(
                    "due_on"
                )
            )
            users = [
                m.user
                for m in Membership.objects.current()
                .filter(node_id=community_id, role__in=("community_worker", "party_secretary"))
                .select_related("user")
            ]
            # timeliness now judges these (due date passed): tell metric caches
            from .actions import touched

            if claimed:
                touched(claimed[0].community, *{o.due_on for o in claimed})
            lines = [f"{o.item_label} {o.period_key}(截止 {o.due_on:%Y-%m-%d})" for o in claimed]
            notify(
                users,
                "disclosure.overdue",
                f"{len(claimed)} 项公开任务逾期未公开",
                body="\n".join(lines[:50]),
                url="/disclosure/compliance/?state=overdue",
            )
            count += len(claimed)
    return count


def arm(now: dt.datetime | None = None) -> bool:
    """Make sure one scheduler tick is pending (a core Deadline due at the next 01:00)."""
    from django.contrib.contenttypes.models import ContentType

    from cogov.core.models import Deadline

    now = now or timezone.now()
    pending = Deadline.objects.filter(
        kind=TICK,
        content_type=ContentType.objects.get_for_model(ScheduleRun),
        met_at__isnull=True,
        breached_at__isnull=True,
        cancelled_at__isnull=True,
    )
    if pending.exists():
        return False
    local = timezone.localtime(now, SHANGHAI)
    next_run = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(1), SHANGHAI)
    anchor = ScheduleRun.objects.order_by("-pk").first() or ScheduleRun.objects.create(
        on=local.date()
    )
    deadlines.schedule(anchor, TICK, Due(at=next_run, basis={"tick": "daily 01:00"}))
    return True


@deadlines.on_breach(TICK)
def _tick(deadline: Any) -> None:
    """The worker's daily run: schedule, then arm the next tick."""
    result = schedule()
    log.info("disclosure schedule: %s obligation(s) created", result.created)
    arm()

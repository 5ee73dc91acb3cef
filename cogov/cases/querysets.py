"""Reads of cases and whistles: chainable QuerySet methods."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Max, Q
from django.utils import timezone

from cogov.accounts.scopes import reach
from cogov.core.metrics import Period

from .predicates import FIELD, MANAGE, VIEW, WHISTLE, case_paths, own_organization_ids
from .workflow import OPEN_STATUSES, Status

S = Status

# What each kind of actor must do next, by status (see queue_for).
MANAGER_QUEUE = (
    S.REPORTED,
    S.VERIFIED,
    S.FILED,
    S.RETURNED,
    S.POSTPONEMENT_REQUESTED,
    S.CHECKED,
    S.REVISITED,
)
FIELD_QUEUE = (S.REPORTED, S.REPLIED)
HANDLER_QUEUE = (S.DISPATCHED, S.SIGNED, S.HANDLING, S.HUNG)


def _under(paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(territory_path__startswith=path)
    return condition


class CaseQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """Staff see the cases of their territory; organizations the cases dispatched to them
        (as lead or co-handler) or whistled to them; residents the cases they reported."""
        r = reach(user)
        if r.everything:
            return self
        condition = _under(case_paths(r, VIEW))
        org_ids = sorted(own_organization_ids(r))
        if org_ids:
            through = self.model.co_handlers.through
            from .models import WhistleReport

            condition |= Q(lead_organization_id__in=org_ids)
            condition |= Q(
                pk__in=through.objects.filter(organization_id__in=org_ids).values("case_id")
            )
            condition |= Q(
                pk__in=WhistleReport.objects.filter(
                    department_id__in=org_ids, whistle__case__isnull=False
                ).values("whistle__case_id")
            )
        if getattr(user, "is_authenticated", False):
            condition |= Q(reporter_user_id=user.pk)
        if r.person_id is not None:
            condition |= Q(reporter_person_id=r.person_id)
        return self.filter(condition)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def in_region(self, node: Any) -> CaseQuerySet:
        """Cases in `node` and below it."""
        return self.filter(territory_path__startswith=node.path)

    def reported_month_or_latest(self, month: str) -> str:
        """`month` ("YYYY-MM") when a case of this queryset was reported in it, else the latest
        month with a reported case (a data set that ends earlier, such as the demo's year),
        else `month`."""
        bounds = Period.parse(month).bounds()
        if self.filter(reported_at__gte=bounds[0], reported_at__lt=bounds[1]).exists():
            return month
        latest = self.filter(reported_at__lt=bounds[0]).aggregate(m=Max("reported_at"))["m"]
        return timezone.localtime(latest).strftime("%Y-%m") if latest else month

    def for_list(self) -> CaseQuerySet:
        return self.select_related("category", "grid", "community", "street", "lead_organization")

    def queue_for(self, user: Any) -> CaseQuerySet:
        """The cases on which `user` must act next: centre staff verify, file, dispatch, approve
        postponements and revisit; grid workers verify and check; organizations sign, contact
        and reply; reporters confirm the reply and answer the revisit; streets take escalated
        cases."""
        r = reach(user)
        if r.everything:
            return self.filter(status__in=(*MANAGER_QUEUE, S.ESCALATED))
        condition = _under(case_paths(r, MANAGE)) & Q(status__in=MANAGER_QUEUE)
        condition |= _under(case_paths(r, WHISTLE)) & Q(status=S.ESCALATED)
        condition |= _under(case_paths(r, FIELD)) & Q(status__in=FIELD_QUEUE)
        org_ids = sorted(own_organization_ids(r))
        if org_ids:
            condition |= Q(lead_organization_id__in=org_ids, status__in=HANDLER_QUEUE)
        # Cases with no owner (属地兜底) wait for the street's officials.
        condition |= _under(case_paths(r, WHISTLE)) & Q(
            lead_organization__isnull=True, status__in=HANDLER_QUEUE
        )
        mine = (
            Q(reporter_user_id=user.pk)
            if getattr(user, "is_authenticated", False)
            else Q(pk__in=[])
        )
        if r.person_id is not None:
            mine |= Q(reporter_person_id=r.person_id)
        condition |= mine & Q(status=S.REPLIED)
        if r.person_id is not None:
            # A verified resident answers the revisit of their own report (回访).
            condition |= Q(reporter_person_id=r.person_id, channel="resident", status=S.CHECKED)
        return self.filter(condition)


class WhistleQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> WhistleQuerySet:
        """Streets see their whistles (and the district above them); invited departments theirs."""
        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in case_paths(r, VIEW):
            condition |= Q(street_path__startswith=path)
        org_ids = sorted(own_organization_ids(r))
        if org_ids:
            from .models import WhistleReport

            condition |= Q(
                pk__in=WhistleReport.objects.filter(department_id__in=org_ids).values("whistle_id")
            )
        return self.filter(condition)

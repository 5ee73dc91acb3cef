"""Core's REST endpoints under /api/core/: metrics, resolved policies, the caller's inbox."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from . import metrics as registry
from .actions import mark_notification_read
from .models import Notification
from .policies import kinds, resolve

router = Router(tags=["core"])


def _visible_node(request: HttpRequest, node_uuid: uuid_lib.UUID) -> Any:
    from cogov.territory.models import Node

    node = Node.objects.visible_to(request.user).filter(uuid=node_uuid).first()
    if node is None:
        raise Http404("no such node")
    return node


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    direction: str
    levels: list[str]
    description: str


class MetricValueOut(Schema):
    key: str
    node: uuid_lib.UUID
    node_code: str
    period: str
    start: dt.date
    end: dt.date
    value: Decimal | None


class PolicyOut(Schema):
    key: str
    label: str
    statutory: bool
    value: dict[str, Any]
    source: str  # "default", "platform" or "node"
    node: uuid_lib.UUID | None  # the node whose row applies, when source is "node"
    effective_from: dt.date | None


class NotificationOut(Schema):
    uuid: uuid_lib.UUID
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


def _metric_out(metric: registry.Metric) -> MetricOut:
    return MetricOut(
        key=metric.key,
        label=str(metric.label),
        unit=str(metric.unit),
        direction=metric.direction,
        levels=list(metric.levels),
        description=str(metric.description),
    )


@router.get("/metrics", response=list[MetricOut], summary="The metrics registry")
def list_metrics(request: HttpRequest) -> list[MetricOut]:
    return [_metric_out(m) for m in registry.all_metrics()]


@router.get("/metrics/{key}", response=MetricValueOut, summary="One metric for a node and period")
def compute_metric(
    request: HttpRequest, key: str, node: uuid_lib.UUID, period: str
) -> MetricValueOut:
    """`period` is YYYY or YYYY-MM. The node must be visible to the caller and the caller must
    hold `core.view_metrics` on it; otherwise 404, as for a node that does not exist."""
    try:
        metric = registry.get(key)
    except KeyError:
        raise Http404("no such metric") from None
    target = _visible_node(request, node)
    if not request.user.has_perm("core.view_metrics", target):
        raise Http404("no such node")
    try:
        span = registry.Period.parse(period)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    if target.level not in metric.levels:
        raise HttpError(
            422,
            _("The metric %(metric)s is not defined for the level %(level)s.")
            % {"metric": key, "level": target.get_level_display()},
        )
    value = registry.compute(key, target, span)
    return MetricValueOut(
        key=key,
        node=target.uuid,
        node_code=target.code,
        period=period.strip(),
        start=span.start,
        end=span.end,
        value=value,
    )


@router.get("/policies", response=list[PolicyOut], summary="Every policy kind, resolved at a node")
def list_policies(request: HttpRequest, node: uuid_lib.UUID | None = None) -> list[PolicyOut]:
    """Each kind with the value in force today at `node` (platform-wide without a node) and
    where it comes from: the shipped default, the platform-wide value, or a node on the way up."""
    target = _visible_node(request, node) if node is not None else None
    out = []
    for kind in kinds():
        resolved = resolve(kind.key, target)
        row = resolved.policy
        out.append(
            PolicyOut(
                key=kind.key,
                label=str(kind.label),
                statutory=kind.statutory,
                value=resolved.value.model_dump(mode="json"),
                source=resolved.source,
                node=row.node.uuid if row is not None and row.node is not None else None,
                effective_from=row.effective_from if row is not None else None,
            )
        )
    return out


def _inbox(user: Any) -> QuerySet[Notification]:
    """The user's notifications: unread first, then newest first."""
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return Notification.objects.filter(recipient=user).order_by(unread_first, "-created_at", "-pk")


@router.get("/notifications", response=list[NotificationOut], summary="My inbox, unread first")
@paginate(LimitOffsetPagination)
def list_notifications(request: HttpRequest) -> QuerySet[Notification]:
    return _inbox(request.user)


@router.post("/notifications/{uuid}/read", response=NotificationOut, summary="Mark one read")
def read_notification(request: HttpRequest, uuid: uuid_lib.UUID) -> Notification:
    notification = Notification.objects.filter(recipient_id=request.user.pk, uuid=uuid).first()
    if notification is None:
        raise Http404("no such notification")
    mark_notification_read(actor=request.user, notification=notification)
    return notification

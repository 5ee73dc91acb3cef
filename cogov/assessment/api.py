"""JSON API of assessment: rounds (read, open, compute, publish, manual scores, appeals),
indicator systems (read the tree with weights and AHP reports; edit nodes, judgements,
parameters; new versions) and a dashboard's data. Every write calls an action."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import Period
from cogov.web.access import get_visible_or_404

from . import actions
from .engine import round_units
from .models import ORG_LEVELS, Appeal, Indicator, IndicatorSystem, Round, SystemVersion
from .selectors import dashboard_data, metric_choices, tree_rows, visible_results

router = Router(tags=["assessment"])


def _call(func: Callable[..., Any], request: HttpRequest, **kwargs: Any) -> Any:
    try:
        return func(actor=request.user, **kwargs)
    except NotAllowed as exc:
        raise HttpError(403, exc.message or _("You may not do this.")) from None
    except ActionError as exc:
        raise HttpError(400, f"{exc.field}: {exc.message}" if exc.field else exc.message) from None


def _round_json(rnd: Round) -> dict[str, Any]:
    return {
        "uuid": str(rnd.uuid),
        "name": rnd.name,
        "status": rnd.status,
        "level": rnd.level,
        "scope": str(rnd.scope.uuid),
        "version": str(rnd.version.uuid),
        "period": [rnd.period_start.isoformat(), rnd.period_end.isoformat()],
    }


@router.get("/rounds")
def list_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    rounds = Round.objects.visible_to(request.user).select_related("scope", "version")
    return [_round_json(r) for r in rounds]


class RoundIn(Schema):
    name: str
    version: uuid_lib.UUID
    scope: uuid_lib.UUID
    level: str
    start: dt.date
    end: dt.date  # exclusive


@router.post("/rounds")
def create_round(request: HttpRequest, data: RoundIn) -> dict[str, Any]:
    from cogov.territory.models import Node

    scope = get_visible_or_404(Node.objects.all(), request.user, uuid=data.scope)
    version = get_object_or_404(SystemVersion, uuid=data.version)
    rnd = _call(
        actions.create_round,
        request,
        version=version,
        scope=scope,
        level=data.level,
        start=data.start,
        end=data.end,
        name=data.name,
    )
    return _round_json(rnd)


def _round(request: HttpRequest, uuid: uuid_lib.UUID) -> Round:
    return get_visible_or_404(
        Round.objects.select_related("scope", "version"), request.user, uuid=uuid
    )


@router.get("/rounds/{uuid}")
def round_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    rnd = _round(request, uuid)
    data = _round_json(rnd)
    data["unavailable_metrics"] = rnd.snapshot.get("unavailable", [])
    data["results"] = [
        {
            "unit": r.unit_id,
            "kind": "organization" if r.organization_id else "node",
            "uuid": str(r.unit.uuid),
            "name": r.unit.name,
            "score": r.score,
            "rank": r.rank,
            "grade": r.grade,
            "blocks": r.blocks,
        }
        for r in visible_results(rnd, request.user)
    ]
    return data


@router.get("/rounds/{uuid}/snapshot")
def round_snapshot(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    """The frozen inputs (units, indicators with weights, values, parameters, thresholds)."""
    rnd = _round(request, uuid)
    if not request.user.has_perm("assessment.manage_round", rnd):
        raise HttpError(403, _("You may not do this."))
    return rnd.snapshot


@router.post("/rounds/{uuid}/compute")
def compute_round(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    rnd = _round(request, uuid)
    _call(actions.compute_round, request, round=rnd)
    rnd.refresh_from_db()
    return _round_json(rnd)


@router.post("/rounds/{uuid}/publish")
def publish_round(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    rnd = _round(request, uuid)
    _call(actions.publish_round, request, round=rnd)
    rnd.refresh_from_db()
    return _round_json(rnd)


class ScoreIn(Schema):
    unit: int  # a node id, or an organization id in a department / party-organization round
    indicator: uuid_lib.UUID
    value: float | None  # None clears the score


def _unit(rnd: Round, pk: int) -> Any:
    from cogov.organizations.models import Organization
    from cogov.territory.models import Node

    model = Organization if rnd.level in ORG_LEVELS else Node
    unit = model.objects.filter(pk=pk).first()
    if unit is None:
        raise HttpError(400, _("unit: %(unit)s is not a unit of this round.") % {"unit": pk})
    return unit


@router.get("/rounds/{uuid}/scores")
def list_scores(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    rnd = _round(request, uuid)
    if not request.user.has_perm("assessment.score_round", rnd):
        raise HttpError(403, _("You may not do this."))
    return {
        "units": [{k: u[k] for k in ("id", "name", "kind")} for u in round_units(rnd)],
        "indicators": [
            {"uuid": str(i.uuid), "name": i.name, "unit": i.unit}
            for i in Indicator.objects.filter(version=rnd.version, manual=True)
        ],
        "scores": [
            {"unit": m.unit_id, "indicator": str(m.indicator.uuid), "value": m.value}
            for m in rnd.manual_scores.select_related("indicator")  # type: ignore[attr-defined]
        ],
    }


@router.put("/rounds/{uuid}/scores")
def put_scores(request: HttpRequest, uuid: uuid_lib.UUID, data: list[ScoreIn]) -> dict[str, int]:
    """Record many manual scores at once, all or none; an error names its row (from 1)."""
    rnd = _round(request, uuid)
    with transaction.atomic():
        for n, item in enumerate(data, start=1):
            indicator = Indicator.objects.filter(uuid=item.indicator, version=rnd.version).first()
            if indicator is None:
                raise HttpError(
                    400, _("Row %(row)d: indicator: not an indicator of this round.") % {"row": n}
                )
            unit = _unit(rnd, item.unit)
            try:
                if item.value is None:
                    _call(
                        actions.clear_manual_score,
                        request,
                        round=rnd,
                        unit=unit,
                        indicator=indicator,
                    )
                else:
                    _call(
                        actions.record_manual_score,
                        request,
                        round=rnd,
                        unit=unit,
                        indicator=indicator,
                        value=item.value,
                    )
            except HttpError as exc:
                raise HttpError(
                    exc.status_code, _("Row %(row)d: %(error)s") % {"row": n, "error": exc}
                ) from None
    return {"saved": len(data)}


class AppealIn(Schema):
    unit: int
    reason: str


@router.post("/rounds/{uuid}/appeals")
def raise_appeal(request: HttpRequest, uuid: uuid_lib.UUID, data: AppealIn) -> dict[str, Any]:
    rnd = _round(request, uuid)
    appeal = _call(
        actions.raise_appeal, request, round=rnd, unit=_unit(rnd, data.unit), reason=data.reason
    )
    return {"uuid": str(appeal.uuid), "status": appeal.status}


class DecisionIn(Schema):
    accept: bool
    note: str


@router.post("/appeals/{uuid}/decide")
def decide_appeal(request: HttpRequest, uuid: uuid_lib.UUID, data: DecisionIn) -> dict[str, Any]:
    appeal = get_object_or_404(Appeal.objects.select_related("round__scope"), uuid=uuid)
    if not request.user.has_perm("assessment.view_round", appeal.round):
        raise HttpError(404, _("Not found."))
    _call(actions.decide_appeal, request, appeal=appeal, accept=data.accept, note=data.note)
    return {"uuid": str(appeal.uuid), "status": appeal.status}


# --- indicator systems ----------------------------------------------------------------------


def _manager(request: HttpRequest) -> None:
    if not request.user.has_perm("assessment.manage_system"):
        raise HttpError(403, _("You may not do this."))


@router.get("/systems")
def list_systems(request: HttpRequest) -> list[dict[str, Any]]:
    _manager(request)
    return [
        {
            "key": s.key,
            "name": s.name,
            "versions": [
                {"uuid": str(v.uuid), "number": v.number, "frozen": v.frozen}
                for v in s.versions.order_by("number")
            ],
        }  # type: ignore[attr-defined]
        for s in IndicatorSystem.objects.prefetch_related("versions").order_by("name")
    ]


class SystemIn(Schema):
    key: str
    name: str
    description: str = ""


@router.post("/systems")
def create_system(request: HttpRequest, data: SystemIn) -> dict[str, Any]:
    version = _call(
        actions.create_system, request, key=data.key, name=data.name, description=data.description
    )
    return version_detail(request, version.uuid)


def _report(report: Any, children: list[Indicator]) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "weights": {c.name: float(w) for c, w in zip(children, report.weights, strict=True)},
        "lambda_max": report.lambda_max,
        "ci": report.ci,
        "ri": report.ri,
        "cr": report.cr,
        "consistent": report.consistent,
        "most_inconsistent": [
            {"a": children[i].name, "b": children[j].name, "deviation": d}
            for i, j, d in report.culprits[:3]
        ],
    }


@router.get("/versions/{uuid}")
def version_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    _manager(request)
    version = get_object_or_404(SystemVersion.objects.select_related("system"), uuid=uuid)
    return {
        "uuid": str(version.uuid),
        "system": version.system.key,
        "number": version.number,
        "frozen": version.frozen,
        "params": version.params,
        "tree": [
            {
                "uuid": str(r["node"].uuid),
                "parent": str(r["node"].parent.uuid) if r["node"].parent_id else None,
                "kind": r["node"].kind,
                "name": r["node"].name,
                "metric_key": r["node"].metric_key,
                "metric_available": not r["missing"],
                "manual": r["node"].manual,
                "direction": r["node"].direction,
                "unit": r["node"].unit,
                "weight": r["node"].weight,
                "local_weight": r["local"],
                "global_weight": r["global"],
                "weighting": r["how"],
                "ahp": _report(r["report"], r["children"]),
                "error": r["error"],
            }
            for r in tree_rows(version)
        ],
    }


class NodeIn(Schema):
    name: str
    kind: str = "indicator"
    metric_key: str = ""
    manual: bool = False
    direction: str = "benefit"
    unit: str = ""
    weight: float | None = None


def _node(request: HttpRequest, uuid: uuid_lib.UUID) -> Indicator:
    _manager(request)
    return get_object_or_404(Indicator.objects.select_related("version__system"), uuid=uuid)


@router.post("/indicators/{uuid}/children")
def add_indicator(request: HttpRequest, uuid: uuid_lib.UUID, data: NodeIn) -> dict[str, Any]:
    parent = _node(request, uuid)
    node = _call(actions.add_indicator, request, parent=parent, **data.dict())
    return {"uuid": str(node.uuid)}


@router.patch("/indicators/{uuid}")
def update_indicator(request: HttpRequest, uuid: uuid_lib.UUID, data: NodeIn) -> dict[str, Any]:
    node = _node(request, uuid)
    fields = data.dict()
    fields.pop("kind")
    _call(actions.update_indicator, request, node=node, **fields)
    return {"uuid": str(node.uuid)}


@router.delete("/indicators/{uuid}")
def delete_indicator(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    _call(actions.delete_indicator, request, node=_node(request, uuid))
    return {"deleted": str(uuid)}


class JudgementsIn(Schema):
    matrices: list[list[list[float]]]  # one n×n reciprocal matrix per expert


@router.put("/indicators/{uuid}/judgements")
def set_judgements(request: HttpRequest, uuid: uuid_lib.UUID, data: JudgementsIn) -> dict[str, Any]:
    """Store the experts' matrices; answers the group AHP report (CR, most inconsistent)."""
    node = _node(request, uuid)
    report = _call(actions.set_judgements, request, node=node, matrices=data.matrices)
    children = list(node.children.order_by("order", "pk"))  # type: ignore[attr-defined]
    return {"ahp": _report(report, children)}


@router.put("/versions/{uuid}/params")
def set_params(request: HttpRequest, uuid: uuid_lib.UUID, data: dict[str, Any]) -> dict[str, Any]:
    _manager(request)
    version = get_object_or_404(SystemVersion, uuid=uuid)
    _call(actions.set_params, request, version=version, params=data)
    return {"params": version.params}


@router.post("/versions/{uuid}/new")
def new_version(request: HttpRequest, uuid: uuid_lib.UUID) -> dict[str, Any]:
    _manager(request)
    version = get_object_or_404(SystemVersion, uuid=uuid)
    copy = _call(actions.new_version, request, version=version)
    return {"uuid": str(copy.uuid), "number": copy.number}


# --- dashboards -----------------------------------------------------------------------------


@router.get("/dashboard/{uuid}")
def dashboard(
    request: HttpRequest, uuid: uuid_lib.UUID, metric: str = "", period: str = ""
) -> dict[str, Any]:
    from cogov.territory.models import Node

    node = get_visible_or_404(Node.objects.all(), request.user, uuid=uuid)
    if not request.user.has_perm("assessment.view_round", node):
        raise HttpError(404, _("Not found."))
    keys = {m.key for m in metric_choices(node)}
    if metric not in keys:
        raise HttpError(400, _("metric: one of %(keys)s.") % {"keys": ", ".join(sorted(keys))})
    try:
        p = Period.parse(period)
    except ValueError as exc:
        raise HttpError(400, f"period: {exc}") from None
    data = dashboard_data(request.user, node, metric, p)
    return {
        "node": str(node.uuid),
        "metric": metric,
        "period": [p.start.isoformat(), p.end.isoformat()],
        "children": [
            {
                "uuid": str(r["node"].uuid),
                "name": r["node"].name,
                "value": r["value"],
                "rank": r["rank"],
            }
            for r in data["rows"]
        ],
        "trend": data["trend"],
        "radar": data["radar"],
    }

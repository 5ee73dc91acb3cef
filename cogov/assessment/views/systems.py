"""Pages for indicator systems: the list, a version's tree (nodes, metric bindings, weights,
parameters), a node's form, the AHP judgements of a node's children with the consistency report,
and a new version. Every write goes through cogov.assessment.actions.systems."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.core import metrics as registry

from ..actions import systems as actions
from ..defaults import FALLBACK_NAMES, install_default_system
from ..engine import DEFAULT_PARAMS
from ..methods import RANDOM_INDEX_TABLES
from ..models import Direction, Indicator, IndicatorSystem, Kind, SystemVersion
from ..selectors import tree_rows
from .common import attempt, need, number

SCALE_CHOICES = [str(Fraction(1, k)) for k in range(9, 1, -1)] + [str(k) for k in range(1, 10)]


def _metric_choices() -> list[tuple[str, str]]:
    known = [(m.key, f"{m.label} ({m.key})") for m in registry.all_metrics()]
    keys = {k for k, _l in known}
    pending = [
        (k, f"{name} ({k}) — {_('metric not available yet')}")
        for k, name in FALLBACK_NAMES.items()
        if k not in keys
    ]
    return known + pending


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    need(request, "assessment.manage_system")
    if request.method == "POST":
        if request.POST.get("default"):
            version, _missing = install_default_system()
            return redirect("assessment:version-detail", uuid=version.uuid)
        version = attempt(
            request,
            actions.create_system,
            _("The indicator system was created."),
            key=request.POST.get("key", "").strip(),
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
        )
        if version:
            return redirect("assessment:version-detail", uuid=version.uuid)
    systems = IndicatorSystem.objects.prefetch_related("versions").order_by("name")
    return render(request, "assessment/system_list.html", {"systems": systems})


def _version(request: HttpRequest, uuid: Any) -> SystemVersion:
    need(request, "assessment.manage_system")
    return get_object_or_404(SystemVersion.objects.select_related("system"), uuid=uuid)


def _node(request: HttpRequest, uuid: Any) -> Indicator:
    need(request, "assessment.manage_system")
    return get_object_or_404(
        Indicator.objects.select_related("version__system", "parent"), uuid=uuid
    )


def _fields(post: Any) -> dict[str, Any]:
    manual = post.get("binding") == "manual"
    return {
        "name": post.get("name", ""),
        "metric_key": "" if manual else post.get("metric_key", "").strip(),
        "manual": manual,
        "direction": post.get("direction", Direction.BENEFIT),
        "unit": post.get("unit", "").strip(),
        "weight": number(post.get("weight")),
    }


@login_required
def version_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    version = _version(request, uuid)
    if request.method == "POST":
        parent = get_object_or_404(Indicator, uuid=request.POST.get("parent"), version=version)
        try:
            fields = _fields(request.POST)
        except ValueError:
            from django.contrib import messages

            messages.error(request, _("weight: a number, e.g. 0.3"))
            return redirect("assessment:version-detail", uuid=version.uuid)
        attempt(
            request,
            actions.add_indicator,
            _("The node was added."),
            parent=parent,
            kind=request.POST.get("kind", Kind.INDICATOR),
            **fields,
        )
        return redirect("assessment:version-detail", uuid=version.uuid)
    params = {**DEFAULT_PARAMS, **version.params}
    return render(
        request,
        "assessment/version_detail.html",
        {
            "version": version,
            "versions": version.system.versions.order_by("number"),  # type: ignore[attr-defined]
            "rows": tree_rows(version),
            "params": params,
            "metrics": _metric_choices(),
            "kinds": Kind.choices,
            "child_kinds": {k: sorted(v) for k, v in actions.CHILD_KINDS.items()},
            "directions": Direction.choices,
            "ri_tables": list(RANDOM_INDEX_TABLES),
            "options": [
                (name, label, values, params[name])
                for name, label, values in (
                    ("weighting", _("Weighting"), ["subjective", "entropy", "combined"]),
                    ("combine", _("Combination of weights"), ["multiplicative", "linear"]),
                    ("ahp_method", _("AHP weights"), ["eigenvector", "geometric_mean"]),
                    ("scoring", _("Scoring method"), ["weighted_sum", "topsis", "grey", "fuzzy"]),
                    ("normalisation", _("Normalisation"), ["minmax", "max", "vector", "sum"]),
                    (
                        "fuzzy_operator",
                        _("Fuzzy operator"),
                        ["M(·,+)", "M(∧,∨)", "M(·,∨)", "M(∧,⊕)"],
                    ),
                )
            ],
        },
    )


@login_required
@require_POST
def version_params(request: HttpRequest, uuid: Any) -> HttpResponse:
    version = _version(request, uuid)
    post = request.POST
    try:
        params: dict[str, Any] = {
            key: post[key]
            for key in (
                "weighting",
                "combine",
                "ahp_method",
                "ri_table",
                "scoring",
                "normalisation",
                "fuzzy_operator",
            )
            if key in post
        }
        for key in ("alpha", "rho"):
            if post.get(key, "").strip():
                params[key] = number(post[key])
        for key in ("fuzzy_points", "grade_scores"):
            if post.get(key, "").strip():
                params[key] = [float(x) for x in post[key].replace("，", ",").split(",")]
    except ValueError:
        from django.contrib import messages

        messages.error(
            request, _("alpha, ρ and the lists take numbers, e.g. 0.5 or 50, 67, 82, 95")
        )
        return redirect("assessment:version-detail", uuid=version.uuid)
    attempt(
        request, actions.set_params, _("The parameters were saved."), version=version, params=params
    )
    return redirect("assessment:version-detail", uuid=version.uuid)


@login_required
@require_POST
def version_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    version = _version(request, uuid)
    copy = attempt(request, actions.new_version, _("A new version was made."), version=version)
    return redirect("assessment:version-detail", uuid=(copy or version).uuid)


@login_required
def node_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    node = _node(request, uuid)
    if request.method == "POST":
        if request.POST.get("delete"):
            attempt(request, actions.delete_indicator, _("The node was removed."), node=node)
            if not Indicator.objects.filter(pk=node.pk).exists():
                return redirect("assessment:version-detail", uuid=node.version.uuid)
        else:
            try:
                fields = _fields(request.POST)
            except ValueError:
                from django.contrib import messages

                messages.error(request, _("weight: a number, e.g. 0.3"))
            else:
                if attempt(
                    request, actions.update_indicator, _("The node was saved."), node=node, **fields
                ):
                    return redirect("assessment:version-detail", uuid=node.version.uuid)
    return render(
        request,
        "assessment/node_edit.html",
        {"node": node, "metrics": _metric_choices(), "directions": Direction.choices},
    )


def _matrix_from_post(post: Any, n: int, experts: int) -> list[list[list[float]]]:
    out = []
    for e in range(experts):
        upper = {}
        for i in range(n):
            for j in range(i + 1, n):
                upper[(i, j)] = actions.parse_judgement(
                    post.get(f"e{e}_{i}_{j}", "1"),
                    field=_("expert %(expert)d, row %(row)d, column %(column)d")
                    % {"expert": e + 1, "row": i + 1, "column": j + 1},
                )
        out.append(actions.matrix_from_upper(upper, n))
    return out


def _label(value: float) -> str:
    f = Fraction(value).limit_denominator(9)
    return str(f)


@login_required
def node_judgements(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Pairwise comparisons of the node's children on Saaty's 1–9 scale, one matrix per expert
    (the group matrix is their geometric mean), and the consistency report: λmax, CI, RI from
    the chosen table, CR, and when CR ≥ 0.1 the judgements that contribute most."""
    from django.contrib import messages

    from cogov.core.errors import ActionError

    node = _node(request, uuid)
    children = list(node.children.order_by("order", "pk"))  # type: ignore[attr-defined]
    n = len(children)
    experts = max(len(node.judgements), 1)
    if request.method == "POST":
        if request.POST.get("clear"):
            attempt(
                request,
                actions.set_judgements,
                _("The judgements were removed."),
                node=node,
                matrices=[],
            )
            return redirect("assessment:node-judgements", uuid=node.uuid)
        try:
            experts = int(request.POST.get("experts", "1"))
            if not 1 <= experts <= 30:
                raise ValueError
        except ValueError:
            experts = 1
        try:
            matrices = _matrix_from_post(request.POST, n, experts)
        except ActionError as exc:
            messages.error(request, f"{exc.field}: {exc.message}")
        else:
            if request.POST.get("add_expert"):
                matrices.append(actions.matrix_from_upper({}, n))
            saved = attempt(
                request,
                actions.set_judgements,
                _("The judgements were saved."),
                node=node,
                matrices=matrices,
            )
            if saved is not None:
                return redirect("assessment:node-judgements", uuid=node.uuid)
    report = actions.consistency(node) if node.judgements and n >= 2 else None
    matrices = node.judgements or [actions.matrix_from_upper({}, n)]
    pairs = [
        {
            "i": i,
            "j": j,
            "a": children[i],
            "b": children[j],
            "values": [_label(m[i][j]) if i < len(m) and j < len(m) else "1" for m in matrices],
        }
        for i in range(n)
        for j in range(i + 1, n)
    ]
    culprits = []
    if report is not None and not report.consistent:
        w = report.weights
        for i, j, dev in report.culprits[:3]:
            group = node.judgements and _group_value(node.judgements, i, j)
            culprits.append(
                {
                    "a": children[i].name,
                    "b": children[j].name,
                    "given": round(group or 0, 3),
                    "implied": round(float(w[i] / w[j]), 3),
                    "deviation": round(dev, 3),
                }
            )
    params = {**DEFAULT_PARAMS, **node.version.params}
    return render(
        request,
        "assessment/judgements.html",
        {
            "node": node,
            "children": children,
            "pairs": pairs,
            "experts": range(len(matrices)),
            "expert_count": len(matrices),
            "scale": SCALE_CHOICES,
            "report": report,
            "weights": list(zip(children, report.weights, strict=True)) if report else [],
            "culprits": culprits,
            "ri_table": params["ri_table"],
            "ahp_method": params["ahp_method"],
        },
    )


def _group_value(matrices: list[Any], i: int, j: int) -> float:
    from ..methods import group_matrix

    return float(group_matrix(matrices)[i][j])

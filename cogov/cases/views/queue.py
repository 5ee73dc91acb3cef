"""The queue: what waits for the user (or every case they can see), filtered, keyset-paged,
exported, and bulk dispatch for dispatchers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cogov.accounts.roles import METRICS
from cogov.accounts.scopes import reach
from cogov.core.errors import ActionError
from cogov.organizations.models import PARTY_KINDS, Organization
from cogov.territory.models import Level, Node

from .. import actions
from ..exports import MAX_EXPORT_ROWS, QUEUE_HEADERS, case_rows, respond
from ..forms import QueueFilterForm
from ..models import Case
from ..predicates import MANAGE, VIEW, case_paths
from ..workflow import STEPS, Status
from .common import require

PAGE_SIZE = 25
# Counting every case a user sees scans all of them (a district's year is millions of rows:
# about a second for 2 million, bench/b_lists.py); above this many the page says "more than".
COUNT_CAP = 1000
DISPATCHABLE = frozenset(STEPS["dispatch"][0]) - {Status.ESCALATED}


def _under(paths: list[str], field: str = "path") -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def is_staff(user: Any) -> bool:
    r = reach(user)
    return r.everything or bool(case_paths(r, VIEW)) or bool(r.organization_ids)


def dispatch_paths(user: Any) -> list[str] | None:
    """Where the user dispatches (None: everywhere)."""
    r = reach(user)
    if r.everything:
        return None
    return case_paths(r, MANAGE)


def lead_choices(user: Any) -> Any:
    """Organizations a dispatcher may choose as lead: those at or under the dispatcher's nodes
    and on the chain above them (district departments, street offices)."""
    paths = dispatch_paths(user)
    qs = Organization.objects.active().exclude(kind__in=PARTY_KINDS).select_related("node")
    if paths is not None:
        above = {int(p) for path in paths for p in path.strip("/").split("/") if p}
        qs = qs.filter(_under(paths, "node__path") | Q(node_id__in=above))
    return qs.order_by("kind", "name")


def _grids(user: Any) -> list[Node]:
    r = reach(user)
    qs = Node.objects.active().of_level(Level.GRID)
    if not r.everything:
        paths = case_paths(r, VIEW)
        if not paths:
            return []
        qs = qs.filter(_under(paths))
    return list(qs.order_by("code")[:500])


def filtered(request: HttpRequest) -> tuple[Any, QueueFilterForm, str]:
    """The user's cases as the filter form asks, newest first (not yet paged)."""
    user: Any = request.user
    form = QueueFilterForm(request.GET or None, grids=_grids(user))
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    view = data.get("view") or ("todo" if is_staff(user) else "all")
    qs = Case.objects.queue_for(user) if view == "todo" else Case.objects.visible_to(user)
    status = data.get("status")
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if data.get("category"):
        code = data["category"]
        qs = qs.filter(Q(category__code=code) | Q(category__parent__code=code))
    if data.get("grid"):
        qs = qs.filter(grid__uuid=data["grid"])
    if data.get("overdue"):
        qs = qs.filter(overdue=True)
    return qs.for_list().order_by("-pk"), form, view


def capped_count(qs: Any) -> tuple[int, bool]:
    """(the number of rows, capped at COUNT_CAP; whether there are more): reads at most
    COUNT_CAP + 1 ids, in whatever order the database finds them fastest."""
    found = len(qs.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    return min(found, COUNT_CAP), found > COUNT_CAP


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs, form, view = filtered(request)
    before = form.cleaned_data.get("before") if form.is_bound else None
    total, total_capped = capped_count(qs)
    page_qs = qs.filter(pk__lt=before) if before else qs
    rows = list(page_qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    params = request.GET.copy()
    params.pop("before", None)
    next_url = None
    if more:
        params["before"] = str(rows[-1].pk)
        next_url = "?" + params.urlencode()
        params.pop("before")
    can_dispatch = dispatch_paths(user) is None or bool(dispatch_paths(user))
    r = reach(user)
    return render(
        request,
        "cases/queue.html",
        {
            "section": "cases",
            "form": form,
            "view": view,
            "cases": rows,
            "total": total,
            "total_capped": total_capped,
            "next_url": next_url,
            "first_url": ("?" + params.urlencode()) if before else None,
            "query": params.urlencode(),
            "can_dispatch": can_dispatch,
            "dispatchable": DISPATCHABLE,
            "leads": list(lead_choices(user)) if can_dispatch else [],
            "intake": {
                "resident": bool(r.household_ids),
                "grid_worker": "grid_worker" in r.roles,
                "hotline": r.everything or bool(case_paths(r, MANAGE)),
                "import": r.everything,
            },
            "is_staff": is_staff(user),
            "can_map": r.everything or bool(case_paths(r, VIEW)),
            "can_rank": r.everything or bool(r.paths_with(METRICS)),
        },
    )


@login_required
@require_GET
def queue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user: Any = request.user
    require(is_staff(user))
    qs, _form, _view = filtered(request)
    return respond(
        fmt, "cases", QUEUE_HEADERS, case_rows(qs[:MAX_EXPORT_ROWS].iterator(chunk_size=2000))
    )


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Dispatch several cases to one lead organization, each through the action in its own
    transaction; the page lists what happened to each."""
    user: Any = request.user
    paths = dispatch_paths(user)
    require(paths is None or bool(paths))
    lead = None
    lead_uuid = request.POST.get("lead") or ""
    if lead_uuid:
        lead = lead_choices(user).filter(uuid=lead_uuid).first()
        require(lead is not None)
    note = (request.POST.get("note") or "").strip()
    wanted = request.POST.getlist("case")[:200]
    valid = []
    for value in wanted:
        try:
            import uuid as uuid_lib

            valid.append(uuid_lib.UUID(value))
        except ValueError:
            continue
    cases = {
        c.uuid: c
        for c in Case.objects.visible_to(user)
        .filter(uuid__in=valid)
        .select_related("category", "lead_organization")
    }
    results = []
    for key in valid:
        case = cases.get(key)
        if case is None:
            results.append({"number": str(key)[:8], "ok": False, "message": "not found"})
            continue
        try:
            actions.dispatch_case(actor=user, case=case, lead=lead, note=note)
        except ActionError as exc:
            results.append(
                {"case": case, "number": case.number, "ok": False, "message": exc.message}
            )
        else:
            case.refresh_from_db(fields=["lead_organization"])
            results.append(
                {
                    "case": case,
                    "number": case.number,
                    "ok": True,
                    "message": str(case.lead_organization or ""),
                }
            )
    return render(
        request,
        "cases/dispatch_result.html",
        {
            "section": "cases",
            "results": results,
            "lead": lead,
            "ok_count": sum(1 for r in results if r["ok"]),
        },
    )

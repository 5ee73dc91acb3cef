"""The GeoReport v2 endpoints (XML and JSON by extension) and the page that manages keys.

Errors answer the specification's error document with its HTTP code: 400 bad input, 403 a
missing, bad or revoked api_key, 404 an unknown service, request or token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cogov.core.errors import ActionError, NotAllowed
from cogov.web.access import get_visible_or_404

from . import actions, documents, jurisdiction, submission
from .dates import parse_iso
from .formats import error, respond
from .models import ApiKey, ServiceRequest


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:discovery", args=["xml"]).rsplit("/", 1)[0])


def _jurisdiction(request: HttpRequest) -> Any:
    return jurisdiction.check(request.GET.get("jurisdiction_id", ""))


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return respond(fmt, "discovery", documents.discovery(_base_url(request) + "/"))


def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        _jurisdiction(request)
    except ActionError as exc:
        return error(fmt, 400, exc.message)
    return respond(fmt, "services", documents.services())


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    try:
        _jurisdiction(request)
    except ActionError as exc:
        return error(fmt, 400, exc.message)
    category = documents.find_service(code)
    if category is None:
        return error(fmt, 404, f"service_code {code} was not found")
    return respond(fmt, "service_definition", documents.service_definition(category))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    return _get_requests(request, fmt)


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        key = actions.authenticate(request.POST.get("api_key", ""))
        jurisdiction.check(request.POST.get("jurisdiction_id", ""))
        parsed = submission.parse(request.POST)
        record = actions.submit_service_request(api_key=key, submission=parsed)
    except NotAllowed as exc:
        return error(fmt, 403, exc.message)
    except ActionError as exc:
        return error(fmt, 400, exc.message)
    service = getattr(parsed.category, "open311_service", None)
    answer: dict[str, Any] = (
        {"token": record.token}
        if service is not None and service.type == "batch"
        else {"service_request_id": record.case.number}
    )
    answer["service_notice"] = jurisdiction.settings().service_notice
    answer["account_id"] = record.account_id or None
    return respond(fmt, "service_requests", [answer], status=201)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _get_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    from cogov.cases.models import Case

    params = request.GET
    conf = jurisdiction.settings()
    try:
        district = _jurisdiction(request)
        qs = Case.objects.all()
        if district is not None:
            qs = qs.in_region(district)
        ids = _split(params.get("service_request_id", ""))
        if ids:
            # The specification: a list of ids overrides every other filter.
            qs = qs.filter(number__in=ids[: conf.max_requests])
        else:
            end = parse_iso(params["end_date"], "end_date") if params.get("end_date") else None
            start = (
                parse_iso(params["start_date"], "start_date") if params.get("start_date") else None
            )
            if start is None and end is None:
                start = timezone.now() - dt.timedelta(days=conf.default_days)
            if start is not None:
                qs = qs.filter(reported_at__gte=start)
            if end is not None:
                qs = qs.filter(reported_at__lte=end)
            codes = _split(params.get("service_code", ""))
            if codes:
                qs = qs.filter(category__code__in=codes)
            wanted = _split(params.get("status", ""))
            bad = [s for s in wanted if s not in ("open", "closed")]
            if bad:
                raise ActionError(f"status {bad[0]} is not open or closed", field="status")
            if wanted:
                qs = qs.filter(status__in=[s for w in wanted for s in documents.statuses_for(w)])
    except ActionError as exc:
        return error(fmt, 400, exc.message)
    cases = list(documents.request_rows(qs).order_by("-reported_at", "-pk")[: conf.max_requests])
    return respond(
        fmt,
        "service_requests",
        documents.service_requests(cases, request.build_absolute_uri),
    )


def service_request(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    from cogov.cases.models import Case

    try:
        district = _jurisdiction(request)
    except ActionError as exc:
        return error(fmt, 400, exc.message)
    qs = Case.objects.filter(number=request_id)
    if district is not None:
        qs = qs.in_region(district)
    cases = list(documents.request_rows(qs))
    if not cases:
        return error(fmt, 404, f"service_request_id {request_id} was not found")
    return respond(
        fmt, "service_requests", documents.service_requests(cases, request.build_absolute_uri)
    )


def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    try:
        _jurisdiction(request)
    except ActionError as exc:
        return error(fmt, 400, exc.message)
    record = ServiceRequest.objects.select_related("case").filter(token=token).first()
    if record is None:
        return error(fmt, 404, f"token {token} was not found")
    return respond(
        fmt,
        "service_requests",
        [{"service_request_id": record.case.number, "token": record.token}],
    )


# The key management page -----------------------------------------------------------------


def _organization(request: HttpRequest, uuid: Any) -> Any:
    from cogov.organizations.models import Organization

    org = get_visible_or_404(Organization.objects.select_related("node"), request.user, uuid=uuid)
    if not request.user.has_perm("open311.manage_api_keys", org):
        raise Http404
    return org


def _keys_page(request: HttpRequest, org: Any, **extra: Any) -> HttpResponse:
    keys = ApiKey.objects.filter(organization=org).select_related("created_by", "revoked_by")
    return render(
        request,
        "open311/keys.html",
        {"org": org, "keys": keys, "base_url": _base_url(request) + "/", **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest, uuid: Any) -> HttpResponse:
    org = _organization(request, uuid)
    if request.method == "POST":
        try:
            key, raw = actions.issue_api_key(
                actor=request.user, organization=org, name=request.POST.get("name", "")
            )
        except ActionError as exc:
            return _keys_page(request, org, error=exc.message)
        # Rendered, not redirected: the raw key is shown once and kept nowhere.
        return _keys_page(request, org, issued=key, raw_key=raw)
    return _keys_page(request, org)


@login_required
@require_POST
def revoke_key(request: HttpRequest, uuid: Any, key_uuid: Any) -> HttpResponse:
    org = _organization(request, uuid)
    key = ApiKey.objects.filter(organization=org, uuid=key_uuid).first()
    if key is None:
        raise Http404
    try:
        actions.revoke_api_key(actor=request.user, key=key)
    except ActionError as exc:
        return _keys_page(request, org, error=exc.message)
    return redirect("open311:keys", uuid=org.uuid)

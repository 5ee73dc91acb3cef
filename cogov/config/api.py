"""The platform's REST API under /api/, one django-ninja instance; each app adds a router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from cogov import __version__


class BearerToken(HttpBearer):
    """Personal API tokens (`Authorization: Bearer cg_…`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from cogov.accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="CoGov API",
    version=__version__,
    description="The REST API of CoGov. Every list and object is scoped to the caller's roles; "
    "an object outside them answers 404, exactly like a missing one.",
    # The bearer token first: django_auth checks CSRF before it looks at the session and
    # refuses the request outright when the check fails, so a token client's POST (no cookie,
    # no CSRF token) never reached the token check. A request without a token still gets the
    # session auth with its CSRF check.
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)

_ = APIKeyHeader  # Open311 keys are handled by its own endpoints


def _register_routers() -> None:
    from importlib import import_module

    for module, prefix in [
        ("cogov.territory.api", "/territory/"),
        ("cogov.organizations.api", "/organizations/"),
        ("cogov.people.api", "/people/"),
        ("cogov.points.api", "/points/"),
        ("cogov.voting.api", "/voting/"),
        ("cogov.deliberation.api", "/deliberation/"),
        ("cogov.cases.api", "/cases/"),
        ("cogov.campaigns.api", "/campaigns/"),
        ("cogov.assessment.api", "/assessment/"),
        ("cogov.cooperation.api", "/cooperation/"),
        ("cogov.funds.api", "/funds/"),
        ("cogov.budgeting.api", "/budgeting/"),
        ("cogov.disclosure.api", "/disclosure/"),
        ("cogov.accounts.api", "/accounts/"),
        ("cogov.core.api", "/core/"),
    ]:
        try:
            router = import_module(module).router
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router(prefix, router)


_register_routers()

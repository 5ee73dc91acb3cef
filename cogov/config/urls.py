from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from .api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("territory/", include("cogov.territory.urls")),
    path("organizations/", include("cogov.organizations.urls")),
    path("people/", include("cogov.people.urls")),
    path("points/", include("cogov.points.urls")),
    path("voting/", include("cogov.voting.urls")),
    path("deliberation/", include("cogov.deliberation.urls")),
    path("notices/", include("cogov.deliberation.urls_board")),
    path("cases/", include("cogov.cases.urls")),
    path("campaigns/", include("cogov.campaigns.urls")),
    path("cooperation/", include("cogov.cooperation.urls")),
    path("assessment/", include("cogov.assessment.urls")),
    path("funds/", include("cogov.funds.urls")),
    path("budgeting/", include("cogov.budgeting.urls")),
    path("disclosure/", include("cogov.disclosure.urls")),
    path("public/", include("cogov.disclosure.urls_public")),
    path("open311/v2/", include("cogov.open311.urls")),
    path("", include("cogov.web.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

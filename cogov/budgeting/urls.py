from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "budgeting"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.round_list, name="round-list"),
    path("new/", views.round_create, name="round-create"),
    path("<uuid:uuid>/", views.round_detail, name="round-detail"),
    path("<uuid:uuid>/action/<slug:action>/", views.round_action, name="round-action"),
    path("<uuid:uuid>/propose/", views.proposal_create, name="proposal-create"),
    path("<uuid:uuid>/results/", views.round_results, name="round-results"),
    path("proposal/<uuid:uuid>/", views.proposal_detail, name="proposal-detail"),
    path(
        "proposal/<uuid:uuid>/action/<slug:action>/",
        views.proposal_action,
        name="proposal-action",
    ),
]

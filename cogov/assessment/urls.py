from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("rounds/<uuid:uuid>/", views.round_detail, name="round-detail"),
    path("rounds/<uuid:uuid>/scores/", views.round_scores, name="round-scores"),
    path("rounds/<uuid:uuid>/export.xlsx", views.round_export, name="round-export"),
    path("rounds/<uuid:uuid>/export.pdf", views.round_pdf, name="round-pdf"),
    path("rounds/<uuid:uuid>/<slug:step>/", views.round_step, name="round-step"),
    path("dashboard/", views.dashboard_home, name="dashboard-home"),
    path("dashboard/<uuid:uuid>/", views.dashboard, name="dashboard"),
    path("systems/", views.system_list, name="system-list"),
    path("versions/<uuid:uuid>/", views.version_detail, name="version-detail"),
    path("versions/<uuid:uuid>/params/", views.version_params, name="version-params"),
    path("versions/<uuid:uuid>/new/", views.version_new, name="version-new"),
    path("nodes/<uuid:uuid>/", views.node_edit, name="node-edit"),
    path("nodes/<uuid:uuid>/judgements/", views.node_judgements, name="node-judgements"),
]

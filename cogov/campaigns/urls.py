from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<uuid:uuid>/", views.campaign_detail, name="campaign-detail"),
    path("<uuid:uuid>/step/", views.campaign_step, name="campaign-step"),
    path("<uuid:uuid>/progress/", views.progress_fragment, name="progress"),
    path("<uuid:uuid>/map.geojson", views.progress_geojson, name="progress-geojson"),
    path("<uuid:uuid>/my/", views.my_households, name="my-households"),
    path("<uuid:uuid>/visit/<uuid:household>/", views.visit_form, name="visit"),
    path("<uuid:uuid>/report/", views.report, name="report"),
    path("<uuid:uuid>/report.<str:fmt>", views.report_export, name="report-export"),
    path("findings/<uuid:uuid>/hand-off/", views.hand_off, name="hand-off"),
]

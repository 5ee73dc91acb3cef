from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("rounds/<uuid:uuid>/", views.round_detail, name="round-detail"),
    path("dashboard/<uuid:uuid>/", views.dashboard, name="dashboard"),
    path("rounds/<uuid:uuid>/export.xlsx", views.round_export, name="round-export"),
]

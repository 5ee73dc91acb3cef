from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.my_points, name="my-points"),
    path("activities/", views.calendar, name="calendar"),
    path("activities/new/", views.activity_new, name="activity-new"),
    path("activities/<uuid:uuid>/", views.activity_detail, name="activity-detail"),
    path("activities/<uuid:uuid>/code/", views.activity_code, name="activity-code"),
    path("activities/<uuid:uuid>/export/", views.activity_export, name="activity-export"),
    path("activities/<uuid:uuid>/<slug:action>/", views.activity_action, name="activity-action"),
    path("shop/", views.shop, name="shop"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("certificates/", views.certificate_new, name="certificate-new"),
    path("certificates/<uuid:uuid>/", views.certificate, name="certificate"),
    path("party/", views.party_score, name="party-score"),
]

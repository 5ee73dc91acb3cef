from django.urls import path

from .views import lists, roster

app_name = "people"

urlpatterns = [
    path("", lists.person_list, name="person-list"),
    path("<uuid:uuid>/", lists.person_detail, name="person-detail"),
    path("<uuid:uuid>/reveal/", lists.person_reveal, name="person-reveal"),
    path("roster/", roster.roster_index, name="roster-index"),
    path("roster/template.xlsx", roster.roster_template, name="roster-template"),
    path("roster/<uuid:uuid>/", roster.roster, name="roster"),
    path("roster/<uuid:uuid>/preview/<str:key>/", roster.roster_preview, name="roster-preview"),
    path("roster/<uuid:uuid>/cancel/<str:key>/", roster.roster_cancel, name="roster-cancel"),
    path("roster/<uuid:uuid>/result/<str:key>/", roster.roster_result, name="roster-result"),
    path("roster/<uuid:uuid>/export.<str:fmt>", roster.roster_export, name="roster-export"),
]

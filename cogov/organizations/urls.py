from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.org_list, name="org-list"),
    path("<uuid:uuid>/", views.org_detail, name="org-detail"),
]

from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list, name="list"),
    path("export/", views.community_export, name="community-export"),
    path("new/", views.fund_create, name="create"),
    path("<uuid:uuid>/", views.fund_detail, name="detail"),
    path("<uuid:uuid>/export/", views.fund_export, name="export"),
    path("<uuid:uuid>/<slug:action>/", views.fund_action, name="action"),
    path("budgets/<uuid:uuid>/<slug:action>/", views.budget_action, name="budget-action"),
]

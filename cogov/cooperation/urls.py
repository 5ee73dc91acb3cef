from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.index, name="index"),
    path("needs/", views.need_list, name="need-list"),
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/from-cases/", views.trend_to_need, name="need-from-cases"),
    path("needs/<uuid:uuid>/", views.need_detail, name="need-detail"),
    path("needs/<uuid:uuid>/<slug:step>/", views.need_step, name="need-step"),
    path("resources/", views.resource_list, name="resource-list"),
    path("resources/new/", views.resource_new, name="resource-new"),
    path("resources/<uuid:uuid>/", views.resource_detail, name="resource-detail"),
    path("resources/<uuid:uuid>/<slug:step>/", views.resource_step, name="resource-step"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<uuid:uuid>/", views.project_detail, name="project-detail"),
    path("projects/<uuid:uuid>/<slug:step>/", views.project_step, name="project-step"),
    path("wishes/", views.wish_list, name="wish-list"),
    path("wishes/new/", views.wish_new, name="wish-new"),
    path("wishes/<uuid:uuid>/", views.wish_detail, name="wish-detail"),
    path("wishes/<uuid:uuid>/<slug:step>/", views.wish_step, name="wish-step"),
    path("linkage/", views.linkage, name="linkage"),
    path("funds/<uuid:uuid>/", views.fund_detail, name="fund-detail"),
    path("units/<uuid:uuid>/", views.unit_detail, name="unit-detail"),
]

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "disclosure"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.notice_list, name="notice-list"),
    path("new/", views.notice_new, name="notice-new"),
    path("trigger/", views.trigger, name="trigger"),
    path("compliance/", views.compliance, name="compliance"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("notices/<uuid:uuid>/", views.notice_detail, name="notice-detail"),
    path("notices/<uuid:uuid>/<slug:action>/", views.notice_action, name="notice-action"),
    path("obligations/<uuid:uuid>/", views.obligation_detail, name="obligation-detail"),
]

from django.urls import path, re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, views.service_request, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token, name="token"),
    path("keys/<uuid:uuid>/", views.keys, name="keys"),
    path("keys/<uuid:uuid>/<uuid:key_uuid>/revoke/", views.revoke_key, name="revoke-key"),
]

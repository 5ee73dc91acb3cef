from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("", views.node_list, name="node-list"),
    path("<uuid:uuid>/", views.node_detail, name="node-detail"),
]

from django.urls import path, register_converter

from . import views


class ExportFormat:
    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "fmt")

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.<fmt:fmt>", views.queue_export, name="queue-export"),
    path("dispatch/", views.bulk_dispatch, name="bulk-dispatch"),
    path("report/", views.report, name="report"),
    path("report/duplicates/", views.duplicates, name="duplicates"),
    path("quick/", views.quick, name="quick"),
    path("hotline/", views.hotline, name="hotline"),
    path("import/", views.batch_import, name="import"),
    path("map/", views.case_map, name="map"),
    path("map/<uuid:uuid>/", views.case_map, name="map-node"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/export.<fmt:fmt>", views.ranking_export, name="ranking-export"),
    path("<uuid:uuid>/", views.detail, name="case-detail"),
    path("<uuid:uuid>/follow/", views.follow, name="follow"),
    path("<uuid:uuid>/step/<slug:step>/", views.act, name="case-act"),
    path("<uuid:uuid>/files/<uuid:file_uuid>/", views.attachment, name="attachment"),
]

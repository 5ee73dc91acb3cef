from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.org_list, name="org-list"),
    path("<uuid:uuid>/", views.org_detail, name="org-detail"),
    path("<uuid:uuid>/joint-committee/", views.committee_create, name="committee-create"),
    path("<uuid:uuid>/contribution/", views.unit_detail, name="unit-detail"),
    path("<uuid:uuid>/service-sheet/", views.sheet, name="sheet"),
    path("<uuid:uuid>/service-sheet.xlsx", views.sheet_xlsx, name="sheet-xlsx"),
    path("<uuid:uuid>/service-sheet.pdf", views.sheet_pdf, name="sheet-pdf"),
    path("committees/<uuid:uuid>/", views.committee_detail, name="committee-detail"),
    path("committees/<uuid:uuid>/rotation/", views.committee_rotation, name="committee-rotation"),
    path("committees/<uuid:uuid>/meetings/", views.committee_meeting, name="committee-meeting"),
    path("dual-report/", views.my_reporting, name="my-reporting"),
    path("dual-report/<uuid:uuid>/", views.reporting_desk, name="reporting-desk"),
    path("dual-report/<uuid:uuid>/posts/", views.posts, name="posts"),
    path("dual-report/<uuid:uuid>/appraisal/", views.appraisal, name="appraisal"),
]

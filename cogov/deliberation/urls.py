from django.urls import path

from .views import meetings, resolutions, surveys, topics

app_name = "deliberation"

urlpatterns = [
    path("", topics.topic_list, name="topic-list"),
    path("topics/new/", topics.topic_create, name="topic-create"),
    path("topics/<uuid:uuid>/", topics.topic_detail, name="topic-detail"),
    path("topics/<uuid:uuid>/comments/", topics.comment_post, name="comment-post"),
    path("topics/<uuid:uuid>/<slug:action>/", topics.topic_action, name="topic-action"),
    path("comments/<uuid:uuid>/<slug:action>/", topics.comment_action, name="comment-action"),
    path("suggestions/", topics.suggestions, name="suggestions"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<uuid:uuid>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<uuid:uuid>/quorum/", meetings.meeting_quorum, name="meeting-quorum"),
    path("meetings/<uuid:uuid>/minutes/", meetings.meeting_minutes, name="meeting-minutes"),
    path("meetings/<uuid:uuid>/<slug:action>/", meetings.meeting_action, name="meeting-action"),
    path("resolutions/<uuid:uuid>/", resolutions.resolution_detail, name="resolution-detail"),
    path(
        "resolutions/<uuid:uuid>/<slug:action>/",
        resolutions.resolution_action,
        name="resolution-action",
    ),
    path("surveys/new/", surveys.survey_create, name="survey-create"),
    path("surveys/<uuid:uuid>/", surveys.survey_detail, name="survey-detail"),
    path("procedures/", surveys.procedure_list, name="procedure-list"),
    path("procedures/new/", surveys.procedure_create, name="procedure-create"),
]

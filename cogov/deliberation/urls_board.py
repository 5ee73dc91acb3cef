"""The public community notice board (no login): "notices/<community uuid>/"."""

from django.urls import path

from .views import resolutions

app_name = "notices"

urlpatterns = [
    path("<uuid:community>/", resolutions.board, name="board"),
    path("<uuid:community>/<uuid:uuid>/", resolutions.board_item, name="board-item"),
]

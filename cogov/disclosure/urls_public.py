"""The public disclosure board (no login): /public/<community code>/."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:code>/", views.board, name="board"),
    path("<slug:code>/<uuid:uuid>/", views.board_item, name="board-item"),
]

from django.urls import URLPattern, URLResolver

app_name = "budgeting"

urlpatterns: list[URLPattern | URLResolver] = []

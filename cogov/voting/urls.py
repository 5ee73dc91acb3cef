from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("", views.vote_list, name="vote-list"),
    path("new/", views.vote_create, name="vote-create"),
    path("<uuid:uuid>/", views.vote_detail, name="vote-detail"),
    path("<uuid:uuid>/cast/", views.cast, name="cast"),
    path("<uuid:uuid>/step/<slug:name>/", views.step, name="step"),
    path("<uuid:uuid>/results/", views.results, name="results"),
    path("<uuid:uuid>/verify/", views.verify, name="verify"),
    path("<uuid:uuid>/codes/", views.codes, name="codes"),
    path("<uuid:uuid>/code/", views.code_vote, name="code-vote"),
    path("<uuid:uuid>/record/", views.record, name="record"),
    path("<uuid:uuid>/participation.csv", views.participation_export, name="participation-export"),
    path("<uuid:uuid>/ballots.csv", views.ballots_export, name="ballots-export"),
]

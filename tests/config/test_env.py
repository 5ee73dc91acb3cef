"""Strict parsing of environment variables (cogov.lib.env)."""

from __future__ import annotations

import pytest

from cogov.lib.env import Env, ImproperlyConfiguredEnv, parse_database_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False)],
)
def test_booleans(raw, expected):
    assert Env({"DEBUG": raw}).bool("DEBUG") is expected


def test_a_missing_boolean_takes_the_default():
    assert Env({}).bool("DEBUG", default=True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "ja"])
def test_a_non_boolean_names_the_variable(raw):
    with pytest.raises(ImproperlyConfiguredEnv, match="DEBUG=") as info:
        Env({"DEBUG": raw}).bool("DEBUG")
    assert raw in str(info.value)


def test_integers_are_strict():
    assert Env({"EMAIL_PORT": "587"}).int("EMAIL_PORT", 25) == 587
    with pytest.raises(ImproperlyConfiguredEnv, match="EMAIL_PORT='25a' is not an integer"):
        Env({"EMAIL_PORT": "25a"}).int("EMAIL_PORT", 25)
    with pytest.raises(ImproperlyConfiguredEnv, match="EMAIL_PORT=0 is below the minimum 1"):
        Env({"EMAIL_PORT": "0"}).int("EMAIL_PORT", 25, minimum=1)


def test_a_required_string_names_the_variable():
    with pytest.raises(ImproperlyConfiguredEnv, match="SECRET_KEY is required but not set"):
        Env({}).str("SECRET_KEY")


def test_lists_drop_blanks():
    assert Env({"ALLOWED_HOSTS": " a.org, ,b.org "}).list("ALLOWED_HOSTS") == ["a.org", "b.org"]


def test_choices():
    with pytest.raises(ImproperlyConfiguredEnv, match="COGOV_ENV='prod' must be one of"):
        Env({"COGOV_ENV": "prod"}).choice("COGOV_ENV", ("development", "production"), "development")


def test_postgres_url():
    db = parse_database_url("postgres://cg:p%40ss@db.example.org:6432/cogov?sslmode=require")
    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "cogov",
        "USER": "cg",
        "PASSWORD": "p@ss",
        "HOST": "db.example.org",
        "PORT": "6432",
        "OPTIONS": {"sslmode": "require"},
    }


def test_sqlite_url():
    assert parse_database_url("sqlite:////srv/cogov/db.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/cogov/db.sqlite3",
    }


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://cg:hunter2@db/cogov", "unsupported scheme 'mysql'"),
        ("postgres://cg:hunter2@db:port/cogov", "port that is not a number"),
        ("postgres://cg:hunter2@db:5432/", "names no database"),
        ("sqlite:///", "names no SQLite file"),
    ],
)
def test_bad_database_urls_are_explained_without_the_password(url, reason):
    with pytest.raises(ImproperlyConfiguredEnv, match="DATABASE_URL=") as info:
        parse_database_url(url)
    assert reason in str(info.value)
    assert "hunter2" not in str(info.value)

"""The settings as an operator meets them: through the environment of a real `cogov` process."""

from __future__ import annotations

import json

import pytest

from .helpers import (
    POSTGRES_URL,
    PRODUCTION_KEY,
    REDIS_URL,
    cogov,
    python,
    require_service,
)

PRODUCTION = {
    "COGOV_ENV": "production",
    "SECRET_KEY": PRODUCTION_KEY,
    "ALLOWED_HOSTS": "example.org",
}


def assert_config_error(result, variable: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CoGov configuration error" in result.stderr
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_database_url_stops_start_up(tmp_path):
    result = cogov(tmp_path, "check", DATABASE_URL="mysql://cogov:hunter2@db/cogov")
    assert_config_error(result, "DATABASE_URL")
    assert "hunter2" not in result.stderr


def test_a_non_boolean_debug_stops_start_up(tmp_path):
    assert_config_error(cogov(tmp_path, "check", DEBUG="maybe"), "DEBUG")


def test_production_requires_a_secret_key(tmp_path):
    result = cogov(tmp_path, "check", COGOV_ENV="production", ALLOWED_HOSTS="example.org")
    assert_config_error(result, "SECRET_KEY")


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 60}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"CSRF_TRUSTED_ORIGINS": "example.org"}, "CSRF_TRUSTED_ORIGINS"),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_other_bad_production_values_stop_start_up(tmp_path, overrides, variable):
    assert_config_error(cogov(tmp_path, "check", **{**PRODUCTION, **overrides}), variable)


def test_production_passes_the_deployment_checklist(tmp_path):
    result = cogov(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_without_production_settings_fails_the_checklist(tmp_path):
    # The checklist is real: development settings (DEBUG, no HTTPS) do not pass it.
    result = cogov(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_the_default_database_is_sqlite_in_wal_mode(tmp_path):
    result = python(
        tmp_path,
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(connection.vendor, connection.settings_dict['NAME'], c.fetchone()[0])\n",
    )
    assert result.returncode == 0, result.stderr
    vendor, name, mode = result.stdout.split()
    assert (vendor, mode) == ("sqlite", "wal")
    assert name == str(tmp_path / "cogov.sqlite3")


def test_a_development_secret_is_generated_once_and_kept_private(tmp_path):
    show = "from django.conf import settings; print(settings.SECRET_KEY)"
    first, second = python(tmp_path, show), python(tmp_path, show)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_database_url_selects_postgresql_with_a_pool_in_production(tmp_path):
    result = python(
        tmp_path,
        "import json; from django.conf import settings; db = settings.DATABASES['default']\n"
        "print(json.dumps({k: db.get(k) for k in ('ENGINE', 'NAME', 'HOST', 'PORT', 'OPTIONS',"
        " 'CONN_MAX_AGE')}))",
        DATABASE_URL="postgres://cogov:pw@db.example.org:6432/cogov",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"]) == ("cogov", "db.example.org", "6432")
    assert db["OPTIONS"]["pool"]["max_size"] >= db["OPTIONS"]["pool"]["min_size"] >= 1
    assert db["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool


def test_postgresql_answers_through_database_url(tmp_path):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    result = python(
        tmp_path,
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW server_version_num')\n"
        "    print(connection.vendor, c.fetchone()[0])\n",
        DATABASE_URL=POSTGRES_URL,
        COGOV_DB_POOL="true",
    )
    assert result.returncode == 0, result.stderr
    vendor, version = result.stdout.split()
    assert vendor == "postgresql"
    assert int(version) >= 150000  # PostgreSQL 15+


def test_without_redis_the_cache_is_local(tmp_path):
    result = python(tmp_path, "from django.conf import settings; print(settings.CACHES)")
    assert result.returncode == 0, result.stderr
    assert "LocMemCache" in result.stdout


def test_redis_url_selects_the_shared_redis_cache(tmp_path):
    require_service("Redis", "127.0.0.1", 6379)
    import redis

    marker = f"cogov-test-{tmp_path.name}"
    result = python(
        tmp_path,
        "from django.conf import settings; from django.core.cache import caches\n"
        "cache = caches['default']\n"
        f"cache.set('marker', {marker!r}, 60)\n"
        "print(type(cache).__name__, settings.SESSION_ENGINE)\n",
        REDIS_URL=REDIS_URL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "django.contrib.sessions.backends.cached_db"]
    # The value is really in Redis, where every other app server will find it.
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = client.keys("cogov:*:marker")
        assert keys, "the cache did not write to Redis"
        assert marker.encode() in client.get(keys[0])
    finally:
        client.delete(*client.keys("cogov:*:marker"))
        client.close()

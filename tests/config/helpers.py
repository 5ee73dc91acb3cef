"""Run `cogov` in a child process with a clean, explicit environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# Variables that change what a child process does; it starts without them unless a test sets
# them.
SETTINGS_VARIABLES = (
    "COGOV_ENV",
    "COGOV_DATA_DIR",
    "DATABASE_URL",
    "COGOV_DB_POOL",
    "COGOV_TEST_DB_NAME",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "REDIS_URL",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by browser tests; `check --deploy` rightly refuses it
)

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/15"
PRODUCTION_KEY = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2


def clean_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["COGOV_DATA_DIR"] = str(data_dir)
    env.update(overrides)
    return env


def cogov(
    data_dir: Path, *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m cogov ARGS` in data_dir with only the given settings variables."""
    return subprocess.run(
        [sys.executable, "-m", "cogov", *args],
        cwd=data_dir,
        env=clean_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def python(data_dir: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` after django.setup() in a child process."""
    prelude = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'cogov.config.settings'); django.setup()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=data_dir,
        env=clean_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip when a service is not running locally; under CI=true it must be there."""
    if answers(host, port):
        return
    message = f"{name} does not answer at {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: .ci/run starts it)")
    pytest.skip(message)

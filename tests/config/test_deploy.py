"""The production recipe of docs/deployment.md, for real: migrate, collectstatic, gunicorn."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .helpers import PRODUCTION_KEY, clean_env, cogov
from .test_run import free_port

PRODUCTION = {"COGOV_ENV": "production", "SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "127.0.0.1"}


def get(url: str, *, https: bool = True) -> tuple[int, dict[str, str], str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    headers = {"X-Forwarded-Proto": "https"} if https else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), ""


@pytest.mark.slow
def test_gunicorn_serves_production_with_hashed_static_files(tmp_path):
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        result = cogov(tmp_path, *command, timeout=600, **PRODUCTION)
        assert result.returncode == 0, result.stderr

    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "cogov.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=tmp_path,
        env=clean_env(tmp_path, **PRODUCTION),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, page = get(f"{base}/accounts/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                assert server.poll() is None, "gunicorn exited"
                time.sleep(0.5)

        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"

        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheets
        for path in stylesheets:
            assert re.search(r"\.[0-9a-f]{12}\.css$", path), f"{path} is not a hashed name"
            status, headers, _ = get(base + path)
            assert status == 200
            assert "immutable" in headers["Cache-Control"]

        # Plain HTTP is sent to HTTPS (the proxy in front terminates TLS).
        status, headers, _ = get(f"{base}/accounts/login/", https=False)
        assert status == 301
        assert headers["Location"] == f"https://127.0.0.1:{port}/accounts/login/"
    finally:
        server.terminate()
        server.wait(timeout=30)

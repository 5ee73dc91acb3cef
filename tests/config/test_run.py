"""`cogov run` as a newcomer uses it: one command, a working site, Ctrl-C stops everything."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cogov.demo.accounts import DEMO_ACCOUNTS

from .helpers import clean_env, cogov


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    """GET without following redirects: (status, Location or body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


class Running:
    """`cogov run` in its own process group, its output collected line by line."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.log = data_dir / "run.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cogov", "run", *args],
            cwd=data_dir,
            env=clean_env(data_dir),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout: float = 300) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output())
            if found:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        raise AssertionError(f"no {pattern!r} in the output of cogov run:\n{self.output()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait()


@pytest.mark.slow
def test_run_serves_the_site_with_a_worker_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    run = Running(tmp_path, "--port", str(port), "--scale", "tiny")
    try:
        run.wait_for(r"Press Ctrl-C")
        url = run.wait_for(r"CoGov is running at (\S+)").group(1)
        assert url == f"http://127.0.0.1:{port}/"
        worker_pid = int(run.wait_for(r"Task worker: running \(pid (\d+)\)").group(1))
        assert alive(worker_pid)

        status, location = fetch(url)
        assert (status, location) == (302, "/accounts/login/?next=/")
        status, page = fetch(f"{url}accounts/login/")
        assert status == 200
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
        assert stylesheets, "the login page links no stylesheet"
        assert all(fetch(f"{url}{path[1:]}")[0] == 200 for path in stylesheets)

        # Ctrl-C in a terminal sends SIGINT to the foreground process group.
        os.killpg(run.process.pid, signal.SIGINT)
        assert run.process.wait(timeout=60) == 0, run.output()
        assert "Task worker stopped." in run.output()
        assert not alive(worker_pid)
    finally:
        run.stop()


@pytest.mark.slow
def test_run_loads_the_demo_into_an_empty_database_only(tmp_path):
    run = Running(tmp_path, "--port", str(free_port()), "--no-worker")
    try:
        run.wait_for(r"Press Ctrl-C", timeout=900)
        output = run.output()
        assert "loading the demo district" in output
        assert "Task worker: not started" in output
        for account in DEMO_ACCOUNTS:
            assert account.username in output
    finally:
        run.stop()

    # A second start finds data and does not load the demo again.
    run = Running(tmp_path, "--port", str(free_port()), "--no-worker")
    try:
        run.wait_for(r"Press Ctrl-C", timeout=120)
        assert "loading the demo district" not in run.output()
    finally:
        run.stop()


def test_run_refuses_a_port_in_use_before_touching_the_database(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cogov(tmp_path, "run", "--port", str(port), timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr
    assert not (tmp_path / "cogov.sqlite3").exists()

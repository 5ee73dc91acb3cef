"""`cogov run`: one command from a fresh checkout to a working CoGov.

It migrates, loads the demo district into an empty database, starts the task worker (`cogov worker`)
as a child process and serves the site with Django's development server (no autoreloader; static
files through WhiteNoise). Ctrl-C, SIGTERM or SIGHUP stop the server and the worker together.
For production use gunicorn and separate workers: docs/deployment.md.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cogov.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, database_is_empty

WORKER_STOP_SECONDS = 15


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Linux: the worker gets SIGTERM if `cogov run` itself is killed without cleaning up."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except OSError:
        pass


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):  # noqa: S104 - only to show a URL a browser can open
        return "127.0.0.1" if host == "0.0.0.0" else "[::1]"  # noqa: S104
    return f"[{host}]" if ":" in host else host


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {host}:{port}: {exc.strerror}. "
                f"Is CoGov already running? Choose another port with --port."
            ) from None


def demo_accounts_table() -> str:
    """The demo accounts as a plain-text table (the same table as in README.md)."""
    header = ("username", "role", "scope")
    rows = [header, *((a.username, a.role, a.scope) for a in DEMO_ACCOUNTS)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD})"]
    lines += [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


class Command(BaseCommand):
    help = (
        "Run CoGov: migrate, load the demo district into an empty database, start the task "
        "worker and the web server (http://127.0.0.1:8000 by default). Ctrl-C stops both."
    )
    requires_system_checks: list[str] = []  # runserver runs the checks once, below

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background task worker"
        )
        parser.add_argument(
            "--scale",
            default="small",
            help="size of the demo district loaded into an empty database (default: small)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        verbosity: int = options["verbosity"]
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a TCP port")
        _check_port_free(host, port)

        # Ctrl-C, a plain `kill` and a closed terminal all take the clean way out (below), even
        # when SIGINT was ignored by a parent shell; a SIGHUP ignored on purpose (nohup) stays so.
        signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, _raise_keyboard_interrupt)

        try:
            self.stdout.write("Applying database migrations…")
            call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
            if database_is_empty():
                scale = options["scale"]
                self.stdout.write(f"The database is empty: loading the demo district ({scale})…")
                call_command("demo", "--scale", scale)
            if not settings.DEBUG:
                # Without DEBUG, WhiteNoise serves static files from STATIC_ROOT only.
                call_command("collectstatic", interactive=False, verbosity=0)
        except KeyboardInterrupt:
            raise CommandError("Interrupted before the server started.", returncode=130) from None

        worker = None if options["no_worker"] else self._start_worker()
        try:
            url = f"http://{_url_host(host)}:{port}/"
            threading.Thread(
                target=self._print_banner_when_listening,
                args=(host, port, url, worker),
                daemon=True,
            ).start()
            call_command(
                "runserver",
                f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                use_reloader=False,
                use_threading=True,
                shutdown_message="Stopping CoGov…",
            )
        except KeyboardInterrupt:
            self.stdout.write("Stopping CoGov…")
        finally:
            if worker is not None:
                self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, "-m", "cogov", "worker"],
            start_new_session=True,  # Ctrl-C reaches us only; we stop the worker ourselves
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self._stopping = threading.Event()
        threading.Thread(target=self._watch_worker, args=(worker,), daemon=True).start()
        return worker

    def _watch_worker(self, worker: subprocess.Popen[bytes]) -> None:
        code = worker.wait()
        if not self._stopping.is_set():
            self.stderr.write(
                self.style.ERROR(
                    f"The task worker stopped on its own (exit {code}): background tasks are not "
                    "running. Stop CoGov with Ctrl-C and start it again."
                )
            )

    def _stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        self._stopping.set()
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.stderr.write(
                    self.style.WARNING("The task worker did not stop in time; killing it.")
                )
                worker.kill()
                worker.wait()
        self.stdout.write("Task worker stopped.")

    def _print_banner_when_listening(
        self, host: str, port: int, url: str, worker: subprocess.Popen[bytes] | None
    ) -> None:
        """Print where to go and how to log in once the server answers, after its own output."""
        probe_host = _url_host(host).strip("[]")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection((probe_host, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            return
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"CoGov is running at {url}"))
        out.write(
            f"Task worker: running (pid {worker.pid})" if worker else "Task worker: not started"
        )
        out.write("")
        out.write(demo_accounts_table())
        out.write("")
        out.write("Press Ctrl-C to stop the web server and the task worker.")
        out.write("")

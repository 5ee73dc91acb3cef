"""What the HTTP benchmarks share: the production server, a load generator, pgbench, memory.

- `Gunicorn`: the app server as docs/deployment.md runs it (production settings, gthread
  workers, the psycopg pool), on a free port, stopped whatever happens; `peak_rss()` reads each
  worker's VmHWM from /proc.
- `run_load`: a closed-loop load generator (threads with keep-alive connections); each request
  is timed from send to the last byte of the answer. Fixed duration or a fixed list of requests
  each sent exactly once.
- pgbench and the SQL of one request replayed by it are in `replay.py`.
- `setup_django` and `standalone`: run one benchmark module on its own
  (`python bench/b_intake.py --database-url … --quick`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8110, 8120)  # the benchmarks' own ports (the machine is shared)


# --- Django in this process --------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    """Configure Django for `database_url` (once per process; the runner may have done it)."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cogov.config.settings")
    os.environ.setdefault("COGOV_DATA_DIR", tempfile.mkdtemp(prefix="cogov-bench-"))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    django.setup()


def standalone(module: ModuleType) -> None:
    """`python bench/b_<name>.py --database-url URL [--quick] [--scale S]`: run one benchmark
    and print its figures as JSON."""
    from harness import Context  # bench/ is on sys.path (the module's own directory)

    parser = argparse.ArgumentParser(description=module.TITLE)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--scale", default="small")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must name a PostgreSQL database (postgres://…)")
    setup_django(args.database_url)
    out = Path(args.out or tempfile.mkdtemp(prefix=f"bench-{module.NAME}-"))
    out.mkdir(parents=True, exist_ok=True)
    ctx = Context(scale=args.scale, database_url=args.database_url, out=out, quick=args.quick)
    started = time.perf_counter()
    figures = module.run(ctx)
    print(json.dumps([f.as_dict() for f in figures], indent=2, ensure_ascii=False, default=str))
    print(f"{module.NAME}: {len(figures)} figures in {time.perf_counter() - started:.1f} s")


_T0 = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr (the runner keeps stdout for the report)."""
    print(f"[{time.perf_counter() - _T0:7.1f} s] {message}", file=sys.stderr, flush=True)


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


# --- the production server --------------------------------------------------------------------


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def cores() -> int:
    return len(os.sched_getaffinity(0))


class Gunicorn:
    """`gunicorn cogov.config.wsgi:application` with COGOV_ENV=production, as in
    docs/deployment.md: `--workers` two per core, `--threads 2`, each process with its own pool
    of at most 4 connections (COGOV_DB_POOL_MIN=1, COGOV_DB_POOL_MAX=4)."""

    def __init__(
        self, database_url: str, log_dir: Path, *, workers: int | None = None, threads: int = 2
    ) -> None:
        self.database_url = database_url
        self.log_dir = log_dir
        self.workers = workers or 2 * cores()
        self.threads = threads
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.boot_rss: dict[int, dict[str, int]] = {}  # each worker's memory just after start
        self.data_dir = Path(tempfile.mkdtemp(prefix="cogov-bench-server-"))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COGOV_"))}
        env.update(
            COGOV_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.database_url,
            COGOV_DATA_DIR=str(self.data_dir),
            COGOV_DB_POOL_MIN="1",
            COGOV_DB_POOL_MAX=str(max(self.threads * 2, 2)),
            COGOV_SMTP="false",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        return env

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> None:
        self.port = free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"gunicorn-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "cogov.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
                "--no-control-socket",  # its default path is shared by every gunicorn here
                # The recipe's --max-requests would recycle a worker in a long run and lose its
                # peak memory; a benchmark run is far below it anyway.
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_dir}")
            try:
                # The API only: the pages would need collectstatic (minutes on a busy machine).
                status, _ = request(self.base, "GET", "/api/openapi.json", timeout=10)
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gunicorn did not answer within 90 s")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def peak_rss(self) -> dict[int, dict[str, int]]:
        """Per worker: VmHWM (peak resident set) and VmRSS, in kB."""
        return {pid: memory(pid) for pid in self.worker_pids()}


def shared_server(ctx: Any) -> Gunicorn:
    """One production server for every HTTP benchmark of a run (starting one costs seconds on
    a loaded machine, and the workers' peak memory is then the peak under all these loads);
    stopped when the process exits."""
    import atexit

    server = ctx.scratch.get("gunicorn")
    if server is not None and server.process is not None and server.process.poll() is None:
        return server  # type: ignore[no-any-return]
    server = Gunicorn(ctx.database_url, ctx.out / "server")
    server.start()
    server.boot_rss = server.peak_rss()
    ctx.scratch["gunicorn"] = server
    atexit.register(server.stop)
    return server


def memory(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


# --- the load generator -----------------------------------------------------------------------


HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def request(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """One request on a new connection (set-up calls, not measured)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        data, hdrs = _encode(body, headers)
        conn.request(method, path, body=data, headers=hdrs)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _encode(body: Any, headers: dict[str, str] | None) -> tuple[bytes | None, dict[str, str]]:
    hdrs = {**HEADERS, **(headers or {})}
    if body is None:
        return None, hdrs
    if isinstance(body, bytes):
        return body, hdrs
    hdrs["Content-Type"] = "application/json"
    return json.dumps(body, ensure_ascii=False).encode(), hdrs


@dataclass
class Req:
    method: str
    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    latencies: list[float]  # seconds, successful and failed requests alike
    statuses: Counter[int]
    seconds: float  # wall time of the measured part
    errors: list[str]  # a sample of failures (status and body, or exception)
    answers: list[tuple[int, int, bytes]] = field(default_factory=list)  # (index, status, body)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.count,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p95_ms": round(self.percentile(95) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failed": self.failed,
            "error_sample": self.errors[:5],
        }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[rank]


def run_load(
    base: str,
    make: Callable[[int], Req],
    *,
    concurrency: int,
    duration: float | None = None,
    total: int | None = None,
    keep_answers: bool = False,
    start_together: bool = False,
) -> LoadResult:
    """Closed loop: `concurrency` threads, each on its own keep-alive connection, send request
    `make(i)` for i = 0, 1, 2 … (each index once, across threads) until `duration` seconds have
    passed or `total` requests were sent. With `start_together`, every thread opens its
    connection first and they start on one barrier (a burst)."""
    if (duration is None) == (total is None):
        raise ValueError("give duration or total")
    host, port = base.removeprefix("http://").split(":")
    counter = iter(range(total if total is not None else 10**12))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    answers: list[tuple[int, int, bytes]] = []
    barrier = threading.Barrier(concurrency + 1)
    stop_at = [float("inf")]

    def next_index() -> int | None:
        with lock:
            return next(counter, None)

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        mine_lat: list[float] = []
        mine_status: list[int] = []
        mine_answers: list[tuple[int, int, bytes]] = []
        mine_errors: list[str] = []
        if start_together:
            conn.connect()
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            i = next_index()
            if i is None:
                break
            r = make(i)
            data, hdrs = _encode(r.body, r.headers)
            t0 = time.perf_counter()
            try:
                conn.request(r.method, r.path, body=data, headers=hdrs)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                payload, status = repr(exc).encode(), 599
            mine_lat.append(time.perf_counter() - t0)
            mine_status.append(status)
            if not 200 <= status < 300 and len(mine_errors) < 5:
                mine_errors.append(f"{status} {r.method} {r.path}: {payload[:200]!r}")
            if keep_answers:
                mine_answers.append((i, status, payload))
        conn.close()
        with lock:
            latencies.extend(mine_lat)
            statuses.update(mine_status)
            errors.extend(mine_errors)
            answers.extend(mine_answers)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    if duration is not None:
        stop_at[0] = started + duration
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return LoadResult(latencies, statuses, seconds, errors, sorted(answers))

"""Memory of a task worker under a heavy batch (issue 10, item 8, the task-worker half).

A `cogov worker` process (the production worker: django-tasks' database worker with the
deadline-sweep scheduler, COGOV_SWEEP_SECONDS=1) is started on the bench database; once idle,
its resident memory is the bare figure. Then a batch of BATCH open case deadlines already due is
written (on cases of the bulk year: "the reply was due and nobody answered"); the worker's sweep
breaches every one of them — per deadline a row lock, the case marked overdue, an `overdue` case
event, the case's managers notified — and the notifications' delivery tasks it enqueues run on
the same worker. Peak resident memory (VmHWM of /proc/<pid>/status) is read when the batch is
done, against the bare process and against the machine's RAM.

Everything the batch wrote is removed afterwards (deadlines, events, notifications, task rows;
the cases' flags restored), so the bench data stays as built.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import Context, Figure, share

NAME = "worker_memory"
TITLE = "Memory: a task worker through the deadline sweep"

ROOT = Path(__file__).resolve().parent.parent


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def run(ctx: Context) -> list[Figure]:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from cogov.cases.models import Case, CaseEvent
    from cogov.core.models import Deadline, Notification

    batch = 100 if ctx.quick else 1000
    log = (ctx.out / "worker.log").open("w")
    env = {**os.environ, "COGOV_SWEEP_SECONDS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cogov", "worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from django_tasks_db.models import DBTaskResult

    before = {
        "event": CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
        "notification": Notification.objects.aggregate(m=Max("pk"))["m"] or 0,
        "deadline": Deadline.objects.aggregate(m=Max("pk"))["m"] or 0,
    }
    task_ids_before = set(DBTaskResult.objects.values_list("pk", flat=True))
    cases: list[int] = []
    try:
        # Idle: started, first (empty) sweep done.
        deadline_s = time.monotonic() + 120
        while time.monotonic() < deadline_s and proc.poll() is None:
            time.sleep(1)
            if "sweeping deadlines" in (ctx.out / "worker.log").read_text():
                break
        time.sleep(4)
        if proc.poll() is not None:
            raise RuntimeError(
                f"cogov worker exited: {(ctx.out / 'worker.log').read_text()[-500:]}"
            )
        bare_kb = status_kb(proc.pid, "VmRSS")
        bare_hwm = status_kb(proc.pid, "VmHWM")

        cases = list(
            Case.objects.filter(
                number__startswith="B", status="closed", overdue=False, supervised=False
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not cases:
            raise RuntimeError("no bulk cases to put deadlines on (bench/data.py)")
        ct = ContentType.objects.get_for_model(Case)
        grid_of = dict(Case.objects.filter(pk__in=cases).values_list("pk", "grid_id"))
        now = timezone.now()
        started = time.perf_counter()
        with transaction.atomic():
            Deadline.objects.bulk_create(
                [
                    Deadline(
                        kind="cases.feedback",
                        content_type=ct,
                        object_id=str(pk),
                        node_id=grid_of[pk],
                        started_at=now - dt.timedelta(days=8),
                        due_at=now - dt.timedelta(hours=1),
                        basis={"bench": True},
                    )
                    for pk in cases
                ],
                batch_size=1000,
            )
        ours = Deadline.objects.filter(pk__gt=before["deadline"], basis__bench=True)
        limit_s = 600
        while time.perf_counter() - started < limit_s:
            open_left = ours.filter(breached_at__isnull=True).count()
            pending = (
                DBTaskResult.objects.exclude(pk__in=task_ids_before)
                .filter(status__in=["READY", "RUNNING"], task_path__contains="deliver")
                .count()
            )
            if not open_left and not pending:
                break
            if proc.poll() is not None:
                raise RuntimeError("cogov worker died during the batch")
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the worker did not finish {batch} breaches in {limit_s} s")
        batch_s = time.perf_counter() - started
        peak_kb = status_kb(proc.pid, "VmHWM")
        notified = Notification.objects.filter(pk__gt=before["notification"]).count()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        cleanup(before, task_ids_before, cases)

    ram_kb = _meminfo_kb()
    extra: dict[str, Any] = {
        "deadlines_breached": batch,
        "notifications": notified,
        "batch_s": round(batch_s, 1),
        "breaches_per_s": round(batch / batch_s, 1),
        "bare_rss_mb": round(bare_kb / 1024, 1),
        "bare_hwm_mb": round(bare_hwm / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "ram_mb": round(ram_kb / 1024),
    }
    return [
        Figure(
            "peak RSS of cogov worker through the sweep",
            peak_kb / 1024,
            "MB",
            "the same worker, idle after start",
            bare_kb / 1024,
            "MB",
            share(peak_kb, bare_kb, lower_is_better=True),
            notes=(
                "1.0 would be no growth at all. The sweep claims deadlines in keyset pages of "
                "500 ids and handles each in its own transaction, so memory does not grow with "
                "the batch; what it adds is Django's per-process caches (policies, the working-"
                "day calendar, compiled templates of the notifications) and the allocator's "
                "high-water mark."
            ),
            extra=extra,
        ),
        Figure(
            "peak RSS of cogov worker against the machine's RAM",
            peak_kb / 1024,
            "MB",
            "RAM",
            ram_kb / 1024,
            "MB",
            share(peak_kb, ram_kb, lower_is_better=True),
            notes="Ratio = how many such workers the RAM holds (lower-is-better form).",
            extra=extra,
        ),
    ]


def cleanup(before: dict[str, int], task_ids_before: set[Any], cases: list[int]) -> None:
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from cogov.cases.models import Case, CaseEvent
    from cogov.core.models import Deadline, Notification

    with transaction.atomic():
        Deadline.objects.filter(pk__gt=before["deadline"], basis__bench=True).delete()
        # Case events are append-only for the platform (the model refuses deletes); these are
        # the benchmark's own, written by the breaches above.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {CaseEvent._meta.db_table} WHERE id > %s AND kind = 'overdue'",
                [before["event"]],
            )
        Notification.objects.filter(pk__gt=before["notification"]).delete()
        if cases:
            Case.objects.filter(pk__in=cases).update(overdue=False, supervised=False)
        DBTaskResult.objects.exclude(pk__in=task_ids_before).filter(
            status__in=["SUCCESSFUL", "FAILED"]
        ).delete()


def _meminfo_kb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0

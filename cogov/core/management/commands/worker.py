"""`cogov worker`: the background worker.

Runs django-tasks' database worker (the `Worker` class of django_tasks_db's `db_worker`) and, in
the same process, enqueues `sweep_deadlines` every COGOV_SWEEP_SECONDS (default 60). Start as
many as you like against one database: tasks are claimed with row locks and sweep scheduling is
de-duplicated (cogov.core.scheduler). `--once` runs one sweep in this process and exits (tests,
cron).
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker, valid_backend_name

from cogov.core.scheduler import SweepScheduler, sweep_seconds
from cogov.core.tasks import run_sweep
from cogov.lib.env import ImproperlyConfiguredEnv


class Command(DbWorkerCommand):
    help = "Run the background worker and schedule the deadline sweep (or --once: sweep and exit)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        # --once needs no task backend; check --backend in handle() only when running tasks.
        for action in parser._actions:
            if action.dest == "backend_name":
                action.type = str
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run one deadline sweep now, print the breaches, exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = sweep_seconds()
        except ImproperlyConfiguredEnv as exc:
            raise CommandError(str(exc)) from exc
        if options.pop("once"):
            breached = run_sweep()
            self.stdout.write(f"sweep: {breached} deadline(s) breached")
            return
        try:
            valid_backend_name(options["backend_name"])
        except ArgumentTypeError as exc:
            raise CommandError(f"--backend: {exc}") from None
        self.configure_logging(options["verbosity"])
        # The autoreloader would start a scheduler in the watching parent process too.
        if options.get("reload"):
            self.stderr.write("cogov worker: --reload is not supported; running without it")
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        scheduler = SweepScheduler(period)
        scheduler.start()
        self.stdout.write(
            f"cogov worker {options['worker_id']}: sweeping deadlines every {period}s"
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            scheduler.stop()

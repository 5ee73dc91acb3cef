"""The `cogov` console command: Django's management commands with CoGov's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cogov.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["cogov", *argv])
    if len(args) == 1:
        args.append("help")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()

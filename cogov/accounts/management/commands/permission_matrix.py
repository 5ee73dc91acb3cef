"""Print the role matrix, or rewrite it in docs/permissions.md (`--write PATH`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cogov.accounts.matrix import BEGIN, END, render_markdown


class Command(BaseCommand):
    help = "Print the permission × role matrix (Markdown), or rewrite it inside a doc page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", metavar="PATH", help="replace the block between the markers")

    def handle(self, *args: Any, **options: Any) -> None:
        table = render_markdown()
        path = options.get("write")
        if not path:
            self.stdout.write(table)
            return
        doc = Path(path)
        text = doc.read_text(encoding="utf-8")
        start = text.index(BEGIN) + len(BEGIN)
        end = text.index(END)
        doc.write_text(text[:start] + "\n" + table + text[end:], encoding="utf-8")
        self.stdout.write(f"updated {doc}")

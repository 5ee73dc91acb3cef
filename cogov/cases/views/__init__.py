"""Case pages (server-rendered): intake per channel, the queue, the case page, the map and
the ranking. docs/cases/ui.md says who sees what."""

from .case import act, attachment, detail
from .intake import batch_import, duplicates, follow, hotline, quick, report
from .maps import case_map, ranking, ranking_export
from .queue import bulk_dispatch, queue, queue_export

__all__ = [
    "act",
    "attachment",
    "batch_import",
    "bulk_dispatch",
    "case_map",
    "detail",
    "duplicates",
    "follow",
    "hotline",
    "queue",
    "queue_export",
    "quick",
    "ranking",
    "ranking_export",
    "report",
]

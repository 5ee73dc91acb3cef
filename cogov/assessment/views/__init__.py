"""Pages of assessment: rounds (`rounds.py`), indicator systems (`systems.py`), dashboards
(`dashboard.py`)."""

from .dashboard import dashboard, dashboard_home
from .rounds import (
    round_detail,
    round_export,
    round_list,
    round_pdf,
    round_scores,
    round_step,
)
from .systems import (
    node_edit,
    node_judgements,
    system_list,
    version_detail,
    version_new,
    version_params,
)

__all__ = [
    "dashboard",
    "dashboard_home",
    "node_edit",
    "node_judgements",
    "round_detail",
    "round_export",
    "round_list",
    "round_pdf",
    "round_scores",
    "round_step",
    "system_list",
    "version_detail",
    "version_new",
    "version_params",
]

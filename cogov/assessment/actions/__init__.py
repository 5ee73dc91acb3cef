"""Writes of assessment (every function takes keyword-only `actor` and checks permission):
rounds (`rounds.py`) and indicator systems (`systems.py`)."""

from .rounds import (
    appoint_evaluator,
    clear_manual_score,
    compute_round,
    create_round,
    decide_appeal,
    publish_round,
    raise_appeal,
    record_manual_score,
)
from .systems import (
    add_indicator,
    consistency,
    create_system,
    delete_indicator,
    new_version,
    set_judgements,
    set_params,
    update_indicator,
)

__all__ = [
    "add_indicator",
    "appoint_evaluator",
    "clear_manual_score",
    "compute_round",
    "consistency",
    "create_round",
    "create_system",
    "decide_appeal",
    "delete_indicator",
    "new_version",
    "publish_round",
    "raise_appeal",
    "record_manual_score",
    "set_judgements",
    "set_params",
    "update_indicator",
]

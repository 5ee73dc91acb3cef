"""REST endpoints under /api/cooperation/: needs, resources, projects (with their vote),
micro-wishes, case trends, matching suggestions (scores explained), charitable funds and
their ledger, social organization profiles, certifications, five-society overview, units.

Every lookup goes through visible_to(user): an invisible object answers 404. Action refusals
answer 403 (not allowed), 409 (someone else got there first: code "taken") or 400.

One module per resource; they register on one router, in this order (the order of the URL
patterns). Operation ids stay those of the former `cogov/cooperation/api.py`.
"""

from cogov.core.openapi import keep_operation_ids

# isort: off
from . import needs, resources, projects, wishes, linkage  # noqa: F401  (they register on the router)

# isort: on
from .common import router

keep_operation_ids(router, "cogov.cooperation.api")

__all__ = ["router"]

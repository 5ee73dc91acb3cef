"""REST endpoints under /api/organizations/: the organization directory (list, detail, party
tree), the joint party committee, and 双报到.

Reads are scoped like the pages (404 for forbidden and missing alike); writes call the actions
and answer 403 (not allowed) or 400 (refused, with the field at fault).

The modules register on one router, in this order (the order of the URL patterns). Operation
ids stay those of the former `api.py` (directory) and `api_joint.py` (the rest).
"""

from cogov.core.openapi import keep_operation_ids

# isort: off
from . import directory, committees, reports

# isort: on
from .common import router

keep_operation_ids(router, "cogov.organizations.api", views_from=[directory.__name__])
keep_operation_ids(
    router, "cogov.organizations.api_joint", views_from=[committees.__name__, reports.__name__]
)

__all__ = ["router"]

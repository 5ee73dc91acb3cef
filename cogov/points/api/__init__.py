"""REST endpoints under /api/points/: accounts and their entries, activities (calendar, sign-up,
check-in and out, staff confirmation), the shop, the leaderboard, time bank, party records and
yearly scores, certificates, corrections.

Every lookup goes through visible_to(user): an invisible object answers 404 like a missing one;
an action refused answers 403, bad input 400 with {"detail", "field", "code"}.

One module per topic; they register on one router, in this order (the order of the URL
patterns). Operation ids stay those of the former `cogov/points/api.py`.
"""

from cogov.core.openapi import keep_operation_ids

# isort: off
from . import accounts, activities, shop, certificates, party  # noqa: F401  (they register on the router)

# isort: on
from .common import router

keep_operation_ids(router, "cogov.points.api")

__all__ = ["router"]

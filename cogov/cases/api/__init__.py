"""REST endpoints under /api/cases/: categories, cases (create, list, detail with timeline, one
endpoint per action) and whistles. Every lookup goes through visible_to(user): an invisible case
answers 404 like a missing one; an action the caller may not take answers 403, bad input 400
with {"detail", "field", "code"}.
"""

from . import cases, whistles  # noqa: F401  (their endpoints register on the router)
from .common import router

__all__ = ["router"]

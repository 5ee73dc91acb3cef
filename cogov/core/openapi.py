"""Stable OpenAPI operation ids for API modules that became packages.

django-ninja names an operation after its view's module and function
(`cogov_points_api_list_accounts`). Splitting an app's `api.py` into an `api/` package would
rename every operation and break generated clients; `keep_operation_ids` pins the ids the
endpoints had in the module they came from.
"""

from __future__ import annotations

from collections.abc import Iterable

from ninja import Router


def keep_operation_ids(
    router: Router, module: str, *, views_from: Iterable[str] | None = None
) -> None:
    """Give each operation of `router` without an explicit id the id it had in `module`
    (`<module>_<function>`, dots as underscores). With `views_from`, only operations whose
    view is defined in one of those modules."""
    prefix = module.replace(".", "_")
    only = set(views_from) if views_from is not None else None
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            view = operation.view_func
            if operation.operation_id is None and (only is None or view.__module__ in only):
                operation.operation_id = f"{prefix}_{view.__name__}"

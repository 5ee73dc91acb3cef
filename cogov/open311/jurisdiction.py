"""Which jurisdiction ids the endpoint answers for, and the settings policy."""

from __future__ import annotations

from typing import Any

from cogov.core.errors import ActionError
from cogov.core.policies import get_policy

from .policy_kinds import Open311Settings


def settings() -> Open311Settings:
    """The platform-wide `open311.settings` policy."""
    return get_policy("open311.settings")  # type: ignore[no-any-return]


def accepted() -> dict[str, Any]:
    """Accepted jurisdiction id → the district node it names (None when the policy lists an id
    that is no district code: then it names the whole platform)."""
    from cogov.territory.models import Level, Node

    districts = {n.code: n for n in Node.objects.active().of_level(Level.DISTRICT)}
    ids = settings().jurisdiction_ids
    if not ids:
        return dict(districts)
    return {code: districts.get(code) for code in ids}


def check(jurisdiction_id: str) -> Any:
    """The district of a jurisdiction id given by a client (None: no id given, or the whole
    platform); ActionError when the endpoint does not serve it."""
    jurisdiction_id = (jurisdiction_id or "").strip()
    if not jurisdiction_id:
        return None
    known = accepted()
    if jurisdiction_id not in known:
        raise ActionError(
            f"jurisdiction_id {jurisdiction_id} is not served here", field="jurisdiction_id"
        )
    return known[jurisdiction_id]

"""Named permissions of the Open311 app (docs/open311.md)."""

from __future__ import annotations

import rules

from .predicates import can_manage_api_keys

rules.add_perm("open311.manage_api_keys", can_manage_api_keys)

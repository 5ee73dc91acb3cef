"""Named permissions of core. Views and the API ask `user.has_perm(name, obj)`."""

from __future__ import annotations

import rules

from . import predicates

# obj: a territory node, or None for "anywhere" (statutory kinds and platform-wide values
# are further restricted to global administrators by actions.set_policy).
rules.add_perm("core.manage_policies", predicates.can_manage_policies)
# obj: a territory node.
rules.add_perm("core.view_metrics", predicates.can_view_metrics)

"""Named permissions of the territory. Views and the API ask `user.has_perm(name, node)`."""

from __future__ import annotations

import rules

from . import predicates

# obj: a Node.
rules.add_perm("territory.view_node", predicates.can_view_node)
# obj: the Node changed, or the parent of the node created (None: a new district).
rules.add_perm("territory.manage_territory", predicates.can_manage_territory)

"""Named permissions of assessment (role matrix in docs/assessment.md)."""

from __future__ import annotations

import rules

from . import predicates as p

rules.set_perm("assessment.view_round", p.views_assessment)
rules.set_perm("assessment.manage_round", p.manages_assessment)
rules.set_perm("assessment.manage_system", p.manages_assessment)

"""Named permissions of the deliberation app (docs/deliberation.md has the role table)."""

from __future__ import annotations

import rules

from . import predicates as p

rules.set_perm("deliberation.view_topic", p.belongs_to | p.is_proposer)
rules.set_perm("deliberation.propose_topic", p.can_propose)  # on the community node
rules.set_perm("deliberation.cosign_topic", p.can_cosign)
rules.set_perm("deliberation.comment", p.can_comment)
rules.set_perm("deliberation.report_abuse", p.can_comment)
rules.set_perm("deliberation.appeal", p.can_appeal)
rules.set_perm("deliberation.moderate", p.can_moderate)
rules.set_perm("deliberation.triage_topic", p.can_triage)
rules.set_perm("deliberation.convene", p.can_convene)  # start the procedure, move its steps
rules.set_perm("deliberation.organise_meeting", p.can_organise)
rules.set_perm("deliberation.publish", p.can_organise)  # resolutions, results, minutes
rules.set_perm("deliberation.manage_procedures", p.can_organise)  # custom procedures
rules.set_perm("deliberation.answer_survey", p.can_answer_survey)
rules.set_perm("deliberation.object", p.belongs_to)  # object to a posted resolution
rules.set_perm("deliberation.suggest_topics", p.can_organise)

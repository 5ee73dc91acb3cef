"""Named permissions of voting (the role matrix is in docs/voting.md)."""

from __future__ import annotations

import rules

from . import predicates as p

rules.set_perm("voting.view_vote", p.can_view_vote)
rules.set_perm("voting.organize_vote", p.is_organiser)  # create, open, close, tally, codes
rules.set_perm("voting.record_ballot", p.is_organiser)  # paper and proxy ballots
rules.set_perm("voting.cast_ballot", p.is_elector)
rules.set_perm("voting.view_results", p.can_view_results)
rules.set_perm("voting.verify_vote", p.can_view_results)

"""Named permissions of the cases app (docs/cases/permissions.md has the role matrix)."""

from __future__ import annotations

import rules

from .predicates import (
    can_follow_case,
    can_report,
    can_view_case,
    is_case_manager,
    is_field_worker,
    is_handler,
    is_invited_department,
    is_platform_admin,
    is_reporter,
    is_resident_reporter,
    is_street_official_over,
    is_whistle_street,
)

rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.report_case", can_report)
rules.add_perm("cases.follow_case", can_follow_case)
rules.add_perm("cases.verify_case", is_case_manager | is_field_worker)
rules.add_perm("cases.file_case", is_case_manager)
rules.add_perm("cases.dispatch_case", is_case_manager)
rules.add_perm("cases.merge_case", is_case_manager)
rules.add_perm("cases.answer_case", is_case_manager)
rules.add_perm("cases.handle_on_spot", is_field_worker)
rules.add_perm("cases.handle_case", is_handler)  # sign, return, contact, postpone, hang, reply
rules.add_perm("cases.approve_postponement", is_case_manager)
rules.add_perm("cases.check_case", is_reporter | is_field_worker)
# The centre calls the requester back; a verified resident who reported the case may answer
# the same two questions themselves (docs/cases/workflow.md, "the revisit").
rules.add_perm("cases.revisit_case", is_case_manager | is_resident_reporter)
rules.add_perm("cases.close_case", is_case_manager)
rules.add_perm("cases.reopen_case", is_case_manager)
rules.add_perm("cases.escalate_case", is_case_manager)
rules.add_perm("cases.attach_file", is_reporter | is_field_worker | is_case_manager | is_handler)
rules.add_perm("cases.blow_whistle", is_street_official_over)
rules.add_perm("cases.report_to_whistle", is_invited_department)
rules.add_perm("cases.record_no_shows", is_whistle_street)
rules.add_perm("cases.rate_department", is_whistle_street)
rules.add_perm("cases.manage_categories", is_platform_admin)

"""Named permissions of the cases app, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md and docs/cases/permissions.md). The
cells come from predicates.CASE_ROLES through `case_cell`."""

from __future__ import annotations

from cogov.accounts.matrix import permission

from . import predicates as p
from .predicates import FIELD, MANAGE, VIEW, WHISTLE, case_cell

CASE = "case"


def _case(name: str, predicate: object, summary: str, rule: object, **extra: str) -> None:
    permission(
        name,
        capability="cases",
        on=extra.pop("on", CASE),
        summary=summary,
        predicate=predicate,
        rule=rule,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


_case(
    "cases.view_case",
    p.can_view_case,
    "See a case: staff of its territory, the organizations it is dispatched or whistled to,"
    " its reporter",
    case_cell(VIEW, WHISTLE, handler=True, reporter=True),
)
_case(
    "cases.report_case",
    p.can_report,
    "Report a problem (the form per role: resident, grid worker's quick report, hotline)",
    case_cell(anyone=True),
    on="— (anywhere in the platform's grids)",
    condition="any role, or a verified resident record",
)
_case(
    "cases.follow_case",
    p.can_follow_case,
    "Follow a case: told when it is replied, closed or reopened",
    case_cell(VIEW, WHISTLE, handler=True, neighbour=True),
    condition="residents: cases of their own community; an open original only",
)
_case(
    "cases.verify_case",
    p.is_case_manager | p.is_field_worker,
    "Verify (核实) or void a report",
    case_cell(MANAGE, FIELD),
)
for _name, _summary in [
    ("cases.file_case", "File a verified case (立案)"),
    ("cases.dispatch_case", "Dispatch to a lead organization (派遣); escalated: the street"),
    ("cases.merge_case", "Merge a duplicate into its original"),
    ("cases.answer_case", "Answer a consultation (咨询) and close it at once"),
    ("cases.approve_postponement", "Approve or refuse a postponement"),
    ("cases.close_case", "Close a case (结案), after the revisit when there is a requester"),
    ("cases.reopen_case", "Reopen a revisited or closed case"),
    ("cases.escalate_case", "Escalate to the street (community cannot solve it)"),
]:
    _case(_name, p.is_case_manager, _summary, case_cell(MANAGE))
_case(
    "cases.handle_on_spot",
    p.is_field_worker,
    "Handle on the spot (自行处置) and close with an after photo",
    case_cell(FIELD),
)
_case(
    "cases.handle_case",
    p.is_handler,
    "Sign, return, contact, ask for time, commit to a date, reply",
    case_cell(WHISTLE, handler=True),
    condition="the lead organization's members; street officials for cases with no owner or"
    " led by the street office (属地兜底)",
)
_case(
    "cases.check_case",
    p.is_reporter | p.is_field_worker,
    "Check the result (核查): pass, or rework (返工)",
    case_cell(FIELD, reporter=True),
    condition="residents: the cases they reported",
)
# The centre calls the requester back; a verified resident who reported the case may answer
# the same two questions themselves (docs/cases/workflow.md, "the revisit").
_case(
    "cases.revisit_case",
    p.is_case_manager | p.is_resident_reporter,
    "Record the revisit (回访): 是否解决, 是否满意",
    case_cell(MANAGE, reporter=True),
    condition="residents: the cases they reported through the resident channel",
)
_case(
    "cases.attach_file",
    p.is_reporter | p.is_field_worker | p.is_case_manager | p.is_handler,
    "Add photos or documents to a case",
    case_cell(MANAGE, FIELD, WHISTLE, handler=True, reporter=True),
)
_case(
    "cases.blow_whistle",
    p.is_street_official_over,
    "Blow the whistle (吹哨) to district departments",
    case_cell(WHISTLE),
    on="territory node (a street or below)",
)
_case(
    "cases.report_to_whistle",
    p.is_invited_department,
    "Report (报到) to a whistle the department is called by",
    case_cell(department=True),
    on="whistle report (one department)",
)
_case(
    "cases.record_no_shows",
    p.is_whistle_street,
    "Record the departments that did not report",
    case_cell(WHISTLE),
    on="whistle",
)
_case(
    "cases.rate_department",
    p.is_whistle_street,
    "Rate a department's work on a whistle",
    case_cell(WHISTLE),
    on="whistle",
)
_case(
    "cases.manage_categories",
    p.is_platform_admin,
    "Edit the platform-wide category tree (and its Open311 attributes)",
    case_cell(),
    on="— (platform)",
)

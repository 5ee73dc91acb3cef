"""Every write of the case loop. Each action checks its permission, runs in one transaction,
moves the case through the transition table (workflow.STEPS, one CaseEvent per step), meets and
schedules deadlines, and notifies.

    intake.py    report, attach, duplicates and merge, direct answer, on-the-spot handling
    follow.py    follow and unfollow a case (followers are told what the reporter is told)
    loop.py      verify, void, file, dispatch, sign, return, contact, postpone, hang, reply,
                 check, revisit, close, reopen, escalate
    whistles.py  blow the whistle, department report, no-shows, department ratings
"""

from .common import audience, require
from .follow import follow_case, is_following, unfollow_case
from .intake import (
    answer_consultation,
    attach_files,
    distance_m,
    find_likely_duplicates,
    handle_on_the_spot,
    merge_duplicate,
    report_case,
    save_category,
)
from .loop import (
    check_case,
    close_case,
    contact_requester,
    decide_postponement,
    dispatch_case,
    escalate_to_street,
    file_case,
    hang_case,
    reopen_case,
    reply_case,
    request_postponement,
    responsible_organization,
    resume_case,
    return_case,
    revisit_case,
    sign_case,
    verify_case,
    void_case,
)
from .whistles import blow_whistle, department_report, rate_department, record_no_shows

__all__ = [
    "answer_consultation",
    "attach_files",
    "audience",
    "blow_whistle",
    "check_case",
    "close_case",
    "contact_requester",
    "decide_postponement",
    "department_report",
    "dispatch_case",
    "distance_m",
    "escalate_to_street",
    "file_case",
    "find_likely_duplicates",
    "follow_case",
    "handle_on_the_spot",
    "hang_case",
    "is_following",
    "merge_duplicate",
    "rate_department",
    "record_no_shows",
    "reopen_case",
    "reply_case",
    "report_case",
    "request_postponement",
    "require",
    "responsible_organization",
    "resume_case",
    "return_case",
    "revisit_case",
    "save_category",
    "sign_case",
    "unfollow_case",
    "verify_case",
    "void_case",
]

"""The buttons of the case page: for each step of the transition table (workflow.STEPS), the
permission that allows it, the form that shapes its input and the action it calls. A step is
offered when the case's status is one of the step's sources, the user holds the permission,
and the step's own condition holds; the action still checks everything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import actions
from .. import forms as f
from ..models import Case, WorkType
from ..predicates import WHISTLE, covers
from ..workflow import STEPS, Status


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    perm: str
    form: type[forms.Form]
    call: Callable[[Any, Case, dict[str, Any]], Any]
    when: Callable[[Any, Case], bool] = lambda user, case: True
    style: str = ""  # "quiet" for the secondary buttons
    files: bool = False


def _organizations_for(user: Any, case: Case) -> Any:
    from cogov.organizations.models import PARTY_KINDS, Organization

    ids = [int(p) for p in case.territory_path.strip("/").split("/") if p]
    # Organizations on the case's chain (its community, street, district) may lead it.
    return (
        Organization.objects.active()
        .filter(node_id__in=ids)
        .exclude(kind__in=PARTY_KINDS)
        .order_by("kind", "name")
    )


STEP_UI: dict[str, Step] = {}


def _add(step: Step) -> None:
    assert step.key in STEPS, step.key
    STEP_UI[step.key] = step


_add(
    Step(
        "answer",
        _("Answer and close"),
        "cases.answer_case",
        f.AnswerForm,
        lambda u, c, d: actions.answer_consultation(actor=u, case=c, answer=d["answer"]),
        when=lambda u, c: c.work_type == WorkType.CONSULTATION,
    )
)
_add(
    Step(
        "on_spot",
        _("Handled on the spot"),
        "cases.handle_on_spot",
        f.OnSpotForm,
        lambda u, c, d: actions.handle_on_the_spot(
            actor=u, case=c, note=d["note"], photos=d["photos"]
        ),
        files=True,
    )
)
_add(
    Step(
        "verify",
        _("Verify"),
        "cases.verify_case",
        f.VerifyForm,
        lambda u, c, d: actions.verify_case(
            actor=u,
            case=c,
            note=d["note"],
            category=d.get("category"),
            urgency=d.get("urgency") or None,
        ),
    )
)
_add(
    Step(
        "file",
        _("File (立案)"),
        "cases.file_case",
        f.NoteForm,
        lambda u, c, d: actions.file_case(actor=u, case=c, note=d["note"]),
    )
)
_add(
    Step(
        "dispatch",
        _("Dispatch"),
        "cases.dispatch_case",
        f.DispatchForm,
        lambda u, c, d: actions.dispatch_case(actor=u, case=c, lead=d.get("lead"), note=d["note"]),
        when=lambda u, c: c.status != Status.ESCALATED or covers(u, WHISTLE, c.territory_path),
    )
)
_add(
    Step(
        "sign",
        _("Sign for"),
        "cases.handle_case",
        f.NoteForm,
        lambda u, c, d: actions.sign_case(actor=u, case=c, note=d["note"]),
    )
)
_add(
    Step(
        "return",
        _("Return: not ours"),
        "cases.handle_case",
        f.ReasonForm,
        lambda u, c, d: actions.return_case(actor=u, case=c, reason=d["reason"]),
        style="quiet",
    )
)
_add(
    Step(
        "contact",
        _("Requester contacted"),
        "cases.handle_case",
        f.NoteForm,
        lambda u, c, d: actions.contact_requester(actor=u, case=c, note=d["note"]),
    )
)
_add(
    Step(
        "reply",
        _("Reply with the result"),
        "cases.handle_case",
        f.ReplyForm,
        lambda u, c, d: actions.reply_case(actor=u, case=c, reply=d["reply"], photos=d["photos"]),
        files=True,
    )
)
_add(
    Step(
        "request_postponement",
        _("Ask for more time"),
        "cases.handle_case",
        f.PostponeForm,
        lambda u, c, d: actions.request_postponement(
            actor=u, case=c, days=d["days"], reason=d["reason"]
        ),
        style="quiet",
    )
)
_add(
    Step(
        "hang",
        _("Commit to a date (承诺件)"),
        "cases.handle_case",
        f.HangForm,
        lambda u, c, d: actions.hang_case(actor=u, case=c, until=d["until"], reason=d["reason"]),
        style="quiet",
    )
)
_add(
    Step(
        "resume",
        _("Resume"),
        "cases.handle_case",
        f.NoteForm,
        lambda u, c, d: actions.resume_case(actor=u, case=c, note=d["note"]),
    )
)
_add(
    Step(
        "approve_postponement",
        _("Approve postponement"),
        "cases.approve_postponement",
        f.NoteForm,
        lambda u, c, d: actions.decide_postponement(actor=u, case=c, approve=True, note=d["note"]),
    )
)
_add(
    Step(
        "refuse_postponement",
        _("Refuse postponement"),
        "cases.approve_postponement",
        f.NoteForm,
        lambda u, c, d: actions.decide_postponement(actor=u, case=c, approve=False, note=d["note"]),
        style="quiet",
    )
)
_add(
    Step(
        "check_pass",
        _("Confirm: solved"),
        "cases.check_case",
        f.NoteForm,
        lambda u, c, d: actions.check_case(actor=u, case=c, passed=True, note=d["note"]),
    )
)
_add(
    Step(
        "check_fail",
        _("Not solved: rework"),
        "cases.check_case",
        f.CheckFailForm,
        lambda u, c, d: actions.check_case(actor=u, case=c, passed=False, note=d["note"]),
        style="quiet",
    )
)
_add(
    Step(
        "revisit",
        _("Record the revisit (回访)"),
        "cases.revisit_case",
        f.RevisitForm,
        lambda u, c, d: actions.revisit_case(
            actor=u,
            case=c,
            resolution=d["resolution"],
            satisfaction=d["satisfaction"],
            note=d["note"],
        ),
    )
)
_add(
    Step(
        "close",
        pgettext_lazy("case step", "Close"),
        "cases.close_case",
        f.NoteForm,
        lambda u, c, d: actions.close_case(actor=u, case=c, note=d["note"]),
        when=lambda u, c: not (c.status == Status.CHECKED and c.has_requester),
    )
)
_add(
    Step(
        "reopen",
        _("Reopen"),
        "cases.reopen_case",
        f.ReasonForm,
        lambda u, c, d: actions.reopen_case(actor=u, case=c, reason=d["reason"]),
        style="quiet",
    )
)
_add(
    Step(
        "escalate",
        _("Escalate to the street"),
        "cases.escalate_case",
        f.ReasonForm,
        lambda u, c, d: actions.escalate_to_street(actor=u, case=c, reason=d["reason"]),
        style="quiet",
    )
)
_add(
    Step(
        "void",
        _("Void"),
        "cases.verify_case",
        f.ReasonForm,
        lambda u, c, d: actions.void_case(actor=u, case=c, reason=d["reason"]),
        style="quiet",
    )
)
_add(
    Step(
        "merge",
        _("Merge into another case"),
        "cases.merge_case",
        f.MergeForm,
        lambda u, c, d: _merge(u, c, d),
        style="quiet",
    )
)


def _merge(user: Any, case: Case, data: dict[str, Any]) -> Any:
    from cogov.core.errors import ActionError

    into = Case.objects.visible_to(user).filter(number=data["into"].strip().upper()).first()
    if into is None:
        raise ActionError(str(_("No case you can see has this number.")), field="into")
    return actions.merge_duplicate(actor=user, case=case, into=into, note=data["note"])


def make_form(step: Step, user: Any, case: Case, data: Any = None, files: Any = None) -> Any:
    kwargs: dict[str, Any] = {"prefix": step.key}
    if step.form is f.DispatchForm:
        kwargs["organizations"] = _organizations_for(user, case)
    return step.form(data, files, **kwargs)


def available_steps(user: Any, case: Case) -> list[Step]:
    """The steps `user` may take on `case` now, in the order of the table."""
    status = str(case.status)
    return [
        step
        for key, step in STEP_UI.items()
        if status in STEPS[key][0] and user.has_perm(step.perm, case) and step.when(user, case)
    ]

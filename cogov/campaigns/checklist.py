"""The household checklist as data, and the server-side validation of answers against it.

A checklist is a list of fields:

    {"key": "fever", "label": "Anyone with fever?", "type": "bool", "required": true,
     "flag": "need", "case_category": "0301"}
    {"key": "fever_count", "label": "How many?", "type": "int", "required": true,
     "when": {"field": "fever", "equals": true}, "min": 1}

Types: bool, int, text, choice, multi (multi-choice), date. `when` makes a field conditional on
an earlier field's answer (`equals` one value, or `in` a list; for a multi answer, "contains").
`flag` marks what an answer finds: "vulnerable" (a vulnerable resident) or "need" (a need to
hand off; `case_category` is the case category to report it under). A flag fires on a true
bool, a positive int, a non-empty text, or a choice among `flag_values` (any choice if absent).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cogov.core.errors import ActionError

FIELD_TYPES = ("bool", "int", "text", "choice", "multi", "date")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TRUE = {"true", "on", "1", "yes", "y"}
FALSE = {"false", "off", "0", "no", "n"}


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")

    def holds(self, answer: Any) -> bool:
        if answer is None:
            return False
        wanted = self.in_ if self.in_ is not None else [self.equals]
        if isinstance(answer, list):
            return any(a in wanted for a in answer)
        return answer in wanted


class FieldDef(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    key: str
    label: str
    type: Literal["bool", "int", "text", "choice", "multi", "date"]
    required: bool = False
    choices: list[str] = Field(default_factory=list)
    when: Condition | None = None
    min: int | None = None
    max: int | None = None
    flag: Literal["vulnerable", "need"] | None = None
    flag_values: list[str] = Field(default_factory=list)
    case_category: str = ""
    help: str = ""

    @model_validator(mode="after")
    def _check(self) -> FieldDef:
        if not KEY.match(self.key):
            raise ValueError("a key is lower-case letters, digits and _")
        if self.type in ("choice", "multi") and not self.choices:
            raise ValueError("a choice field needs choices")
        if self.type not in ("choice", "multi") and self.choices:
            raise ValueError("only choice fields have choices")
        if any(v not in self.choices for v in self.flag_values):
            raise ValueError("flag_values must be among the choices")
        return self

    def flags(self, value: Any) -> bool:
        if self.flag is None or value is None:
            return False
        if self.type == "bool":
            return value is True
        if self.type == "int":
            return value > 0
        if self.type == "text":
            return bool(value.strip())
        if self.type in ("choice", "multi"):
            values = value if isinstance(value, list) else [value]
            return bool(values) and (
                not self.flag_values or any(v in self.flag_values for v in values)
            )
        return True


def parse(checklist: Any) -> list[FieldDef]:
    """Validate a checklist definition; ActionError(field="checklist") naming the problem."""
    if not isinstance(checklist, list):
        raise ActionError(_("The checklist is a list of fields."), field="checklist")
    fields: list[FieldDef] = []
    seen: dict[str, FieldDef] = {}
    for i, raw in enumerate(checklist):
        try:
            f = FieldDef.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "field"
            raise ActionError(
                _("Checklist field %(n)s: %(where)s: %(msg)s")
                % {"n": i + 1, "where": where, "msg": first["msg"]},
                field="checklist",
            ) from None
        if f.key in seen:
            raise ActionError(
                _("Checklist key %(key)s is used twice.") % {"key": f.key}, field="checklist"
            )
        if f.when is not None and f.when.field not in seen:
            raise ActionError(
                _("Checklist field %(key)s depends on %(other)s, which must come before it.")
                % {"key": f.key, "other": f.when.field},
                field="checklist",
            )
        seen[f.key] = f
        fields.append(f)
    return fields


def normalise(checklist: Any) -> list[dict[str, Any]]:
    """The checklist as stored: validated, defaults left out."""
    return [
        f.model_dump(mode="json", by_alias=True, exclude_defaults=True) for f in parse(checklist)
    ]


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _coerce(f: FieldDef, value: Any) -> Any:
    """The answer in its type, or ValueError with a message for the user."""
    if f.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(_("Answer yes or no."))
    if f.type == "int":
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
        if f.min is not None and number < f.min:
            raise ValueError(_("At least %(n)s.") % {"n": f.min})
        if f.max is not None and number > f.max:
            raise ValueError(_("At most %(n)s.") % {"n": f.max})
        return number
    if f.type == "text":
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        if len(value) > 2000:
            raise ValueError(_("At most 2000 characters."))
        return value.strip()
    if f.type == "choice":
        if value not in f.choices:
            raise ValueError(_("Pick one of the choices."))
        return value
    if f.type == "multi":
        values = value if isinstance(value, list) else [value]
        if any(v not in f.choices for v in values):
            raise ValueError(_("Pick among the choices."))
        return [c for c in f.choices if c in values]  # checklist order, no duplicates
    if f.type == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date (YYYY-MM-DD).")) from None
    raise ValueError(f"unknown type {f.type}")  # pragma: no cover


def clean_answers(checklist: Any, answers: Any, *, complete: bool = True) -> dict[str, Any]:
    """Check `answers` against the checklist and return them typed.

    Unknown keys are refused; a conditional field whose condition does not hold is dropped
    (it was not asked); a required field that is asked must be answered when `complete` (a
    visit that found nobody at home answers nothing). Raises ActionError naming the first bad
    field (`field="answers.<key>"`).
    """
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ActionError(_("Answers are a mapping of field keys."), field="answers")
    fields = parse(checklist)
    known = {f.key for f in fields}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ActionError(
            _("Not in the checklist: %(keys)s") % {"keys": ", ".join(unknown)}, field="answers"
        )
    cleaned: dict[str, Any] = {}
    for f in fields:
        if f.when is not None and not f.when.holds(cleaned.get(f.when.field)):
            continue
        value = answers.get(f.key)
        if _blank(value):
            if f.required and complete:
                raise ActionError(
                    _("%(label)s: this question must be answered.") % {"label": f.label},
                    field=f"answers.{f.key}",
                )
            continue
        try:
            cleaned[f.key] = _coerce(f, value)
        except ValueError as exc:
            raise ActionError(f"{f.label}: {exc}", field=f"answers.{f.key}") from None
    return cleaned


def flagged(checklist: Any, answers: dict[str, Any]) -> list[tuple[FieldDef, Any]]:
    """The fields whose answers raise a flag, with the answers."""
    return [
        (f, answers[f.key])
        for f in parse(checklist)
        if f.key in answers and f.flags(answers[f.key])
    ]


# Starting points offered when a campaign is created (editable data, not rules).
TEMPLATES: dict[str, list[dict[str, Any]]] = {
    "epidemic": [
        {
            "key": "people_home",
            "label": "People living here now",
            "type": "int",
            "required": True,
            "min": 0,
        },
        {
            "key": "returned_recently",
            "label": "Anyone back from another city in the last 14 days?",
            "type": "bool",
            "required": True,
        },
        {
            "key": "returned_from",
            "label": "From where?",
            "type": "text",
            "required": True,
            "when": {"field": "returned_recently", "equals": True},
        },
        {
            "key": "fever",
            "label": "Anyone with fever or cough?",
            "type": "bool",
            "required": True,
            "flag": "need",
        },
        {
            "key": "elderly_alone",
            "label": "Elderly person living alone?",
            "type": "bool",
            "required": True,
            "flag": "vulnerable",
        },
        {
            "key": "needs",
            "label": "Needs",
            "type": "multi",
            "choices": ["medicine", "food", "care", "none"],
            "flag": "need",
            "flag_values": ["medicine", "food", "care"],
        },
        {
            "key": "needs_detail",
            "label": "Describe the need",
            "type": "text",
            "when": {"field": "needs", "in": ["medicine", "food", "care"]},
        },
    ],
    "disaster": [
        {"key": "safe", "label": "Everyone safe?", "type": "bool", "required": True},
        {
            "key": "injured",
            "label": "How many injured?",
            "type": "int",
            "required": True,
            "min": 1,
            "when": {"field": "safe", "equals": False},
            "flag": "need",
        },
        {
            "key": "damage",
            "label": "Damage to the home",
            "type": "choice",
            "required": True,
            "choices": ["none", "light", "severe"],
            "flag": "need",
            "flag_values": ["severe"],
        },
        {
            "key": "disabled",
            "label": "Anyone who cannot leave without help?",
            "type": "bool",
            "flag": "vulnerable",
        },
    ],
    "census": [
        {
            "key": "people_home",
            "label": "People living here",
            "type": "int",
            "required": True,
            "min": 0,
        },
        {
            "key": "tenure",
            "label": "Tenure",
            "type": "choice",
            "required": True,
            "choices": ["owner", "tenant", "other"],
        },
        {"key": "moved_in", "label": "Moved in on", "type": "date"},
    ],
    "custom": [],
}

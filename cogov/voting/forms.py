"""The form of the page that drafts (and opens) votes. It only shapes the input: the action
`create_vote` checks the rules (electorate, rule, options, period) and the permission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rulesets
from .models import BallotKind, ElectorateKind, Matter, Mode

# The rule set a vote of each electorate uses unless the organiser picks another.
DEFAULT_RULE = {
    ElectorateKind.RESIDENTS: "residents_meeting",
    ElectorateKind.HOUSEHOLDS: "residents_meeting",
    ElectorateKind.PARTY_MEMBERS: "party_meeting",
    ElectorateKind.OWNERS: "owners_joint",
    ElectorateKind.BODY: "body_majority",
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class VoteForm(forms.Form):
    community: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        queryset=None,  # type: ignore[arg-type]
        label=_("Community"),
    )
    title = forms.CharField(label=_("Title"), max_length=150)
    questions = forms.CharField(
        label=_("Question(s)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line; each becomes its own vote of the same electorate."),
    )
    description = forms.CharField(
        label=_("Explanation for voters"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # Budget ballots need a cost per option: participatory budgeting creates them.
    ballot_kind = forms.ChoiceField(
        label=_("Ballot"), choices=[c for c in BallotKind.choices if c[0] != BallotKind.BUDGET]
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One option per line (not needed for a for / against / abstain ballot)."),
    )
    electorate = forms.ChoiceField(label=_("Who votes"), choices=ElectorateKind.choices)
    organization: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        queryset=None,  # type: ignore[arg-type]
        label=_("Branch or body"),
        required=False,
        help_text=_("For party members and members of a body."),
    )
    rule = forms.ChoiceField(
        label=_("Rule"),
        required=False,
        help_text=_("Leave empty for the usual rule of the electorate."),
    )
    matter = forms.ChoiceField(
        label=_("Matter (owners)"), choices=Matter.choices, initial=Matter.ORDINARY
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.WRITTEN)
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Required for a written vote over a period; a meeting vote is closed by hand."),
    )
    open_now = forms.BooleanField(
        label=_("Open the vote now (snapshot the electorate)"), required=False, initial=True
    )

    def __init__(self, *args: Any, communities: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["rule"].choices = [("", "—"), *rulesets.choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == Mode.WRITTEN and not data.get("closes_at"):
            self.add_error("closes_at", _("A written vote runs over a period: give its end."))
        if data.get("electorate") != ElectorateKind.OWNERS:
            data["matter"] = Matter.ORDINARY  # the ordinary/major split is the owners' rule
        if not data.get("rule") and data.get("electorate"):
            data["rule"] = DEFAULT_RULE[data["electorate"]]
        data["question_list"] = _lines(data.get("questions", ""))
        data["option_list"] = _lines(data.get("options", ""))
        return data

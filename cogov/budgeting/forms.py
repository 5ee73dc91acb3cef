"""Forms of the budgeting pages. The actions validate again (and say which field is wrong)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BallotKind, Category, Completion, ProposerKind, TieRule, WinnerRule

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RoundForm(forms.Form):
    node = forms.ChoiceField(label=_("Community or street"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    budget = forms.DecimalField(
        label=_("Budget (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    collect_opens_at = forms.DateTimeField(label=_("Proposals from"), widget=DATETIME)
    collect_closes_at = forms.DateTimeField(label=_("Proposals until"), widget=DATETIME)
    vote_opens_at = forms.DateTimeField(label=_("Vote opens"), widget=DATETIME)
    vote_closes_at = forms.DateTimeField(label=_("Vote closes"), widget=DATETIME)
    ballot_kind = forms.ChoiceField(label=_("Ballot"), choices=BallotKind.choices)
    winner_rule = forms.ChoiceField(label=_("Winner rule"), choices=WinnerRule.choices)
    tie_rule = forms.ChoiceField(label=_("Tie rule"), choices=TieRule.choices)
    completion = forms.ChoiceField(label=_("Equal shares: money left"), choices=Completion.choices)

    def __init__(self, *args: Any, nodes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._nodes = {str(n.uuid): n for n in nodes}
        self.fields["node"].choices = [(str(n.uuid), n.name) for n in nodes]  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year

    def clean_node(self) -> Any:
        node = self._nodes.get(self.cleaned_data["node"])
        if node is None:
            raise forms.ValidationError(_("Choose a community or street."))
        return node


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What, where, who benefits"), widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    beneficiaries = forms.IntegerField(
        label=_("Beneficiaries (estimate)"), min_value=0, required=False
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    proposer_kind = forms.ChoiceField(
        label=_("Proposed by"), choices=ProposerKind.choices, initial=ProposerKind.RESIDENT
    )
    proposer_name = forms.CharField(label=_("Proposer's name"), max_length=200, required=False)

    def __init__(self, *args: Any, round: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round


def parse_items(post: Any) -> list[dict[str, str]]:
    """The cost items of the proposal form: rows item-N-description / -quantity / -unit /
    -unit_price; empty rows are skipped."""
    rows = []
    for n in range(1, 51):
        description = (post.get(f"item-{n}-description") or "").strip()
        price = (post.get(f"item-{n}-unit_price") or "").strip()
        if not description and not price:
            continue
        rows.append(
            {
                "description": description,
                "quantity": (post.get(f"item-{n}-quantity") or "1").strip(),
                "unit": (post.get(f"item-{n}-unit") or "").strip(),
                "unit_price": price,
            }
        )
    return rows

"""Forms of the case pages: intake from each channel, queue filters, and one small form per step
of the loop (the step's action does the real checking; a form only shapes the input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.territory.models import Building

from .models import Category, Urgency, WorkType
from .workflow import Resolution, Satisfaction, Status

MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input (phones offer the camera for accept="image/*")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(_("Add at least one photo."), code="required")
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, code="too_many")
        cleaned = []
        for f in files:
            f = super().clean(f, initial)
            if f.size > MAX_PHOTO_BYTES:
                raise ValidationError(_("A photo is larger than 10 MB."), code="too_big")
            content_type = getattr(f, "content_type", "") or ""
            if content_type and content_type not in PHOTO_TYPES:
                raise ValidationError(_("Only photos can be attached."), code="type")
            cleaned.append(f)
        return cleaned


def category_choices() -> list[tuple[str, Any]]:
    """The active category tree as option groups: top level → its children (code values)."""
    cats = list(Category.objects.filter(active=True).order_by("code"))
    children: dict[int | None, list[Category]] = {}
    for c in cats:
        children.setdefault(c.parent_id, []).append(c)
    choices: list[tuple[str, Any]] = [("", "—")]
    for top in children.get(None, []):
        below = children.get(top.pk, [])
        if below:
            choices.append((top.name, [(c.code, c.name) for c in below]))
        else:
            choices.append((top.code, top.name))
    return choices


class CategoryField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=category_choices, label=_("Category"), **kwargs)

    def clean(self, value: Any) -> Any:
        code = super().clean(value)
        if not code:
            return None
        category = Category.objects.filter(code=code, active=True).first()
        if category is None:
            raise ValidationError(_("Choose a category from the list."))
        return category


class LocationMixin(forms.Form):
    """A point picked on the map or from the phone's GPS, or a building of the resident's
    community: at least one of the two."""

    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    building = forms.ModelChoiceField(
        queryset=Building.objects.none(),
        required=False,
        label=_("Or a building"),
        empty_label="—",
        to_field_name="uuid",
    )
    address = forms.CharField(required=False, max_length=200, label=_("Address or landmark"))

    def set_buildings(self, buildings: Any) -> None:
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lon, lat = data.get("lon"), data.get("lat")
        if (lon is None) != (lat is None):
            raise ValidationError(_("The point on the map is incomplete; pick it again."))
        if lon is None and not data.get("building"):
            raise ValidationError(_("Pick the place on the map or choose a building."))
        return data


class ResidentReportForm(LocationMixin):
    category = CategoryField()
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos"))
    anonymous = forms.BooleanField(
        required=False,
        label=_("Report anonymously"),
        help_text=_("Staff will not see your name; nobody can call you back about the result."),
    )


class QuickReportForm(LocationMixin):
    """A grid worker on patrol: category, photo, point, and maybe "handled on the spot"."""

    category = CategoryField()
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Photo (before)"), required=True)
    handled = forms.BooleanField(required=False, label=_("Handled on the spot"))
    handled_note = forms.CharField(
        required=False,
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    after_photos = PhotosField(label=_("Photo (after)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("handled"):
            if not (data.get("handled_note") or "").strip():
                self.add_error("handled_note", pgettext_lazy("case", "Say what was done."))
            if not data.get("after_photos"):
                self.add_error("after_photos", _("A photo of the result is required."))
        return data


class HotlineForm(LocationMixin):
    caller_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    caller_phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    work_type = forms.ChoiceField(label=_("Work-order type"), choices=WorkType.choices)
    category = CategoryField()
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("", _("The category's default")), *Urgency.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("What the caller says"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    answer = forms.CharField(
        required=False,
        label=_("Answer (consultations: answer and close at once)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_caller_phone(self) -> str:
        phone = "".join(ch for ch in self.cleaned_data["caller_phone"] if ch.isdigit() or ch == "-")
        if len(phone.replace("-", "")) < 7:
            raise ValidationError(_("Write the caller's phone number."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("answer") or "").strip() and data.get("work_type") != WorkType.CONSULTATION:
            self.add_error("answer", _("Only a consultation is answered and closed at once."))
        return data


class DuplicateProbeForm(forms.Form):
    """What the duplicate check needs from the half-filled report form."""

    category = forms.CharField(required=False)
    lon = forms.FloatField(required=False)
    lat = forms.FloatField(required=False)
    building = forms.UUIDField(required=False)


class QueueFilterForm(forms.Form):
    VIEWS = (("todo", _("To do")), ("all", _("All I can see")))
    view = forms.ChoiceField(choices=VIEWS, required=False, label=_("Show"))
    status = forms.ChoiceField(
        choices=[("", _("Any status")), ("open", _("Open")), *Status.choices],
        required=False,
        label=_("Status"),
    )
    category = forms.ChoiceField(choices=category_choices, required=False, label=_("Category"))
    grid = forms.ChoiceField(choices=(), required=False, label=_("Grid"))
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, grids: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category")), *category_choices()[1:]]  # type: ignore[attr-defined]
        self.fields["grid"].choices = [  # type: ignore[attr-defined]
            ("", _("Any grid")),
            *((str(g.uuid), g.name) for g in grids),
        ]


# --- one form per step of the loop -----------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        label=pgettext_lazy("remark", "Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OnSpotForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField(label=_("Photo (after)"), required=True)


class VerifyForm(NoteForm):
    category = CategoryField(required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("", _("Unchanged")), *Urgency.choices],
        required=False,
    )


class DispatchForm(NoteForm):
    lead: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label=_("Lead organization"),
        empty_label=_("By category, else the street office (属地兜底)"),
        to_field_name="uuid",
    )

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cogov.organizations.models import Organization

        self.fields["lead"].queryset = (  # type: ignore[attr-defined]
            organizations if organizations is not None else Organization.objects.none()
        )


class PostponeForm(ReasonForm):
    days = forms.IntegerField(label=_("Days more"), min_value=1, max_value=365)


class HangForm(ReasonForm):
    until = forms.DateField(
        label=_("Committed date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the requester"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = PhotosField(label=_("Photos (after)"))


class CheckFailForm(forms.Form):
    note = forms.CharField(
        label=_("What is still wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevisitForm(NoteForm):
    resolution = forms.ChoiceField(
        label=_("Was the problem solved?"), choices=Resolution.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied?"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )


class MergeForm(NoteForm):
    into = forms.CharField(
        label=_("Number of the original case"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "G2026-000123"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    check_only = forms.BooleanField(
        required=False, initial=True, label=_("Only check, do not import")
    )

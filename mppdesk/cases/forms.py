"""Web forms for cases. Validation of A-numbers, choices and duplicates is the services'
job; these forms only collect input (see ``core.forms.apply_field_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mppdesk.cases.models import CaseStatus, ProgramVersion
from mppdesk.places.models import Port, Venue


def _venue_field() -> forms.ModelChoiceField[Venue]:
    return forms.ModelChoiceField(
        label=_("Hearing venue"), queryset=Venue.objects.all(), required=False, empty_label="—"
    )


def _port_field() -> forms.ModelChoiceField[Port]:
    return forms.ModelChoiceField(
        label=_("Port of entry"), queryset=Port.objects.all(), required=False, empty_label="—"
    )


class CaseFields(forms.Form):
    """A-number and places of a case being opened (also part of the new-person form)."""

    a_number = forms.CharField(
        label=_("A-number"),
        required=False,
        help_text=_("8 or 9 digits, e.g. A012-345-678."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    venue = _venue_field()
    port = _port_field()
    program_version = forms.ChoiceField(
        label=_("Program version"),
        choices=ProgramVersion.choices,
        initial=ProgramVersion.CURRENT,
        required=False,
    )


class OpenCaseForm(CaseFields):
    include_household = forms.BooleanField(
        label=_("Add the members of the household to the case"), required=False, initial=True
    )


class CaseEditForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    venue = _venue_field()
    port = _port_field()
    program_version = forms.ChoiceField(label=_("Program version"), choices=ProgramVersion.choices)


class CaseNoteForm(forms.Form):
    summary = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("At most 500 characters."),
    )

"""The public lookup form: an A-number and a date of birth, never echoed back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mppdesk.selfservice.parsing import parse_anumber, parse_birth_date


class NoEchoInput(forms.TextInput):
    """A text input that never renders the submitted value (as a password field does):
    the page after a lookup must not show the A-number or date of birth."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


ANUMBER_HELP = _("Write the A-number with its 8 or 9 digits, e.g. A123-456-789.")
BIRTH_HELP = _("Write the date of birth as day/month/year, e.g. 25/07/1985.")


class LookupForm(forms.Form):
    """Every message of the form is in this app's catalogues (es, pt, ht, fr): Django's
    own "This field is required." has no Haitian Creole, which would fall back to
    Spanish on the Creole page."""

    a_number = forms.CharField(
        label=_("A-number"),
        max_length=40,
        error_messages={"required": ANUMBER_HELP, "max_length": ANUMBER_HELP},
        help_text=_("The 8 or 9 digits on your papers, e.g. A123-456-789."),
        widget=NoEchoInput(
            attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}
        ),
    )
    birth_date = forms.CharField(
        label=_("Date of birth"),
        max_length=40,
        error_messages={"required": BIRTH_HELP, "max_length": BIRTH_HELP},
        help_text=_("Day/month/year, e.g. 25/07/1985."),
        widget=NoEchoInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_a_number(self) -> str:
        digits = parse_anumber(self.cleaned_data["a_number"])
        if digits is None:
            raise forms.ValidationError(ANUMBER_HELP)
        return digits

    def clean_birth_date(self) -> dt.date:
        value = parse_birth_date(self.cleaned_data["birth_date"])
        if value is None:
            raise forms.ValidationError(BIRTH_HELP)
        return value

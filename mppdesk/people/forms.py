"""Web forms for people, contact points and family members.

These forms only collect and lightly parse input. The rules live in
``people.validation`` and the services, which raise ``FieldErrors``; the views call
``core.forms.apply_field_errors`` to show those messages next to the right field, so the web,
the API and the importer never disagree about what is valid.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mppdesk.cases.forms import CaseFields
from mppdesk.lib.dates import slashed_order_hint
from mppdesk.lib.labels import collation_key, country_label, language_label
from mppdesk.lib.languages import COMMON_LANGUAGES
from mppdesk.people.models import ContactPoint, Person, Relationship, Sex, Vulnerability


@functools.cache
def _country_choices(language: str) -> list[tuple[str, str]]:
    import pycountry

    with translation.override(language):
        labelled = [(c.alpha_3, country_label(c.alpha_3)) for c in pycountry.countries]
    return sorted(labelled, key=lambda item: collation_key(item[1]))


def _language_choices(extra: str = "") -> list[tuple[str, str]]:
    codes = list(COMMON_LANGUAGES)
    if extra and extra not in codes:
        codes.append(extra)
    labelled = sorted(
        ((code, language_label(code)) for code in codes), key=lambda i: collation_key(i[1])
    )
    return [("", "—")] + [(code, f"{label} ({code})") for code, label in labelled]


_SLASHED = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def day_first(raw: str) -> str:
    """Read ``03/04/1995`` as 3 April, as this form's help text says.

    The validator refuses to guess the order of an ambiguous slashed date (right for
    imports); on this form the order is stated, so it is rewritten as ISO here. A date
    that can only be month-first (``04/23/1995``) is passed on unchanged.
    """
    match = _SLASHED.match(raw)
    if not match or slashed_order_hint(raw.strip()) == "MDY":
        return raw
    day, month, year = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


class PersonForm(forms.Form):
    """The registry fields of a person. Required-ness is checked by the service."""

    given_names = forms.CharField(
        label=_("Given names"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "required": True}),
    )
    family_names = forms.CharField(
        label=_("Family names"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    other_names = forms.CharField(
        label=_("Other names or spellings"),
        required=False,
        help_text=_("Separate with commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = forms.CharField(
        label=_("Date of birth"),
        required=False,
        help_text=_("YYYY-MM-DD, DD/MM/YYYY, or only the year."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN, required=False
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), required=False)
    other_languages = forms.CharField(
        label=_("Other languages"),
        required=False,
        help_text=_("ISO 639-3 codes or names, separated with commas."),
    )
    needs_interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    # Where the service's field names differ from this form's.
    error_aliases: Mapping[str, str] = {
        "languages": "other_languages",
        "other_names": "other_names",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (translation.get_language() or "es").split("-")[0]
        nationality: forms.ChoiceField = self.fields["nationality"]  # type: ignore[assignment]
        nationality.choices = [("", "—"), *_country_choices(language)]
        current = str(
            self.initial.get("preferred_language") or self.data.get("preferred_language", "") or ""
        )
        preferred: forms.ChoiceField = self.fields["preferred_language"]  # type: ignore[assignment]
        preferred.choices = _language_choices(current if re.fullmatch(r"[a-z]{3}", current) else "")

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        languages = list(person.languages.all())
        preferred = next(
            (lang for lang in languages if lang.preferred), languages[0] if languages else None
        )
        return {
            "given_names": person.given_names,
            "family_names": person.family_names,
            "other_names": ", ".join(person.other_names or []),
            "birth_date": person.birth_date.isoformat()
            if person.birth_date
            else (person.birth_year or ""),
            "sex": person.sex,
            "nationality": person.nationality,
            "preferred_language": preferred.code if preferred else "",
            "other_languages": ", ".join(lang.code for lang in languages if lang is not preferred),
            "needs_interpreter": any(lang.needs_interpreter for lang in languages),
            "vulnerabilities": list(person.vulnerabilities or []),
            "notes": person.notes,
        }

    def person_data(self) -> dict[str, Any]:
        """The raw mapping ``people.validation.clean_person`` expects."""
        data = self.cleaned_data
        codes = [data.get("preferred_language") or ""]
        codes += [c.strip() for c in (data.get("other_languages") or "").split(",")]
        interpreter = bool(data.get("needs_interpreter"))
        languages = [
            {"code": code, "preferred": index == 0, "needs_interpreter": interpreter}
            for index, code in enumerate(c for c in codes if c)
        ]
        return {
            "given_names": data.get("given_names", ""),
            "family_names": data.get("family_names", ""),
            "other_names": data.get("other_names", ""),
            "birth_date": day_first(data.get("birth_date") or ""),
            "sex": data.get("sex") or Sex.UNKNOWN,
            "nationality": data.get("nationality", ""),
            "languages": languages,
            "vulnerabilities": data.get("vulnerabilities", []),
            "notes": data.get("notes", ""),
        }


class ContactFields(forms.Form):
    """One optional contact point, collected together with a new person."""

    contact_kind = forms.ChoiceField(
        label=_("Contact by"),
        choices=ContactPoint.Kind.choices,
        initial=ContactPoint.Kind.PHONE,
        required=False,
    )
    contact_value = forms.CharField(
        label=_("Phone number or e-mail"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    contact_consent = forms.BooleanField(
        label=_("The person agrees to be contacted this way"), required=False
    )

    def contacts(self) -> list[dict[str, Any]]:
        value = (self.cleaned_data.get("contact_value") or "").strip()
        if not value:
            return []
        return [
            {
                "kind": self.cleaned_data.get("contact_kind") or ContactPoint.Kind.PHONE,
                "value": value,
                "consent": bool(self.cleaned_data.get("contact_consent")),
            }
        ]


class PersonCreateForm(PersonForm, ContactFields, CaseFields):
    """A new person, optionally with one contact point and a newly opened case."""

    error_aliases = {**PersonForm.error_aliases, "contacts[0].value": "contact_value"}

    def wants_case(self) -> bool:
        data = self.cleaned_data
        return bool((data.get("a_number") or "").strip() or data.get("venue") or data.get("port"))


class FamilyMemberForm(PersonForm, ContactFields):
    relationship = forms.ChoiceField(
        label=_("Relationship to the lead respondent"),
        choices=[("", "—")] + [c for c in Relationship.choices if c[0] != Relationship.LEAD],
        required=False,
    )

    error_aliases = {**PersonForm.error_aliases, "contacts[0].value": "contact_value"}


class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ContactPoint.Kind.choices, initial=ContactPoint.Kind.PHONE
    )
    value = forms.CharField(
        label=_("Phone number or e-mail"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label=_("The person agrees to be contacted this way"), required=False
    )

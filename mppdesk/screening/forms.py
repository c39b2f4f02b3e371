"""Screening forms. Services do the checks that need the database; errors they raise
(``FieldErrors``) are put back on the form's fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mppdesk.people.models import Vulnerability
from mppdesk.screening import engine
from mppdesk.screening.labels import FLAG_LABELS, RULE_LABELS
from mppdesk.screening.models import FearHow, FearOutcome, Result, VersionCode


class FactsForm(forms.Form):
    flags = forms.MultipleChoiceField(
        label=_("Flags from the detention record"),
        choices=list(FLAG_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fear_asked = forms.BooleanField(
        label=_("Asked whether they fear return to Mexico"), required=False
    )
    fear_expressed = forms.BooleanField(label=_("Fear of return expressed"), required=False)
    fear_how = forms.ChoiceField(
        label=_("How fear was raised"),
        choices=[("", "—"), *FearHow.choices],
        required=False,
    )


class ScreenForm(forms.Form):
    version = forms.ChoiceField(label=_("Guidance version"), choices=VersionCode.choices)


class ReviewForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[(Result.AMENABLE, Result.AMENABLE.label), (Result.EXEMPT, Result.EXEMPT.label)],
    )
    note = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterviewForm(forms.Form):
    version = forms.ChoiceField(label=_("Guidance version"), choices=VersionCode.choices)
    fear_how = forms.ChoiceField(label=_("How fear was raised"), choices=FearHow.choices)
    counsel_notified_at = forms.DateTimeField(
        label=_("Counsel notified at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    interview_at = forms.DateTimeField(
        label=_("Interview time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *FearOutcome.choices], required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RulesForm(forms.Form):
    enabled = forms.MultipleChoiceField(
        label=_("Rules in force"),
        choices=[(k, RULE_LABELS[k]) for k in engine.RULES if k != "no_exemption"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The rules on unaccompanied children, on ages that cannot be checked and on fear "
            "of return (interview pending or positive) protect people: they cannot be "
            "turned off."
        ),
    )
    elderly_age = forms.IntegerField(
        label=_("Age from which a person counts as older"),
        required=False,
        min_value=40,
        max_value=120,
    )
    health_vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities that count as health issues"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fear_requires_volunteered = forms.BooleanField(
        label=_("Only fear raised unprompted counts"), required=False
    )
    fear_standard = forms.ChoiceField(
        label=_("Standard of the fear interview"),
        choices=[
            (engine.STANDARD_MORE_LIKELY, _("More likely than not")),
            (engine.STANDARD_REASONABLE, _("Reasonable possibility")),
        ],
    )
    counsel_hours = forms.IntegerField(
        label=_("Hours to reach counsel before the interview"), min_value=0, max_value=240
    )

    def rules_json(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            "enabled": list(data["enabled"]),
            "elderly_age": data["elderly_age"],
            "health_vulnerabilities": list(data["health_vulnerabilities"]),
            "fear_requires_volunteered": bool(data["fear_requires_volunteered"]),
            "fear_standard": data["fear_standard"],
            "counsel_hours": data["counsel_hours"],
        }

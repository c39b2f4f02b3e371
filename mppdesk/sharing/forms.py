"""Web forms for referrals. Fields are optional here on purpose: the services check
what is required and name each missing field, and the views attach those errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mppdesk.accounts.models import Organization
from mppdesk.sharing.models import ConsentMethod, ReferralPurpose
from mppdesk.sharing.services import MAX_NOTE


class ReferralForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label="—",
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", "—"), *ReferralPurpose.choices], required=False
    )
    purpose_note = forms.CharField(
        label=_("Reason for the referral"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_NOTE,
        required=False,
    )
    consent_given_at = forms.DateTimeField(
        label=_("Consent given at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        required=False,
        help_text=_("When the person agreed to this referral (UTC)."),
    )
    consent_method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=[("", "—"), *ConsentMethod.choices],
        required=False,
    )
    consent_note = forms.CharField(
        label=_("Consent note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_NOTE,
        required=False,
    )

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = organizations if organizations is not None else Organization.objects.none()


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_NOTE,
        required=False,
    )

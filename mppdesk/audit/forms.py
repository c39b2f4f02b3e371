"""The auditor's filters. They hold user names, organizations and record ids (random
UUIDs), never personal data, so they travel in the query string like any list filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mppdesk.accounts.models import Organization
from mppdesk.audit.models import AuditEntry
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User name"), max_length=150, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    date_from = forms.DateField(
        label=_("From (UTC day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To (UTC day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organization"]
        assert isinstance(org_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        org_field.queryset = organizations
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)  # noqa: S101
        action_field.choices = [("", _("All")), *AuditAction.choices]
        # By their names in the page's language: the codes ("case") are not shown.
        type_field = self.fields["object_type"]
        assert isinstance(type_field, forms.ChoiceField)  # noqa: S101
        type_field.choices = [("", _("All")), *ObjectType.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """The entries that match the (valid) filters."""
        data = self.cleaned_data
        if data.get("actor"):
            entries = entries.filter(actor__username__iexact=data["actor"].strip())
        if data.get("organization"):
            entries = entries.filter(organization=data["organization"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("object_type"):
            entries = entries.filter(object_type=data["object_type"])
        if data.get("object_id"):
            entries = entries.filter(object_id=data["object_id"].strip())
        # UTC days, as the page shows the times, as bounds on ``at`` (its index serves them).
        if data.get("date_from"):
            entries = entries.filter(at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            entries = entries.filter(at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
        return entries


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)

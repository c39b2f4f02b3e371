"""The filters of the statistics page. They hold an organization's short name, a port
code and months, never personal data, so they travel in the query string."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mppdesk.core.errors import FieldErrors
from mppdesk.places.models import Port
from mppdesk.stats import queries


class StatsFilterForm(forms.Form):
    organization = forms.ChoiceField(label=_("Organization"), required=False)
    port = forms.ChoiceField(label=_("Border city"), required=False)
    from_month = forms.CharField(
        label=_("From (month)"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    to_month = forms.CharField(
        label=_("To (month)"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def __init__(self, *args: Any, scope: queries.Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.result: queries.Filters = queries.Filters()
        org_field = self.fields["organization"]
        assert isinstance(org_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        org_field.choices = [
            ("", _("All")),
            *queries.organizations(scope).values_list("slug", "name"),
        ]
        port_field = self.fields["port"]
        assert isinstance(port_field, forms.ChoiceField)  # noqa: S101
        port_field.choices = [("", _("All")), *((p.code, str(p)) for p in Port.objects.all())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.result = queries.clean_filters(
                self.scope,
                organization=data.get("organization") or None,
                port=data.get("port") or None,
                from_month=data.get("from_month") or None,
                to_month=data.get("to_month") or None,
            )
        except FieldErrors as exc:
            for name, messages in exc.errors.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data

"""Forms of the case-worker messaging pages: manual send, template editor, reminder policy.

The forms only shape input; the checks that matter (opted-out contacts, A-numbers,
placeholders, rules) are in ``queries.compose_manual`` and the reminders services, whose
``FieldErrors`` are attached to these forms by field name.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mppdesk.messaging import queries
from mppdesk.messaging.models import TemplateKind
from mppdesk.people.models import Person
from mppdesk.reminders.models import LANGUAGE_CHOICES
from mppdesk.reminders.policy import MAX_DAYS_BEFORE, RULE_TEMPLATES
from mppdesk.reminders.templatetags.reminders import masked


def contact_label(point: Any) -> str:
    """ "SMS •••• 4567 (opted out)": the kind, the masked value, why it cannot be used."""
    label = f"{point.get_kind_display()} {masked(point.value)}"
    if point.opted_out:
        return f"{label} ({_('opted out')})"
    if point.invalid_at is not None:
        return f"{label} ({_('invalid')})"
    if not point.consent:
        return f"{label} ({_('no consent')})"
    return label


class ManualSendForm(forms.Form):
    contact_point = forms.TypedChoiceField(label=_("Send to"), coerce=int)
    template = forms.ChoiceField(
        label=_("Message"),
        choices=[(str(k), k.label) for k in queries.MANUAL_KINDS],
        initial=TemplateKind.REMINDER,
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    text = forms.CharField(
        label=_("Text (manual message only)"),
        required=False,
        max_length=queries.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("No name and no A-number: anyone who sees the phone can read it."),
    )
    confirm_name = forms.BooleanField(
        label=_("Send it with the person's name anyway"), required=False
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        points = queries.contact_choices(person)
        field = self.fields["contact_point"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(p.pk, contact_label(p)) for p in points]
        usable = [p for p in points if queries.usable(p)]
        if usable and not self.is_bound:
            self.initial.setdefault("contact_point", usable[0].pk)
        self.initial.setdefault("language", queries.default_language(person))
        self.initial.setdefault("idempotency_key", uuid.uuid4())


class TemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "true"}),
        strip=False,
    )


class RuleForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16, required=False)
    template = forms.ChoiceField(
        label=_("Message"),
        required=False,
        choices=[("", "—"), *[(str(t), t.label) for t in RULE_TEMPLATES]],
    )
    days_before = forms.IntegerField(
        label=_("Days before"),
        required=False,
        min_value=0,
        max_value=MAX_DAYS_BEFORE,
        help_text=_("Empty: at notice."),
    )
    at = forms.CharField(
        label=_("At (local time)"),
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"placeholder": "10:00", "inputmode": "numeric"}),
    )

    def rule(self) -> dict[str, Any] | None:
        """The rule as ``update_policy`` takes it; None for a blank row."""
        data = self.cleaned_data
        if not data.get("code") and not data.get("template"):
            return None
        return {
            "code": data.get("code") or "",
            "template": data.get("template") or "",
            "days_before": data.get("days_before"),
            "at": data.get("at") or None,
        }


RuleFormSet = forms.formset_factory(RuleForm, extra=2, max_num=10)


class PolicyForm(forms.Form):
    quiet_start = forms.CharField(label=_("Quiet hours start"), max_length=5)
    quiet_end = forms.CharField(label=_("Quiet hours end"), max_length=5)

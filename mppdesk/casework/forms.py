"""Forms of the case page's casework panel (labels and choices; the services validate)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mppdesk.casework.models import AssignmentRole, CaseFileKind, NoteKind


class AssignForm(forms.Form):
    user = forms.ChoiceField(label=_("Staff member"))
    role = forms.ChoiceField(
        label=_("As"), choices=AssignmentRole.choices, initial=AssignmentRole.WORKER
    )
    g28_on_file = forms.BooleanField(label=_("G-28 on file (attorney of record)"), required=False)

    def __init__(self, *args: Any, staff: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field: Any = self.fields["user"]
        field.choices = [(str(u.pk), u.get_full_name() or u.username) for u in staff]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseFileKind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from mppdesk.casework.files import max_bytes

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(mb)s MB.") % {
            "mb": f"{max_bytes() / 1024 / 1024:g}"
        }


class ReassignForm(forms.Form):
    user = forms.ChoiceField(label=_("Give the chosen cases to"))

    def __init__(self, *args: Any, staff: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field: Any = self.fields["user"]
        field.choices = [(str(u.pk), u.get_full_name() or u.username) for u in staff]

"""Form plumbing shared by every app's web views.

The services raise ``core.errors.FieldErrors``; :func:`apply_field_errors` puts those
messages next to the right field so the web, the API and the importer report the same
rule the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms


def apply_field_errors(
    form: forms.Form, errors: Mapping[str, list[str]], aliases: Mapping[str, str] | None = None
) -> None:
    """Attach service ``FieldErrors`` to ``form``; unknown fields become form-wide errors.

    The messages are already in the request's language: the services and ``mppdesk.lib``
    translate them when they raise.
    """
    aliases = aliases or {}
    for name, messages in errors.items():
        field = aliases.get(name, name)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)

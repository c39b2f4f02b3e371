"""Reminder rule codes in words, in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from mppdesk.reminders.templatetags.reminders import rule_label


@pytest.mark.parametrize(
    ("code", "english", "spanish"),
    [
        ("7d", "7 days before", "7 días antes"),
        ("1d", "1 day before", "1 día antes"),
        ("evening", "evening before", "la víspera"),
        ("notice", "at notice", "al programar"),
        ("changed", "hearing changed", "audiencia cambiada"),
        ("my-rule", "my-rule", "my-rule"),
    ],
)
def test_rule_codes_are_shown_in_words(code: str, english: str, spanish: str) -> None:
    # The message history showed "Recordatorio (7d)", "(evening)" in the Spanish pages.
    with translation.override("en"):
        assert rule_label(code) == english
    with translation.override("es"):
        assert rule_label(code) == spanish

"""Control characters and lone surrogates are found wherever they hide."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib import safetext

FORBIDDEN = [chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127]] + ["\ud800", "\udfff"]


@pytest.mark.parametrize("char", FORBIDDEN)
def test_each_forbidden_character_is_found_anywhere(char):
    assert safetext.forbidden_character(f"Ana{char}María") == char
    assert safetext.find_in(["ok", {"k": [f"x{char}"]}]) == char
    assert safetext.find_in({f"key{char}": "v"}) == char
    with pytest.raises(ValueError, match="Control characters"):
        safetext.check(("a", char))


def test_tabs_newlines_and_accents_are_text():
    text = "María José\tPérez\r\nJoão Çağlar 🙂 Kʼicheʼ"
    assert safetext.forbidden_character(text) is None
    assert safetext.check(text) == text


def test_field_errors_name_each_bad_field():
    errors = safetext.field_errors({"given_names": "A\x00", "notes": "ok", "other": ["b\x1b"]})
    assert set(errors) == {"given_names", "other"}


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc"])))
def test_text_without_control_characters_passes(text):
    assert safetext.find_in(text) is None


@given(st.text(), st.sampled_from(FORBIDDEN), st.text())
def test_a_forbidden_character_anywhere_is_found(before, char, after):
    assert safetext.find_in(before + char + after) is not None

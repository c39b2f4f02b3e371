"""SMS segment counting: GSM-7 versus UCS-2, single and concatenated parts."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from mppdesk.reminders.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    is_gsm7,
    non_gsm_characters,
    segment_info,
    to_gsm7,
)

basic = st.sampled_from(sorted(GSM7_BASIC))
gsm_text = st.text(alphabet=basic, max_size=1200)
non_gsm = st.characters(
    blacklist_characters=sorted(GSM7_BASIC | GSM7_EXTENSION), blacklist_categories=("Cs",)
)


def expected_segments(units: int, single: int, part: int) -> int:
    if units == 0:
        return 0
    return 1 if units <= single else math.ceil(units / part)


@given(gsm_text)
def test_gsm7_text_of_length_n_takes_the_formula_segments(text: str) -> None:
    info = segment_info(text)
    assert info.encoding == "GSM-7"
    assert info.units == len(text)
    assert info.segments == expected_segments(len(text), 160, 153)


@given(gsm_text, non_gsm, st.integers(min_value=0, max_value=1200))
def test_one_character_outside_gsm7_switches_the_whole_text_to_ucs2(
    text: str, odd: str, position: int
) -> None:
    position = min(position, len(text))
    mixed = text[:position] + odd + text[position:]
    info = segment_info(mixed)
    assert info.encoding == "UCS-2"
    units = len(mixed.encode("utf-16-le")) // 2
    assert info.units == units
    if ord(odd) <= 0xFFFF:  # no surrogate pair to keep whole: the plain formula
        assert info.segments == expected_segments(units, 70, 67)
    assert info.segments >= segment_info(text).segments


@given(st.text(alphabet=st.sampled_from(sorted(GSM7_EXTENSION)), min_size=1, max_size=400))
def test_extension_characters_count_two_septets_and_are_never_split(text: str) -> None:
    info = segment_info(text)
    assert info.encoding == "GSM-7" and info.units == 2 * len(text)
    # 153 septets hold 76 escaped characters (152 septets), never 76.5.
    assert info.segments == (1 if 2 * len(text) <= 160 else math.ceil(len(text) / 76))


def test_boundaries_of_single_and_concatenated_messages() -> None:
    assert segment_info("") == ("GSM-7", 0, 0)
    assert segment_info("a" * 160).segments == 1
    assert segment_info("a" * 161).segments == 2
    assert segment_info("a" * 306).segments == 2
    assert segment_info("a" * 307).segments == 3
    assert segment_info("ó" * 70) == ("UCS-2", 70, 1)
    assert segment_info("ó" * 71).segments == 2
    assert segment_info("ó" * 134).segments == 2
    assert segment_info("ó" * 135).segments == 3
    assert segment_info("€" * 80) == ("GSM-7", 160, 1)
    assert segment_info("€" * 81).segments == 2


def test_an_emoji_is_a_surrogate_pair_of_two_units() -> None:
    assert segment_info("😀") == ("UCS-2", 2, 1)
    assert segment_info("😀" * 35).segments == 1
    assert segment_info("😀" * 36).segments == 2
    # 66 units then a pair: the pair does not fit in the first part's last unit.
    assert segment_info("ó" * 66 + "😀" + "ó" * 4).segments == 2


def test_spanish_accents_outside_gsm7_are_named_and_folded_for_values() -> None:
    assert is_gsm7("Preséntese mañana ¿sí?") is False
    assert non_gsm_characters("Juárez, Tijuána, ó") == ["á", "ó"]
    assert to_gsm7("Ciudad Juárez, março, São Paulo") == "Ciudad Juarez, marco, Sao Paulo"
    assert to_gsm7("Niño, café") == "Niño, café"  # ñ and é are GSM-7
    assert is_gsm7(to_gsm7("Nuevo Laredo, Matamoros, Ciudad Juárez, Piedras Negras"))

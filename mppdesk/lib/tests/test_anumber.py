import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib.anumber import ANumberError, format_anumber, normalize_anumber


@pytest.mark.parametrize(
    "raw",
    [
        "012345678",
        "12345678",
        "012-345-678",
        "012 345 678",
        "012.345.678",
        "A012345678",
        "a012345678",
        "A 012-345-678",
        "A#12345678",
        "A-012-345-678",
        "A: 012 345 678",
        " a12345678 ",
        "A\t12345678",
        "012/345/678",
        "A–012–345–678",  # en dashes from a word processor
        "Ａ０１２３４５６７８",  # full-width, from some phone keyboards
    ],
)
def test_written_forms_normalize_to_nine_digits(raw):
    assert normalize_anumber(raw) == "012345678"


def test_nine_digits_are_kept():
    assert normalize_anumber("212345678") == "212345678"


def test_eight_digits_gain_a_leading_zero():
    assert normalize_anumber("98765432") == "098765432"


def test_spreadsheet_number_cell_is_not_misread():
    # 12345678.0 must not become 123456780 by treating the dot as a separator.
    assert normalize_anumber(12345678.0) == "012345678"  # type: ignore[arg-type]
    assert normalize_anumber(212345678) == "212345678"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "required"),
        ("   ", "required"),
        (None, "required"),
        ("12345678A", "only digits"),
        ("A12B45678", "only digits"),
        ("AA12345678", "only digits"),
        ("B12345678", "only digits"),
        ("A", "only digits"),
        ("+12345678", "only digits"),
        ("1234567", "8 or 9 digits, got 7"),
        ("A-123-4567", "8 or 9 digits, got 7"),
        ("1234567890", "8 or 9 digits, got 10"),
        ("000000000", "all zeros"),
        ("A 0000-0000", "all zeros"),
        ("١٢٣٤٥٦٧٨٩", "only digits"),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(raw, message):
    with pytest.raises(ANumberError, match=message):
        normalize_anumber(raw)


def test_error_is_a_value_error():
    assert issubclass(ANumberError, ValueError)


def test_format_for_display():
    assert format_anumber("012345678") == "A012-345-678"


_SEPARATORS = st.sampled_from(["", " ", "-", ".", "/", "#", ":", "  ", " - "])


@st.composite
def written_anumbers(draw):
    digits = draw(
        st.text(alphabet="0123456789", min_size=8, max_size=9).filter(lambda d: set(d) != {"0"})
    )
    prefix = draw(st.sampled_from(["", "A", "a", "A ", "A#", "a-", "A: "]))
    parts = []
    for ch in digits:
        parts.append(ch)
        parts.append(draw(_SEPARATORS))
    spaces = draw(st.sampled_from(["", " ", "\t"]))
    return digits, spaces + prefix + "".join(parts) + spaces


@given(written_anumbers())
def test_any_written_form_gives_nine_digits(case):
    digits, written = case
    result = normalize_anumber(written)
    assert len(result) == 9
    assert result.isdigit()
    assert result == digits.rjust(9, "0")


@given(written_anumbers())
def test_normalize_is_idempotent_and_display_round_trips(case):
    _, written = case
    result = normalize_anumber(written)
    assert normalize_anumber(result) == result
    assert normalize_anumber(format_anumber(result)) == result


def test_messages_are_translated_when_raised():
    with pytest.raises(ANumberError) as english:
        normalize_anumber("12")
    with translation.override("es"), pytest.raises(ANumberError) as spanish:
        normalize_anumber("12")
    assert str(english.value) == "A-number must have 8 or 9 digits, got 2."
    assert str(spanish.value) == "El número A debe tener 8 o 9 dígitos; tiene 2."

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib.phones import PhoneError, normalize_phone


def _valid(e164: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(e164))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Mexican numbers written locally (the border cities: Ciudad Juárez, Tijuana).
        ("656 123 4567", "+526561234567"),
        ("(664) 123-4567", "+526641234567"),
        ("6561234567", "+526561234567"),
        ("+52 656 123 4567", "+526561234567"),
        ("52 656 123 4567", "+526561234567"),
        ("0052 656 123 4567", "+526561234567"),
        # Prefixes Mexico retired in 2019-2020 that people still write.
        ("+52 1 656 123 4567", "+526561234567"),
        ("+521 656 123 4567", "+526561234567"),
        ("0052 1 656 123 4567", "+526561234567"),
        ("044 656 123 4567", "+526561234567"),
        ("045 656 123 4567", "+526561234567"),
        ("01 656 123 4567", "+526561234567"),
        # United States (El Paso area code), with and without the country code.
        ("(915) 532-1234", "+19155321234"),
        ("+1 915 532 1234", "+19155321234"),
        ("001 915 532 1234", "+19155321234"),
        # Central America: Honduras resolves without a code; others are given with one.
        ("9876-5432", "+50498765432"),
        ("+504 9876-5432", "+50498765432"),
        ("+502 5512 3456", "+50255123456"),
        ("00502 5512 3456", "+50255123456"),
        ("+503 7012 3456", "+50370123456"),
        ("+505 8123 4567", "+50581234567"),
        ("+509 34 12 3456", "+50934123456"),
    ],
)
def test_numbers_normalize_to_e164(raw, expected):
    assert _valid(expected)
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "hello",
        "123",
        "+52 656",
        "656 123 456",
        "+999 123 456 789",
        "00",
        "+",
        "phone: none",
    ],
)
def test_garbage_is_rejected(raw):
    with pytest.raises(PhoneError):
        normalize_phone(raw)


def test_none_is_rejected_as_required():
    with pytest.raises(PhoneError, match="required"):
        normalize_phone(None)  # type: ignore[arg-type]


def test_error_message_suggests_the_country_code():
    with pytest.raises(PhoneError, match=r"country code"):
        normalize_phone("12")


def test_regions_restrict_local_resolution():
    # A local US number only resolves when the US is among the regions tried.
    assert normalize_phone("(915) 532-1234", regions=("US",)) == "+19155321234"
    with pytest.raises(PhoneError):
        normalize_phone("(915) 532-1234", regions=("HN",))


def test_ten_digits_valid_in_both_mexico_and_the_us_read_as_mexican():
    # Mexico is tried first (people wait in Mexican border cities); a US number that is
    # also a valid Mexican one needs its +1.
    assert normalize_phone("201 555 0123") == "+522015550123"
    assert normalize_phone("+1 201 555 0123") == "+12015550123"


def test_legacy_mexican_prefixes_need_mexico_among_regions():
    with pytest.raises(PhoneError):
        normalize_phone("044 656 123 4567", regions=("US",))


def _examples() -> list[str]:
    numbers = set()
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None and phonenumbers.is_valid_number(example):
                numbers.add(
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
                )
    return sorted(numbers)


EXAMPLES = _examples()


def test_there_are_many_example_numbers():
    assert len(EXAMPLES) > 300


@st.composite
def written_international(draw):
    e164 = draw(st.sampled_from(EXAMPLES))
    parsed = phonenumbers.parse(e164)
    style = draw(st.sampled_from(["e164", "international", "00", "00-international", "spaces"]))
    if style == "e164":
        text = e164
    elif style == "international":
        text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    elif style == "00":
        text = "00" + e164[1:]
    elif style == "00-international":
        text = (
            "00"
            + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)[1:]
        )
    else:
        text = "  " + e164 + " "
    return e164, text


@given(written_international())
def test_international_examples_round_trip(case):
    e164, written = case
    result = normalize_phone(written)
    assert result == e164
    assert normalize_phone(result) == result


@pytest.mark.parametrize(
    ("region", "number_type"),
    [
        ("MX", phonenumbers.PhoneNumberType.MOBILE),
        ("MX", phonenumbers.PhoneNumberType.FIXED_LINE),
        ("HN", phonenumbers.PhoneNumberType.MOBILE),
    ],
)
def test_national_format_of_a_default_region_resolves(region, number_type):
    example = phonenumbers.example_number_for_type(region, number_type)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    expected = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    assert normalize_phone(national) == expected


def test_eight_digits_valid_in_several_countries_take_the_first_region():
    # 2212-3456 is a landline in both Guatemala and Honduras; Guatemala is tried first,
    # so Honduran landlines need their +504.
    assert normalize_phone("2212-3456") == "+50222123456"
    assert normalize_phone("+504 2212-3456") == "+50422123456"


@given(st.text(max_size=30))
def test_any_text_either_normalizes_idempotently_or_raises_phone_error(text):
    try:
        result = normalize_phone(text)
    except PhoneError:
        return
    assert result.startswith("+")
    assert normalize_phone(result) == result

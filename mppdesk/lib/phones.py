"""Phone numbers in E.164, parsed with ``phonenumbers``.

Numbers written without a country code are tried against the region of the border
city the person waits in (Mexico), then the US, then Central America, so a local
Mexican number like ``656 123 4567`` and a Honduran ``9876-5432`` both resolve.
"""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext as _

DEFAULT_REGIONS = (
    "MX",
    "US",
    "GT",
    "HN",
    "SV",
    "NI",
    "CR",
    "PA",
    "CU",
    "VE",
    "CO",
    "EC",
    "BR",
    "HT",
)


class PhoneError(ValueError):
    pass


_NON_DIGIT = re.compile(r"\D")


def _drop_mexican_legacy_prefix(text: str, regions: tuple[str, ...]) -> str:
    """Rewrite dialling prefixes Mexico retired in 2019-2020 but people still write.

    ``+52 1 656 123 4567`` (the old mobile "1"), ``044``/``045 656 123 4567`` (local and
    long-distance mobile) and ``01 656 123 4567`` (long distance) all mean the 10-digit
    number; ``phonenumbers`` rejects them.
    """
    digits = _NON_DIGIT.sub("", text)
    if text.startswith("+"):
        if len(digits) == 13 and digits.startswith("521"):
            return "+52" + digits[3:]
        return text
    if "MX" not in regions:
        return text
    if len(digits) == 13 and digits[:3] in ("044", "045"):
        return "+52" + digits[3:]
    if len(digits) == 12 and digits.startswith("01"):
        return "+52" + digits[2:]
    return text


def normalize_phone(raw: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> str:
    """Return the E.164 form of ``raw`` or raise ``PhoneError``."""
    text = (raw or "").strip()
    if not text:
        raise PhoneError(_("Phone number is required."))
    if text.startswith("00"):
        text = "+" + text[2:]
    text = _drop_mexican_legacy_prefix(text, regions)
    if text.startswith("+"):
        candidates: tuple[str | None, ...] = (None,)
    else:
        candidates = regions
    for region in candidates:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    raise PhoneError(
        _("Not a valid phone number; give it with its country code, e.g. +52 656 123 4567.")
    )


def display_phone(value: str | None) -> str:
    """An E.164 number as people write it: national format when it is a number of the
    border countries people call from (``+526561234567`` → ``656 123 4567``), the
    international format otherwise; anything unparsable as stored."""
    text = (value or "").strip()
    if not text.startswith("+"):
        return text
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(parsed):
        return text
    region = phonenumbers.region_code_for_number(parsed)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region in _NATIONAL_REGIONS
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


#: Where a national number is unambiguous to staff at the border: Mexico and the US.
#: Numbers of other countries keep their country code ("+504 9876-5432").
_NATIONAL_REGIONS = frozenset({"MX", "US"})

"""Turn raw person input (form, API, import row) into clean values or field errors.

One place for the rules so the web form, the API and the importer agree on what is
valid and say it the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from mppdesk.core.errors import FieldErrors
from mppdesk.core.validation import split_list, to_bool
from mppdesk.lib import safetext
from mppdesk.lib.countries import CountryError, normalize_country
from mppdesk.lib.dates import DateError, Order, PartialDate, parse_birth_date
from mppdesk.lib.languages import LanguageError, normalize_language
from mppdesk.lib.phones import PhoneError, normalize_phone
from mppdesk.lib.text import fold
from mppdesk.people.models import ContactPoint, Sex, Vulnerability

SEX_ALIASES = {
    "f": "F",
    "female": "F",
    "femenino": "F",
    "mujer": "F",
    "feminino": "F",
    "femme": "F",
    "m": "M",
    "male": "M",
    "masculino": "M",
    "hombre": "M",
    "homme": "M",
    "h": "M",
    "x": "X",
    "other": "X",
    "otro": "X",
    "no binario": "X",
    "non binary": "X",
    "u": "U",
    "unknown": "U",
    "desconocido": "U",
    "": "U",
}

VULNERABILITY_ALIASES = {v.value: v.value for v in Vulnerability} | {
    "nino": "child",
    "nina": "child",
    "menor": "child",
    "menor no acompanado": "unaccompanied_child",
    "nna": "unaccompanied_child",
    "embarazada": "pregnant",
    "embarazo": "pregnant",
    "medica": "medical",
    "medico": "medical",
    "salud": "medical",
    "salud mental": "mental_health",
    "discapacidad": "disability",
    "adulto mayor": "elderly",
    "persona mayor": "elderly",
    "lgbt": "lgbtq",
    "lgbtq": "lgbtq",
    "lgbtiq": "lgbtq",
    "lgbtq+": "lgbtq",
    "lgbti": "lgbtq",
    "indigena": "indigenous",
    "sobreviviente de violencia": "survivor_of_violence",
    "no lee": "non_literate",
    "analfabeta": "non_literate",
}

MAX_NAME = 200
_DIGIT = re.compile(r"\d")


@functools.cache
def _vulnerability_aliases() -> dict[str, str]:
    """Aliases plus the labels in English and Spanish.

    Built on first use, not at import: the labels are lazy translations, and reading them
    at import time would capture whichever language happened to be active then.
    """
    aliases: dict[str, str] = {}
    for language in ("en", "es"):
        with translation.override(language):
            aliases.update({fold(str(v.label)): v.value for v in Vulnerability})
    return aliases | VULNERABILITY_ALIASES


@dataclass
class LanguageInput:
    code: str
    preferred: bool = False
    needs_interpreter: bool = False


@dataclass
class ContactInput:
    kind: str
    value: str
    consent: bool = False


@dataclass
class PersonData:
    given_names: str
    family_names: str = ""
    other_names: list[str] = field(default_factory=list)
    birth: PartialDate | None = None
    sex: str = Sex.UNKNOWN
    nationality: str = ""
    languages: list[LanguageInput] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    notes: str = ""


def _clean_name(
    value: Any, field_name: str, errors: dict[str, list[str]], *, required: bool
) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        errors.setdefault(field_name, []).append(_("This field is required."))
    if len(text) > MAX_NAME:
        errors.setdefault(field_name, []).append(
            _("At most %(count)s characters.") % {"count": MAX_NAME}
        )
    if _DIGIT.search(text):
        errors.setdefault(field_name, []).append(_("Names cannot contain digits."))
    return text


def clean_sex(value: Any) -> str:
    key = fold(str(value or ""))
    if key not in SEX_ALIASES:
        raise ValueError(_("Use F, M, X (other) or U (unknown)."))
    return SEX_ALIASES[key]


def clean_vulnerabilities(values: Iterable[str]) -> list[str]:
    result: list[str] = []
    for raw in values:
        key = fold(raw)
        aliases = _vulnerability_aliases()
        code = aliases.get(key) or aliases.get(key.replace(" ", "_"))
        if code is None:
            allowed = ", ".join(v.value for v in Vulnerability)
            raise ValueError(
                _("Unknown vulnerability %(value)s; use one of: %(allowed)s.")
                % {"value": repr(raw.strip()), "allowed": allowed}
            )
        if code not in result:
            result.append(code)
    return result


def clean_person(
    data: Mapping[str, Any], *, date_order: Order | None = None, today: dt.date | None = None
) -> PersonData:
    """Validate a mapping of raw person fields; raise ``FieldErrors`` naming each bad field."""
    # NUL and other control characters are refused in every field, whatever it is
    # (``lib.safetext``): they would otherwise be stored in names and notes.
    errors: dict[str, list[str]] = safetext.field_errors(data)
    given = _clean_name(data.get("given_names"), "given_names", errors, required=True)
    family = _clean_name(data.get("family_names"), "family_names", errors, required=False)
    other = [" ".join(n.split()) for n in split_list(data.get("other_names"))]

    birth: PartialDate | None = None
    raw_birth = data.get("birth_date")
    if isinstance(raw_birth, dt.date):
        raw_birth = raw_birth.isoformat()
    if raw_birth not in (None, ""):
        try:
            birth = parse_birth_date(str(raw_birth), date_order, today=today)
        except DateError as exc:
            errors.setdefault("birth_date", []).append(str(exc))

    try:
        sex = clean_sex(data.get("sex"))
    except ValueError as exc:
        errors.setdefault("sex", []).append(str(exc))
        sex = Sex.UNKNOWN

    nationality = ""
    if data.get("nationality") not in (None, ""):
        try:
            nationality = normalize_country(str(data["nationality"]))
        except CountryError as exc:
            errors.setdefault("nationality", []).append(str(exc))

    languages: list[LanguageInput] = []
    raw_languages = data.get("languages") or []
    if isinstance(raw_languages, str):
        raw_languages = [{"code": code} for code in split_list(raw_languages)]
    try:
        needs_interpreter_default = to_bool(data.get("needs_interpreter", False))
    except ValueError as exc:
        errors.setdefault("needs_interpreter", []).append(str(exc))
        needs_interpreter_default = False
    for index, item in enumerate(raw_languages):
        entry = item if isinstance(item, Mapping) else {"code": item}
        try:
            code = normalize_language(str(entry.get("code", "")))
            preferred = to_bool(entry.get("preferred", index == 0))
            needs_interpreter = to_bool(entry.get("needs_interpreter", needs_interpreter_default))
        except (LanguageError, ValueError) as exc:
            errors.setdefault("languages", []).append(str(exc))
            continue
        if any(lang.code == code for lang in languages):
            continue
        languages.append(
            LanguageInput(code=code, preferred=preferred, needs_interpreter=needs_interpreter)
        )
    # Exactly one preferred language: messages go out in it.
    first_preferred = next(
        (lang for lang in languages if lang.preferred), languages[0] if languages else None
    )
    for lang in languages:
        lang.preferred = lang is first_preferred

    try:
        vulnerabilities = clean_vulnerabilities(split_list(data.get("vulnerabilities")))
    except ValueError as exc:
        errors.setdefault("vulnerabilities", []).append(str(exc))
        vulnerabilities = []

    notes = str(data.get("notes") or "").strip()
    if len(notes) > 5000:
        errors.setdefault("notes", []).append(_("At most %(count)s characters.") % {"count": 5000})

    if errors:
        raise FieldErrors(errors)
    return PersonData(
        given_names=given,
        family_names=family,
        other_names=other,
        birth=birth,
        sex=sex,
        nationality=nationality,
        languages=languages,
        vulnerabilities=vulnerabilities,
        notes=notes,
    )


def clean_contact(kind: str, value: str) -> str:
    """Normalize one contact point value; raise ``ValueError`` with a readable message."""
    text = (value or "").strip()
    safetext.check(text)
    if kind in (ContactPoint.Kind.PHONE, ContactPoint.Kind.WHATSAPP):
        try:
            return normalize_phone(text)
        except PhoneError as exc:
            raise ValueError(str(exc)) from exc
    if kind == ContactPoint.Kind.EMAIL:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(text)
        except ValidationError as exc:
            raise ValueError(_("Not a valid e-mail address.")) from exc
        return text.lower()
    raise ValueError(_("Unknown contact kind %(kind)s.") % {"kind": repr(kind)})


def dedupe_key(given_names: str, family_names: str, birth: PartialDate | None) -> str:
    """Normalized name tokens (order-free) plus date of birth, for duplicate detection."""
    tokens = sorted(set(fold(f"{given_names} {family_names}").split()))
    return f"{' '.join(tokens)}|{birth or ''}"

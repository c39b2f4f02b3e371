import datetime as dt

import pytest

from mppdesk.core.errors import FieldErrors
from mppdesk.core.validation import split_list, to_bool
from mppdesk.lib.dates import PartialDate
from mppdesk.people.validation import (
    clean_contact,
    clean_person,
    clean_sex,
    clean_vulnerabilities,
    dedupe_key,
)

TODAY = dt.date(2026, 3, 1)


def _errors(data, **kwargs):
    with pytest.raises(FieldErrors) as excinfo:
        clean_person(data, today=TODAY, **kwargs)
    return excinfo.value.errors


def test_minimal_person():
    person = clean_person({"given_names": "  María   José "}, today=TODAY)
    assert person.given_names == "María José"
    assert person.family_names == ""
    assert person.birth is None
    assert person.sex == "U"
    assert person.nationality == ""
    assert person.languages == []
    assert person.vulnerabilities == []


def test_full_person():
    person = clean_person(
        {
            "given_names": "José",
            "family_names": "Pérez López",
            "other_names": "Pepe; Chepe",
            "birth_date": "17/05/1990",
            "sex": "masculino",
            "nationality": "Honduras",
            "languages": "Español, K'iche'",
            "vulnerabilities": ["Indígena", "salud mental"],
            "notes": "  llegó con su hija  ",
        },
        today=TODAY,
    )
    assert person.other_names == ["Pepe", "Chepe"]
    assert person.birth == PartialDate(year=1990, date=dt.date(1990, 5, 17))
    assert person.sex == "M"
    assert person.nationality == "HND"
    assert [(lang.code, lang.preferred) for lang in person.languages] == [
        ("spa", True),
        ("quc", False),
    ]
    assert person.vulnerabilities == ["indigenous", "mental_health"]
    assert person.notes == "llegó con su hija"


def test_birth_date_accepts_a_date_object():
    assert clean_person(
        {"given_names": "Ana", "birth_date": dt.date(2001, 4, 3)}, today=TODAY
    ).birth == PartialDate(2001, dt.date(2001, 4, 3))


def test_birth_year_only():
    assert clean_person(
        {"given_names": "Ana", "birth_date": "1987"}, today=TODAY
    ).birth == PartialDate(1987)


def test_ambiguous_birth_date_uses_the_date_order():
    assert clean_person(
        {"given_names": "Ana", "birth_date": "03/04/2001"}, date_order="DMY", today=TODAY
    ).birth == (PartialDate(2001, dt.date(2001, 4, 3)))
    assert "birth_date" in _errors({"given_names": "Ana", "birth_date": "03/04/2001"})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "given_names", "required"),
        ({"given_names": "   "}, "given_names", "required"),
        ({"given_names": "Ana2"}, "given_names", "digits"),
        ({"given_names": "Ana", "family_names": "L0pez"}, "family_names", "digits"),
        ({"given_names": "A" * 201}, "given_names", "200"),
        ({"given_names": "Ana", "birth_date": "2027-01-01"}, "birth_date", "future"),
        ({"given_names": "Ana", "birth_date": "31/02/2000"}, "birth_date", "real date"),
        ({"given_names": "Ana", "birth_date": "ayer"}, "birth_date", "not a date"),
        ({"given_names": "Ana", "sex": "maybe"}, "sex", "F, M, X"),
        ({"given_names": "Ana", "nationality": "Narnia"}, "nationality", "Narnia"),
        ({"given_names": "Ana", "languages": ["Elvish"]}, "languages", "Elvish"),
        (
            {"given_names": "Ana", "languages": [{"code": "spa", "preferred": "quizás"}]},
            "languages",
            "yes or no",
        ),
        ({"given_names": "Ana", "needs_interpreter": "perhaps"}, "needs_interpreter", "yes or no"),
        (
            {"given_names": "Ana", "vulnerabilities": "pregnant, vampire"},
            "vulnerabilities",
            "vampire",
        ),
        ({"given_names": "Ana", "notes": "x" * 5001}, "notes", "5000"),
    ],
)
def test_errors_name_the_field(data, field, message):
    errors = _errors(data)
    assert field in errors
    assert any(message in m for m in errors[field])


def test_all_bad_fields_are_reported_together():
    errors = _errors(
        {
            "given_names": "",
            "sex": "maybe",
            "nationality": "Atlantis",
            "languages": "Elvish",
            "vulnerabilities": "x",
        }
    )
    assert set(errors) == {"given_names", "sex", "nationality", "languages", "vulnerabilities"}


def test_field_errors_message_lists_fields():
    error = FieldErrors({"given_names": ["This field is required."]})
    assert str(error) == "given_names: This field is required."


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("F", "F"),
        ("f", "F"),
        ("Mujer", "F"),
        ("Femenino", "F"),
        ("hombre", "M"),
        ("H", "M"),
        ("homme", "M"),
        ("otro", "X"),
        ("no binario", "X"),
        ("", "U"),
        (None, "U"),
        ("desconocido", "U"),
    ],
)
def test_clean_sex(raw, code):
    assert clean_sex(raw) == code


def test_languages_deduplicated_with_exactly_one_preferred():
    person = clean_person(
        {
            "given_names": "Ana",
            "languages": [
                {"code": "es", "preferred": False},
                {"code": "Español"},
                {"code": "Mam", "preferred": True, "needs_interpreter": "sí"},
                {"code": "por", "preferred": True},
            ],
        },
        today=TODAY,
    )
    assert [(lang.code, lang.preferred, lang.needs_interpreter) for lang in person.languages] == [
        ("spa", False, False),
        ("mam", True, True),
        ("por", False, False),
    ]


def test_first_language_is_preferred_when_none_is():
    person = clean_person(
        {"given_names": "Ana", "languages": [{"code": "hat", "preferred": False}, "fra"]},
        today=TODAY,
    )
    assert [lang.preferred for lang in person.languages] == [True, False]


def test_needs_interpreter_default_applies_to_languages():
    person = clean_person(
        {"given_names": "Ana", "languages": "hat, fra", "needs_interpreter": "yes"}, today=TODAY
    )
    assert all(lang.needs_interpreter for lang in person.languages)
    person = clean_person(
        {"given_names": "Ana", "languages": "hat", "needs_interpreter": "no"}, today=TODAY
    )
    assert not person.languages[0].needs_interpreter


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (True, True),
        (False, False),
        (None, False),
        (1, True),
        (0, False),
        ("yes", True),
        ("Sí", True),
        ("si", True),
        ("no", False),
        ("No", False),
        ("false", False),
        ("0", False),
        ("", False),
        ("TRUE", True),
        ("oui", True),
    ],
)
def test_to_bool(raw, value):
    assert to_bool(raw) is value


@pytest.mark.parametrize("raw", ["maybe", "2", 5])
def test_to_bool_rejects_unclear_answers(raw):
    with pytest.raises(ValueError, match="yes or no"):
        to_bool(raw)


def test_clean_vulnerabilities_aliases_and_dedupe():
    assert clean_vulnerabilities(
        ["Embarazada", "pregnant", "Menor no acompañado", "LGBTQ+", "Mental health condition"]
    ) == [
        "pregnant",
        "unaccompanied_child",
        "lgbtq",
        "mental_health",
    ]


def test_split_list():
    assert split_list("a; b | c,, d ") == ["a", "b", "c", "d"]
    assert split_list(["a", " b "]) == ["a", "b"]
    assert split_list(None) == []


def test_clean_contact():
    assert clean_contact("phone", " 656 123 4567 ") == "+526561234567"
    assert clean_contact("whatsapp", "+504 9876-5432") == "+50498765432"
    assert clean_contact("email", " Ana.Lopez@Example.ORG ") == "ana.lopez@example.org"
    with pytest.raises(ValueError, match="e-mail"):
        clean_contact("email", "not-an-email")
    with pytest.raises(ValueError, match="phone"):
        clean_contact("phone", "123")
    with pytest.raises(ValueError, match="kind"):
        clean_contact("fax", "123")


def test_dedupe_keys():
    assert dedupe_key("José", "Pérez", PartialDate(1990, dt.date(1990, 5, 17))) == dedupe_key(
        "PEREZ", "jose", PartialDate(1990, dt.date(1990, 5, 17))
    )
    assert dedupe_key("José", "Pérez", None) == "jose perez|"
    assert dedupe_key("José", "Pérez", PartialDate(1990)) == "jose perez|1990"


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_vulnerability_labels_in_english_and_spanish_whatever_the_active_language(language):
    from django.utils import translation

    with translation.override(language):
        assert clean_vulnerabilities(
            ["Mental health condition", "Condición de salud mental", "Niña o niño"]
        ) == [
            "mental_health",
            "child",
        ]

import pytest

from mppdesk.lib.languages import COMMON_LANGUAGES, LanguageError, language_name, normalize_language


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("spa", "spa"),
        ("SPA", "spa"),
        ("es", "spa"),
        ("Spanish", "spa"),
        ("Español", "spa"),
        ("espanol", "spa"),
        ("castellano", "spa"),
        ("English", "eng"),
        ("Inglés", "eng"),
        ("Portugués", "por"),
        ("Português", "por"),
        ("pt", "por"),
        ("Français", "fra"),
        ("Francés", "fra"),
        ("fr", "fra"),
        ("ht", "hat"),
        ("Haitian Creole", "hat"),
        ("Kreyòl", "hat"),
        ("Kreyòl ayisyen", "hat"),
        ("Criollo haitiano", "hat"),
        ("K'iche'", "quc"),
        ("K’iche’", "quc"),
        ("Kʼicheʼ", "quc"),  # modifier-letter apostrophes of Mayan orthography
        ("Quiché", "quc"),
        ("Mam", "mam"),
        ("Q'eqchi'", "kek"),
        ("Qʼeqchiʼ", "kek"),
        ("Kaqchikel", "cak"),
        ("Q'anjob'al", "kjb"),
        ("Garífuna", "cab"),
        ("Miskito", "miq"),
        ("Náhuatl", "nah"),
        ("Árabe", "ara"),
        ("Mandarín", "cmn"),
        ("Wolof", "wol"),
    ],
)
def test_codes_and_names_normalize_to_iso639_3(raw, code):
    assert normalize_language(raw) == code


@pytest.mark.parametrize("raw", ["Elvish", "xx", "ESP", "Mayan"])
def test_unknown_language_error_names_the_input(raw):
    with pytest.raises(LanguageError) as excinfo:
        normalize_language(raw)
    assert repr(raw) in str(excinfo.value)


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_empty_is_required(raw):
    with pytest.raises(LanguageError, match="required"):
        normalize_language(raw)


def test_language_name():
    assert language_name("spa") == "Spanish"
    assert language_name("hat") == "Haitian"
    assert language_name("zzz") == "zzz"


def test_common_languages_are_known_codes():
    for code in COMMON_LANGUAGES:
        assert normalize_language(code) == code

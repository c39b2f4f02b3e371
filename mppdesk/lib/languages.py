"""Languages as ISO 639-3 codes (``pycountry``), with the Spanish names used on forms,
and the reference list of indigenous languages of the Americas
(``places/reference/indigenous_languages.csv``) that screening reads."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pycountry
from django.utils.translation import gettext as _

from mppdesk.lib.text import fold

_LOCAL_NAMES = {
    "espanol": "spa",
    "castellano": "spa",
    "ingles": "eng",
    "portugues": "por",
    "frances": "fra",
    "francais": "fra",
    "criollo haitiano": "hat",
    "creole haitiano": "hat",
    "kreyol": "hat",
    "kreyol ayisyen": "hat",
    "haitian creole": "hat",
    "creole": "hat",
    "kiche": "quc",
    "k iche": "quc",
    "quiche": "quc",
    "mam": "mam",
    "qeqchi": "kek",
    "q eqchi": "kek",
    "kaqchikel": "cak",
    "garifuna": "cab",
    "miskito": "miq",
    # Two ISO 639-5 collective codes (``nah``, ``myn``): a roster often says only
    # "náhuatl" or "maya", and ISO 639-3 has no single code for either.
    "nahuatl": "nah",
    "maya": "myn",
    "mixteco": "mix",
    "zapoteco": "zap",
    "qanjobal": "kjb",
    "q anjobal": "kjb",
    "popti": "jac",
    "jakalteko": "jac",
    "awakateko": "agu",
    "tz utujil": "tzj",
    "tzutujil": "tzj",
    "poqomchi": "poh",
    "poqomam": "poc",
    "chorti": "caa",
    "ch orti": "caa",
    "itza": "itz",
    "sakapulteko": "quv",
    "sipakapense": "qum",
    "uspanteko": "usp",
    "tektiteko": "ttc",
    "mopan": "mop",
    "xinka": "xin",
    "tseltal": "tzh",
    "tsotsil": "tzo",
    "ch ol": "ctu",
    "chol": "ctu",
    "purepecha": "tsz",
    "quechua": "que",
    "kichwa": "que",
    "quichua": "que",
    "aimara": "aym",
    "guarani": "grn",
    "miskitu": "miq",
    "mayangna": "yan",
    "chuj": "cac",
    "ixil": "ixl",
    "akateko": "knj",
    "tzotzil": "tzo",
    "tzeltal": "tzh",
    "arabe": "ara",
    "ruso": "rus",
    "chino": "zho",
    "mandarin": "cmn",
    "hindi": "hin",
    "punjabi": "pan",
    "wolof": "wol",
    "lingala": "lin",
    "tigrinya": "tir",
    "amharico": "amh",
}


class LanguageError(ValueError):
    pass


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_3", None)
        if not code:
            continue
        index[code] = code
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2:
            index[alpha_2] = code
        index.setdefault(fold(language.name), code)
    index.update(_LOCAL_NAMES)
    return index


def normalize_language(raw: str) -> str:
    key = fold(raw or "")
    if not key:
        raise LanguageError(_("Language is required."))
    code = _index().get(key) or _index().get(key.replace(" ", ""))
    if code is None:
        raise LanguageError(
            _("Unknown language %(value)s; use an ISO 639-3 code (e.g. spa, por, hat, quc).")
            % {"value": repr(raw.strip())}
        )
    return code


def language_name(code: str) -> str:
    """English name of an ISO 639-3 code, or of an ISO 639-1 code (a message's "es")."""
    key = "alpha_2" if len(code) == 2 else "alpha_3"
    language = pycountry.languages.get(**{key: code})
    return str(language.name) if language else code


COMMON_LANGUAGES = ["spa", "por", "hat", "fra", "eng", "quc", "mam", "kek", "cak", "cab", "miq"]


#: The reference list: ISO 639-3 codes (and two ISO 639-5 collective codes) of
#: indigenous languages, each row with its source.
INDIGENOUS_LANGUAGES_FILE = (
    Path(__file__).resolve().parent.parent / "places" / "reference" / "indigenous_languages.csv"
)


@functools.cache
def indigenous_languages() -> frozenset[str]:
    """Codes of the reference list of indigenous languages (read once)."""
    with INDIGENOUS_LANGUAGES_FILE.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["code"].strip() for row in csv.DictReader(handle) if row["code"])

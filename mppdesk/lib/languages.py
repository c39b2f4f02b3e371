"""Languages as ISO 639-3 codes (``pycountry``), with the Spanish names used on forms."""

from __future__ import annotations

import functools

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
    "nahuatl": "nah",
    "mixteco": "mix",
    "zapoteco": "zap",
    "qanjobal": "kjb",
    "q anjobal": "kjb",
    "chuj": "cac",
    "ixil": "ixl",
    "akateko": "knj",
    "tzotzil": "tzo",
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
    language = pycountry.languages.get(alpha_3=code)
    return str(language.name) if language else code


COMMON_LANGUAGES = ["spa", "por", "hat", "fra", "eng", "quc", "mam", "kek", "cak", "cab", "miq"]

"""Text folding for search keys and header matching."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACE = re.compile(r"[\s_\-]+")
_NON_WORD = re.compile(r"[^\w ]+")
# Letters that Unicode does not decompose into a base letter and an accent, and the
# modifier-letter apostrophes of Mayan orthographies (Kʼicheʼ), which count as letters
# (\w) although they are written where other texts put an apostrophe.
_TRANSLITERATE = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "\u02bc": " ",
        "\u02bb": " ",
        "\u02b9": " ",
        "\u02bd": " ",
    }
)


def fold(text: str) -> str:
    """Lower case, strip accents, collapse separators: ``'José  Pérez'`` -> ``'jose perez'``."""
    return _fold(text or "")


# Names repeat heavily on rosters; folding was 15% of a 100,000-row import before caching.
@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _NON_WORD.sub(" ", stripped.casefold().lower().translate(_TRANSLITERATE))
    return _SPACE.sub(" ", stripped).strip()


def name_tokens(*names: str) -> list[str]:
    """Folded tokens of all given names, de-duplicated, in order."""
    seen: dict[str, None] = {}
    for name in names:
        for token in fold(name).split(" "):
            if token:
                seen.setdefault(token, None)
    return list(seen)


#: A name is searched by its beginning from this many letters on: fewer would let a search
#: list everyone whose name starts with "a".
NAME_PREFIX_MIN = 3


def word_prefixes(word: str, minimum: int = NAME_PREFIX_MIN) -> list[str]:
    """The beginnings of a folded word from ``minimum`` characters up to the whole word:
    ``'hernandez'`` -> ``['her', 'hern', ..., 'hernandez']``."""
    return [word[:length] for length in range(minimum, len(word) + 1)]

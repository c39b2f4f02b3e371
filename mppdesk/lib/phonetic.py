"""A small phonetic key for names as Spanish speakers spell them.

Intake forms are filled in by hand, by ear, often by someone other than the person:
"Hernández" arrives as "Hernandes" or "Ernández", "Yesenia" as "Llesenia", "Jiménez" as
"Ximenez" or "Gimenez", "Valverde" as "Balberde". English-centric algorithms (Soundex,
Metaphone, NYSIIS in ``jellyfish``) treat "j", "ll", "z" and "v" the English way and drop
vowels, which merges too much (Soundex: "Maria" = "Mauro") and misses the confusions above.

The key keeps vowels (Spanish vowels are stable) and merges only what sounds alike in
Latin-American Spanish:

- accents and case are ignored (``fold``); "ñ" counts as "n";
- "h" is silent ("ch" is kept as its own sound), "ph" -> "f";
- "v" and "w" -> "b";
- "z", "ce", "ci" -> "s" (seseo); "ç" folds to "c" then follows the same rule;
- "ll" and "y" before a vowel -> "y"; "y" elsewhere -> "i";
- "qu" before e/i, "q", "k", "c" before a/o/u or a consonant -> "k";
- "ge", "gi", "j" and "x" -> "j" ("Ximena" = "Jimena", "México" = "Méjico");
- "gue", "gui" -> "ge", "gi" (hard g);
- repeated letters collapse ("rr" = "r", "ss" = "s"); a final "s" is kept.
"""

from __future__ import annotations

import functools
import re

from mppdesk.lib.text import fold

_VOWELS = frozenset("aeiou")
_NON_LETTER = re.compile(r"[^a-z]+")


def phonetic_key(word: str) -> str:
    """The phonetic key of one word (empty for a word without letters)."""
    return _phonetic(fold(word))


@functools.lru_cache(maxsize=65536)
def _phonetic(folded: str) -> str:
    w = _NON_LETTER.sub("", folded)
    out: list[str] = []
    i = 0
    n = len(w)
    while i < n:
        ch = w[i]
        nxt = w[i + 1] if i + 1 < n else ""
        after = w[i + 2] if i + 2 < n else ""
        if ch == "c":
            if nxt == "h":
                out.append("C")  # "ch": a sound of its own
                i += 2
                continue
            out.append("s" if nxt in ("e", "i") else "k")
        elif ch == "h":
            pass  # silent
        elif ch == "p" and nxt == "h":
            out.append("f")
            i += 2
            continue
        elif ch in ("v", "w"):
            out.append("b")
        elif ch == "z":
            out.append("s")
        elif ch == "q":
            out.append("k")
            if nxt == "u" and after in ("e", "i"):
                i += 2
                continue
        elif ch == "l" and nxt == "l":
            out.append("y")
            i += 2
            continue
        elif ch == "y":
            out.append("y" if nxt in _VOWELS else "i")
        elif ch == "g":
            if nxt in ("e", "i"):
                out.append("j")
            elif nxt == "u" and after in ("e", "i"):
                out.append("g")
                i += 2  # skip the silent "u"
                continue
            else:
                out.append("g")
        elif ch == "x":
            out.append("j")
        else:
            out.append(ch)
        i += 1
    # Collapse runs of the same sound ("rr", "ss", "s" from "z" after "s", ...).
    key: list[str] = []
    for sound in out:
        if not key or key[-1] != sound:
            key.append(sound)
    return "".join(key).lower()

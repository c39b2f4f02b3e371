"""Checks that a page shows no time without its zone (tests only).

A time on a staff page is a ``<time>`` element followed by its zone
(``<span class="zone ...">``), as ``web/_local_time.html`` and ``hearings/_moment.html``
write it; a clock time ("09:30") anywhere else in the visible text is a bare time.
"""

from __future__ import annotations

import re

_ZONED = re.compile(r'<time\b[^>]*>.*?</time>\s*<span class="zone[^"]*">[^<]*</span>', re.S)
_TIME_ELEMENT = re.compile(r"<time\b[^>]*>.*?</time>", re.S)
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def bare_times(html: str) -> list[str]:
    """The times of ``html`` shown without their zone: ``<time>`` elements not followed
    by a zone, and clock times outside any ``<time>`` element."""
    rest = _ZONED.sub(" ", html)
    bare = _TIME_ELEMENT.findall(rest)
    text = _HIDDEN.sub(" ", _TIME_ELEMENT.sub(" ", rest))
    return bare + re.findall(r"\b\d{1,2}:\d{2}\b", text)


def zoned_times(html: str) -> list[str]:
    """The times of ``html`` shown with their zone."""
    return _ZONED.findall(html)

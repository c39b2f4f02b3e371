"""Every demo role, browsing in Spanish, sees no English words outside proper nouns.

The test loads a small demo, signs in as each demo login with ``Accept-Language: es`` and
walks the pages that role reaches from its home page by following links (one page per
URL shape: one person, one case, one hearing...), up to ``MAX_PAGES`` pages. On each page
the visible text (and the ``placeholder``, ``title`` and ``aria-label`` attributes) is
searched for words of ``ENGLISH_WORDS`` once the proper nouns of the reference and demo
data (venue, port, facility, shelter and organization names, people's names) are removed.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from mppdesk.accounts.models import User
from mppdesk.accounts.testing import verified_login

#: English words that never appear in a Spanish sentence (so no "a", "no", "Total").
ENGLISH_WORDS = frozenset(
    """
    the and of or with without for from to by in on at is are was be not your you
    this that these those there which what when where who will would should can could
    hearing hearings case cases save cancel search people person schedule scheduled
    times time date dates day days week weeks month year years next previous back
    status open closed add edit delete remove new update create created list lists
    view show hide more less all none yes details detail name names phone phones
    message messages contact contacts reminder reminders notice notices venue venues
    port ports shelter shelters transfer transfers group groups household households
    language languages country nationality document documents note notes task tasks
    audit log logs statistics settings sign logout login submit send sent filter
    export download upload import page pages home help summary report reports
    pending approved rejected cancelled failed delivered unknown none empty
    outcome outcomes docket dockets capacity free booked morning afternoon evening
    before after until since today tomorrow yesterday minutes hours
    organization organizations member members role roles user users
    """.split()
)
#: Phrases checked as they are written.
ENGLISH_PHRASES = ("Times in UTC", "No results", "Log out")

MAX_PAGES = 80
#: Pages walked per section (the first two segments of the path).
PER_SECTION = 4

#: Paths not walked: downloads, sign-out, language switch, the admin's change forms.
SKIP = re.compile(
    r"^/(accounts/logout|i18n/|static/|media/|api/|healthz|readyz|metrics)"
    r"|\.(csv|xlsx|pdf|json|ics|zip)$|/(export|download|csv|pdf|manifest)(/|$)"
    r"|^/admin/.+/.+/"
    # A message template in another language is, rightly, not Spanish.
    r"|^/messages/templates/.+/(en|pt|ht|fr)/"
)

_ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{8,32})(?=/|$)")


class _Text(HTMLParser):
    """Visible text, some attributes and same-site links of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        # Elements marked as another language (a source quoted as published) are exempt.
        self._foreign: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "template", "code", "pre"):
            self._hidden += 1
        # ... and so are codes marked translate="no" (field names of audit entries).
        foreign = values.get("lang") and not str(values["lang"]).startswith("es")
        if tag != "html" and (foreign or values.get("translate") == "no"):
            self._foreign.append(tag)
        for name in ("placeholder", "title", "aria-label"):
            if values.get(name):
                self.chunks.append(str(values[name]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "code", "pre") and self._hidden:
            self._hidden -= 1
        if self._foreign and self._foreign[-1] == tag:
            self._foreign.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._foreign:
            self.chunks.append(data)


def proper_nouns() -> list[str]:
    """Names that stay as they are in every language, longest first."""
    from mppdesk.accounts.models import Organization
    from mppdesk.people.models import Person
    from mppdesk.places.models import DetentionFacility, Port, Shelter, Venue

    names: set[str] = set()
    names.update(Venue.objects.values_list("name", flat=True))
    names.update(Port.objects.values_list("name", flat=True))
    names.update(Port.objects.values_list("report_place", flat=True))
    names.update(DetentionFacility.objects.values_list("name", flat=True))
    names.update(Shelter.objects.values_list("name", flat=True))
    names.update(Organization.objects.values_list("name", flat=True))
    names.update(User.objects.values_list("username", flat=True))
    for person in Person.objects.all()[:2000]:
        for attr in ("given_name", "family_name", "full_name"):
            value = getattr(person, attr, "")
            if isinstance(value, str) and value:
                names.add(value)
    names.update(("MPP Desk", "Twilio", "WhatsApp", "SMS", "CSV", "PDF", "XLSX", "UTC"))
    return sorted((n for n in names if n), key=len, reverse=True)


def english_words(text: str, nouns: list[str]) -> set[str]:
    """The English words of ``text``, each with a little of its context."""
    for noun in nouns:
        if noun in text:
            text = text.replace(noun, " ")
    # Codes are not words: placeholders of message templates ({date}), field and
    # metric names (report_at, people_enrolled_cumulative), ids; "in absentia" is Latin.
    text = re.sub(r"\{[a-z_]+\}|\w*_\w*|\w*\d\w*|\bin absentia\b", " ", " ".join(text.split()))
    found = {phrase for phrase in ENGLISH_PHRASES if phrase in text}
    for match in re.finditer(r"[^\W\d_]+", text):
        if match.group().lower() in ENGLISH_WORDS:
            start, end = max(match.start() - 30, 0), match.end() + 30
            found.add(f"{match.group()} «{text[start:end]}»")
    return found


def shape(path: str) -> str:
    return _ID.sub("/<id>", path)


def walk(client: Client, nouns: list[str]) -> dict[str, set[str]]:
    """Pages reachable from ``/`` (one per URL shape) → the English words they show."""
    problems: dict[str, set[str]] = {}
    # The admin index is not in the menu; a role without it gets the admin's own login.
    queue: deque[str] = deque(["/", "/admin/"])
    seen: set[str] = set(queue)
    sections: dict[str, int] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path, follow=True, HTTP_ACCEPT_LANGUAGE="es")
        visited += 1
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        words = english_words(" ".join(parser.chunks), nouns)
        if words:
            problems[path] = words
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if SKIP.search(parts.path) or shape(parts.path) in seen:
                continue
            seen.add(shape(parts.path))
            section = "/".join(parts.path.split("/")[:3])
            sections[section] = sections.get(section, 0) + 1
            if sections[section] <= PER_SECTION:
                queue.append(parts.path)
    return problems


@pytest.mark.django_db(transaction=False)
def test_every_demo_role_sees_spanish_only(settings: Any) -> None:
    from django.utils import translation

    from mppdesk.people.demo import DEMO_LOGINS, load_demo

    settings.LANGUAGE_CODE = "es"
    load_demo(people=60, households=30)
    translation.activate("es")
    nouns = proper_nouns()
    report: list[str] = []
    for login in DEMO_LOGINS:
        client = verified_login(Client(), User.objects.get(username=login.username))
        for path, words in walk(client, nouns).items():
            report.append(f"{login.username} {path}: {' | '.join(sorted(words))}")
    assert report == [], "\n".join(report)

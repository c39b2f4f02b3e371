"""Reads of people and households, always through the viewer's organization scope."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.audit.exports import ListExport, export_list
from mppdesk.cases.models import A_NUMBER_PREFIX_PURPOSE, A_NUMBER_PURPOSE, CaseMember
from mppdesk.core.access import get_visible_or_404, require_owner_write
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.core.sorting import SortColumn, Sorting
from mppdesk.lib.anumber import PREFIX_MAX as ANUMBER_PREFIX_MAX
from mppdesk.lib.anumber import PREFIX_MIN as ANUMBER_PREFIX_MIN
from mppdesk.lib.anumber import ANumberError, anumber_fragment, normalize_anumber
from mppdesk.lib.crypto import lookup_digests
from mppdesk.lib.phones import PhoneError, normalize_phone
from mppdesk.lib.text import NAME_PREFIX_MIN, name_tokens
from mppdesk.people import token_sets
from mppdesk.people.models import (
    CONTACT_PURPOSE,
    DEDUPE_PURPOSE,
    ContactPoint,
    Household,
    Person,
    PersonNameToken,
)
from mppdesk.people.services import prefix_lookup_digests, word_lookup_digests

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


#: The orders of the people list (``?sort=``). Names are ciphertext in the database and
#: cannot be sorted there; the default walks the ``person_newest_first`` index.
PEOPLE_SORTING = Sorting(
    [
        SortColumn("registered", gettext_lazy("Registered"), ("created_at",)),
        SortColumn("nationality", gettext_lazy("Nationality"), ("nationality",)),
    ],
    default="-registered",
    tiebreak=("id",),
)


def people_for(user: User | None) -> QuerySet[Person]:
    return Person.objects.visible_to(user)


def get_person(user: User | None, pk: Any) -> Person:
    """The person with ``pk`` if ``user`` may see them, else ``Http404``."""
    return get_visible_or_404(Person.objects.all(), user, pk)


#: What a read of one person is filed as, on every channel (web page, API, CLI): the
#: registry fields either of them shows.
PERSON_VIEW_FIELDS = [
    "given_names", "family_names", "other_names", "birth_date", "sex", "nationality",
    "languages", "vulnerabilities", "contact_points", "household", "cases",
]  # fmt: skip
#: What a list or search result shows of each person (the API's page of people).
PERSON_LIST_FIELDS = [
    "given_names", "family_names", "other_names", "birth_date", "sex", "nationality",
    "languages", "vulnerabilities", "contact_points",
]  # fmt: skip
HOUSEHOLD_VIEW_FIELDS = ["lead", "port", "members"]

#: What a page shows of a person it names in a row or a link (the people list, the person
#: page's household, cases and possible duplicates): the names and the birth, and the
#: owning organization a view is recorded under. Read with ``.only``, a row does not read
#: or decrypt the other names, the notes or the vulnerabilities it does not show.
PERSON_NAME_FIELDS = (
    "id", "organization", "given_names", "family_names", "birth_date", "birth_year",
)  # fmt: skip
#: A row of the people list (people/_results.html): the names and the birth, the
#: nationality and the day the person was registered.
PERSON_ROW_FIELDS = (*PERSON_NAME_FIELDS, "nationality", "created_at")


def get_person_for_view(
    actor: User | None, pk: Any, *, within: Callable[[Person], Person] | None = None
) -> Person:
    """One person (``Http404`` if not visible) for display; records the read in the audit
    log under the person's owning organization, the same entry on every channel.
    ``within`` narrows visibility further before anything is recorded (an API token's
    organization). The household (a field of the view) comes in the same query."""
    person: Person = get_visible_or_404(
        Person.objects.select_related("household_membership__household__port"), actor, pk
    )
    if within is not None:
        person = within(person)
    audit.record_view(
        actor=actor, obj=person, object_type=ObjectType.PERSON, fields=PERSON_VIEW_FIELDS
    )
    return person


def record_people_listed(actor: User | None, people: Iterable[Person]) -> None:
    """The people of a list or search page were shown: one view entry each, filed under
    each person's owning organization."""
    audit.record_list_view(
        actor=actor, objects=people, object_type=ObjectType.PERSON, fields=PERSON_LIST_FIELDS
    )


def may_edit(user: User | None, organization_id: int) -> bool:
    """Whether ``user`` may change the registry records of ``organization_id`` (a record
    shared with the user's organization by a referral is read-only there)."""
    return can(user, Action.PERSON_WRITE, organization_id)


def get_person_for_update(user: User | None, pk: Any) -> Person:
    """The person if ``user`` may change them (owning organization); 404 or 403."""
    person: Person = require_owner_write(user, get_person(user, pk))
    return person


def households_for(user: User | None) -> QuerySet[Household]:
    return Household.objects.visible_to(user)


def get_household(user: User | None, pk: Any) -> Household:
    return get_visible_or_404(Household.objects.select_related("lead", "port"), user, pk)


def get_household_for_view(
    actor: User | None, pk: Any, *, within: Callable[[Household], Household] | None = None
) -> Household:
    """One household (``Http404`` if not visible) for display; records the read under the
    household's owning organization, the same entry on every channel."""
    household = get_household(actor, pk)
    if within is not None:
        household = within(household)
    audit.record_view(
        actor=actor, obj=household, object_type=ObjectType.HOUSEHOLD, fields=HOUSEHOLD_VIEW_FIELDS
    )
    return household


def get_household_for_update(user: User | None, pk: Any) -> Household:
    household: Household = require_owner_write(user, get_household(user, pk))
    return household


def search_people(user: User | None, query: str) -> QuerySet[Person]:
    """The people ``query`` finds among those ``user`` may see (``find_people``)."""
    return find_people(user, query).people


@dataclass(frozen=True)
class Found:
    """What a search found: ``people``, and ``sample``, some of them that are cheap to
    count (or None): the people among the first ``COUNT_SAMPLE`` of each common word's,
    or some thousands found with every word (``_name_conditions``), for telling that a
    search finds more than a list page numbers (``at_least``)."""

    people: QuerySet[Person]
    sample: QuerySet[Person] | None = None

    def at_least(self, count: int) -> bool:
        """True when the sample alone shows that ``people`` holds ``count`` or more;
        False when it cannot tell (count ``people`` then)."""
        # Unordered: the database stops at ``count`` rows instead of sorting the sample.
        return self.sample is not None and self.sample.order_by()[:count].count() >= count


def find_people(user: User | None, query: str) -> Found:
    """A-number (whole or its first digits), phone number (exact) or name (every word,
    accents ignored, whole or its beginning).

    Everything is matched through blind indexes (the columns themselves are encrypted):
    a name word matches a whole word of the given, family or other names, exactly or by
    its Spanish phonetic key ("Hernandes" finds "Hernández"), or the beginning of one
    ("Hern" finds "Hernández") from ``NAME_PREFIX_MIN`` letters on. A run of 4 to 7 digits
    matches the cases whose 9-digit A-number starts with them ("01234" finds
    A012-345-678); 8 or 9 digits are a whole A-number. Each value is looked up under every
    index key version (``crypto.lookup_digests``), so search keeps working while
    ``mppdesk keys rotate-index`` runs.

    A query too short to narrow anything (a name of fewer than 3 letters and nothing
    else, fewer than 4 digits) raises ``FieldErrors`` on ``q``: it would list nearly
    everyone in the viewer's scope.
    """
    people = people_for(user)
    text = (query or "").strip()
    if not text:
        return Found(people)
    fragment = anumber_fragment(text)
    if fragment is not None and len(fragment) < ANUMBER_PREFIX_MIN:
        raise FieldErrors(
            {
                "q": [
                    _("Type at least %(count)s digits of an A-number.")
                    % {"count": ANUMBER_PREFIX_MIN}
                ]
            }
        )
    if fragment is not None and len(fragment) <= ANUMBER_PREFIX_MAX:
        condition = Q(
            pk__in=CaseMember.objects.filter(
                **{
                    f"case__a_number_p{len(fragment)}_bidx__in": lookup_digests(
                        A_NUMBER_PREFIX_PURPOSE, fragment
                    )
                }
            ).values("person_id")
        )
        if sum(ch.isdigit() for ch in text) >= 7:
            condition |= _phone_condition(text)
        return Found(people.filter(condition))
    if sum(ch.isdigit() for ch in text) >= 7:
        # An 8-digit Central American phone number is also a valid 8-digit A-number, so
        # a query that reads as both finds either.
        # Each identifier is matched through its own indexed subquery; an OR across two
        # joins made PostgreSQL scan (6 ms at 50,000 people against 0.2 ms for the index).
        condition = Q(pk__in=[])
        try:
            digits = normalize_anumber(text)
        except ANumberError:
            pass
        else:
            condition |= Q(
                pk__in=CaseMember.objects.filter(
                    case__a_number_bidx__in=lookup_digests(A_NUMBER_PURPOSE, digits)
                ).values("person_id")
            )
        return Found(people.filter(condition | _phone_condition(text)))
    words = name_tokens(text)
    if not words:
        return Found(people)
    if all(len(word) < NAME_PREFIX_MIN for word in words):
        raise FieldErrors(
            {"q": [_("Type at least %(count)s letters of a name.") % {"count": NAME_PREFIX_MIN}]}
        )
    per_word = []
    for word in words:
        digests = word_lookup_digests(word)
        if len(word) >= NAME_PREFIX_MIN:
            digests += prefix_lookup_digests(word)
        per_word.append(digests)
    condition, sample = _name_conditions(per_word)
    return Found(people.filter(condition), None if sample is None else people.filter(sample))


#: A search word held by at most this many name tokens (about 10,000 people: a word has a
#: token for itself and one as a beginning) narrows the search by its people's ids; see
#: ``_name_conditions``.
NAME_PROBE = 20_000
#: The people several common words name together are kept as ids up to this many.
NAME_PROBE_BOTH = 5000


def _name_conditions(per_word: list[tuple[str, ...]]) -> tuple[Q, Q | None]:
    """People who have a token of every word (``per_word``: each word's digests), and
    where a word stays common, a narrower condition for counting (``Found.sample``): the
    first ``NAME_PROBE_BOTH`` + 1 people found with every word when there are more than
    that; else, on PostgreSQL, those among the first ``COUNT_SAMPLE`` people of each
    common word in id order.

    Left to itself the database walks the people newest first and probes each one's
    tokens: quick when a word is common, but a word that names no one (a misspelling)
    walked all 1,000,000 people to count the matches, 4.2 s, and a word naming 3,000 of
    them 0.4-0.7 s. So each word's people are looked up first (``_people_named``): the
    words with few enough people (a miss, a rare name, one of the middle kind) give
    the candidates as ids (their intersection, often empty: no query at all), and only
    the common words stay subqueries, probed for those candidates alone. When every word
    is common, the people they name together are one set (up to ``NAME_PROBE_BOTH`` ids);
    past that the walk finds matches often enough, and the set read is the sample.
    """
    candidates: set[Any] | None = None
    common = []
    for digests in per_word:
        found = _people_named(digests)
        if found is None:
            common.append(digests)
        else:
            candidates = found if candidates is None else candidates & found
    named_by_all: set[Any] | None = None
    if candidates is None and len(common) > 1:
        # Only common words ("María Hernández"): the people who have them all, as one
        # set over the token index (``_people_with_all``), kept as ids when it is small
        # enough; the walk probing each word per person counted such a search in 1.5 s.
        both = _people_with_all(common, NAME_PROBE_BOTH + 1)
        if len(both) <= NAME_PROBE_BOTH:
            candidates, common = set(both), []
        else:
            # More than that: the words are walked, and these people, who have every
            # word, are the sample a list page counts first. The first people of each
            # word in id order barely overlap ("Jean García": 13 ms for too few, then
            # 95 ms to count in full); these are all found people.
            named_by_all = set(both)
    if candidates and common:
        # Rare words and common ones ("Xochiquetzal Hernández"): the common words narrow
        # the candidates here, once, rather than being probed for every candidate twice
        # (the count and the page): 3,000 candidates took 116-137 ms that way, 61 ms so.
        for digests in common:
            candidates &= set(_holders(digests).filter(_among(candidates, "person_id")))
        common = []
    condition = Q() if candidates is None else _among(candidates)
    sample = condition
    for digests in common:
        condition &= Q(pk__in=_holders(digests))
        sample &= Q(pk__in=_first_holders(digests))
    if named_by_all is not None:
        return condition, _among(named_by_all)
    return condition, (sample if common and connection.vendor == "postgresql" else None)


def _people_named(digests: tuple[str, ...]) -> set[Any] | None:
    """The ids of the people who have one of the tokens ``digests``, or None when the
    word is common (more than ``NAME_PROBE`` tokens).

    The tokens are counted first, up to the cap, from the index alone (about 4 ms at the
    cap at 1,000,000 people; a word that names nobody ends there). At 1,000,000 people a
    word naming 3,000 people took 0.4-0.7 s to count by walking, and about 60 ms for the
    page and its count by its ids; past about 5,000 people the walk is as quick
    (docs/benchmarks.md). A word found common lately is not counted again (``_COMMON``).
    """
    key = (digests, NAME_PROBE)
    if _COMMON.get(key, 0.0) > time.monotonic():
        return None
    counted = _holders(digests)[: NAME_PROBE + 1].count()
    if counted > NAME_PROBE:
        if len(_COMMON) >= COMMON_KEPT:
            _COMMON.clear()
        _COMMON[key] = time.monotonic() + COMMON_FOR_SECONDS
        return None
    return set(_holders(digests)) if counted else set()


#: Words found common lately, in this process: their digests and the probe they were
#: counted against, with when the verdict runs out. Whether a word is common decides how
#: a search is planned, never whom it finds (``_name_conditions`` gives the same people
#: either way), so a verdict some minutes old is safe; it spares each search of "García"
#: counting 20,000 tokens (about 4 ms of PostgreSQL a word). Blind-index digests only.
#: Shared by every user of the process: a search may come back those 4 ms sooner because
#: someone, of any organization, searched a word of more than 10,000 people in the last
#: minutes, which the timing of such a word already told before (docs/security.md).
_COMMON: dict[tuple[tuple[str, ...], int], float] = {}
COMMON_FOR_SECONDS = 300.0
COMMON_KEPT = 4096


def forget_common_words() -> None:
    """Drop the remembered verdicts (tests that change the probe or the names)."""
    _COMMON.clear()


def _people_with_all(per_word: list[tuple[str, ...]], limit: int) -> list[Any]:
    """The ids of up to ``limit`` people who have a token of every word (``per_word``).

    On PostgreSQL from each person's tokens as one array under a GIN index
    (``people.token_sets``), which intersects the words' compressed lists of people
    itself: "María Hernández" at 1,000,000 people (33,000 people of one word, 71,000 of
    the other, 2,322 with both) in 9 ms, against 60-75 ms for merging the words' ordered
    runs of the token index and 71 ms for ``INTERSECT`` (docs/benchmarks.md).
    Elsewhere: ``INTERSECT``.
    """
    if connection.vendor != "postgresql":
        first, *others = [_holders(digests) for digests in per_word]
        return list(first.intersection(*others)[:limit])
    return token_sets.people_with_all(per_word, limit)


#: How many of a common word's people (in id order) a list page's count looks at first.
COUNT_SAMPLE = 5000


def _ordered_runs(digests: tuple[str, ...]) -> str:
    """SQL of the ids of the people who have one of the tokens ``digests``, without
    repeats, in id order: one ordered run of the token index per digest, merged
    (PostgreSQL; one ``%s`` per digest)."""
    table = connection.ops.quote_name(PersonNameToken._meta.db_table)
    # Only the quoted table name and placeholders go into the text; the digests are bound.
    run = f"SELECT person_id FROM {table} WHERE bidx = %s ORDER BY person_id"  # noqa: S608
    if len(digests) == 1:
        return f"SELECT DISTINCT person_id FROM ({run}) r"  # noqa: S608
    # One ORDER BY per parenthesized run, and one over them all: a merge of ordered runs.
    runs = " UNION ALL ".join(f"({run})" for _ in digests)
    return f"SELECT DISTINCT person_id FROM ({runs} ORDER BY person_id) r"  # noqa: S608


def _first_holders(digests: tuple[str, ...]) -> RawSQL:
    """The first ``COUNT_SAMPLE`` people, in id order, who have one of ``digests``.

    Counting a common word's people up to a list's cap, PostgreSQL walks the people in id
    order against the whole token run of the word (a surname: 15 ms at 1,000,000 people),
    however few it needs. Over a bounded, ordered sample of the word's people it stops at
    the cap (about 1.5 ms); when the viewer sees too few of the sample, the list counts as
    before (``Found.at_least``)."""
    return RawSQL(  # noqa: S611 - the table name and placeholders only, values bound
        # The ORDER BY beside the LIMIT: the first people, whatever plan DISTINCT gets.
        f"SELECT person_id FROM ({_ordered_runs(digests)} ORDER BY person_id LIMIT %s) s",  # noqa: S608
        (*digests, COUNT_SAMPLE),
    )


def _among(ids: set[Any], field: str = "pk") -> Q:
    """Rows whose ``field`` (the people's ids) is one of ``ids``.

    On PostgreSQL the ids go as one array parameter: as ``IN (%s, %s, ...)`` each of
    5,000 ids was a parameter that Django and psycopg prepared and spliced one by one
    (about 25 ms of Python per query, twice a page: the count and the rows). No ids: an
    empty ``IN``, which Django answers without a query.
    """
    if ids and connection.vendor == "postgresql":
        # One array literal ('{id,id,...}': ids are hex and dashes): handed as a list,
        # psycopg checked each of the 2,400 elements for quoting (about 3 ms a query).
        literal = "{" + ",".join(sorted(map(str, ids))) + "}"
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::uuid[])", (literal,))})
    return Q(**{f"{field}__in": sorted(ids)})


def _holders(digests: tuple[str, ...]) -> QuerySet[PersonNameToken, Any]:
    """The ids of the people who have one of the name tokens ``digests``."""
    return PersonNameToken.objects.filter(bidx__in=digests).values_list("person_id", flat=True)


def _phone_condition(text: str) -> Q:
    try:
        phone = normalize_phone(text)
    except PhoneError:
        return Q(pk__in=[])
    return Q(
        pk__in=ContactPoint.objects.filter(
            value_bidx__in=lookup_digests(CONTACT_PURPOSE, phone)
        ).values("person_id")
    )


#: What a people export holds of each person (its audit entries name these fields).
PERSON_EXPORT_FIELDS = [
    "given_names", "family_names", "other_names", "birth_date", "sex", "nationality", "cases",
]  # fmt: skip


def export_people(actor: User | None, people: QuerySet[Person]) -> ListExport:
    """The people list (``people``: scoped, searched, filtered and sorted like the page)
    as CSV: the people of the organizations where ``actor`` may export, up to the cap,
    each recorded as exported (``audit.exports.export_list``)."""
    from mppdesk.cases.queries import cases_for

    visible = CaseMember.objects.filter(case__in=cases_for(actor)).select_related("case")
    people = people.prefetch_related(
        Prefetch("case_memberships", queryset=visible, to_attr="exported_case_memberships")
    )

    def cells(person: Person) -> list[Any]:
        return [
            person.pk, person.family_names, person.given_names,
            "; ".join(person.other_names or []), person.birth_display, person.sex,
            person.nationality,
            " ".join(m.case.a_number_display for m in person.exported_case_memberships),  # type: ignore[attr-defined]
            person.created_at.date(),
        ]  # fmt: skip

    return export_list(
        actor=actor,
        rows=people,
        filename="people.csv",
        header=[
            "id",
            _("family names"),
            _("given names"),
            _("other names"),
            _("date of birth"),
            _("sex"),
            _("nationality"),
            _("A-number"),
            _("Registered"),
        ],  # fmt: skip
        cells=cells,
        object_type=ObjectType.PERSON,
        fields=PERSON_EXPORT_FIELDS,
    )


def possible_duplicates(person: Person) -> QuerySet[Person]:
    """Other people of the same organization with the same normalized name and birth,
    with their names and birth only (``PERSON_NAME_FIELDS``)."""
    if not person.dedupe_bidx:
        return Person.objects.none()
    # From the plaintext, not the stored digest: during an index key rotation the others
    # may hold theirs under another version.
    digests = lookup_digests(DEDUPE_PURPOSE, person.dedupe_material)
    return (
        Person.objects.filter(organization_id=person.organization_id, dedupe_bidx__in=digests)
        .exclude(pk=person.pk)
        .only(*PERSON_NAME_FIELDS)
    )


def household_of(person: Person) -> Household | None:
    membership = getattr(person, "household_membership", None)
    return membership.household if membership else None

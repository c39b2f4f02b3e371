"""Erasure of a person's data and the retention purge.

Every app removes its own part of a person's data: it registers an eraser
(``core.registry``, one ``erasure.py`` per app) naming the models it covers, and a
system check (``core.checks``) fails for any model holding personal data that no
eraser covers. ``erase_person`` runs them all in one transaction, so an erasure is
all or nothing.

The registry record, the case rows and the case timeline are kept with their ids and
every personal value in them overwritten, so that the audit log, whose entries name
objects only by id, still points at existing rows and statistics still add up. Before
the values go, the person's coarse attributes are added to the ``ErasedCaseStat``
aggregate. What each app erases: docs/retention.md.

Writes go through model attributes, never raw SQL: personal columns are encrypted at
rest and the models encrypt on save.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.cases.erasure import ERASED_ANUMBER_PREFIX, is_erased_anumber
from mppdesk.cases.models import CaseMember, CaseStatus
from mppdesk.core import registry
from mppdesk.core.errors import FieldErrors
from mppdesk.people.erasure import ERASED_GIVEN_NAMES, ERASED_VALUES, PERSON_FIELDS_ERASED
from mppdesk.people.models import Person
from mppdesk.privacy.models import ErasedCaseStat, Erasure

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

__all__ = [
    "ERASED_ANUMBER_PREFIX",
    "ERASED_GIVEN_NAMES",
    "ERASED_VALUES",
    "PERSON_FIELDS_ERASED",
    "PurgeResult",
    "erase_person",
    "expired_people",
    "is_erased",
    "is_erased_anumber",
    "purge",
    "retention_cutoff",
]

Progress = Callable[[int, int], None]


def is_erased(person: Person) -> bool:
    return Erasure.objects.filter(person_id=person.pk).exists()


def erased_among(person_ids: Iterable[Any]) -> set[Any]:
    """Which of these person ids have been erased (in this transaction too)."""
    ids = list(person_ids)
    if not ids:
        return set()
    return set(Erasure.objects.filter(person_id__in=ids).values_list("person_id", flat=True))


def _birth_years(year: int | None) -> str:
    """Five-year bucket, e.g. 1987 -> "1985-1989"."""
    if not year:
        return ""
    start = year - year % 5
    return f"{start}-{start + 4}"


def _month(day: dt.date | None) -> str:
    return f"{day:%Y-%m}" if day else ""


def _count_stat(**cell: Any) -> None:
    # get_or_create retries the get after an IntegrityError from a concurrent insert;
    # the increment is an UPDATE ... SET count = count + 1, so concurrent erasures add up.
    stat, _created = ErasedCaseStat.objects.get_or_create(**cell)
    ErasedCaseStat.objects.filter(pk=stat.pk).update(count=F("count") + 1)


def _record_stats(person: Person, memberships: list[CaseMember]) -> None:
    birth_date: Any = person.birth_date
    base = {
        "organization_id": person.organization_id,
        "nationality": person.nationality or "",
        "sex": person.sex or "",
        "birth_years": _birth_years(person.birth_year or (birth_date.year if birth_date else None)),
    }
    if not memberships:
        _count_stat(**base)
        return
    for member in memberships:
        case = member.case
        _count_stat(
            **base,
            role=member.role,
            program_version=case.program_version or "",
            venue_code=case.venue.code if case.venue else "",
            port_code=case.port.code if case.port else "",
            case_status=case.status or "",
            opened_month=_month(case.opened_on),
            closed_month=_month(case.closed_on),
        )


@transaction.atomic
def erase_person(*, actor: User | None, person: Person, reason: str) -> Erasure:
    """Remove every personal value held about ``person``, in every app, and record the
    erasure; all in one transaction (an eraser that fails leaves nothing half-erased).

    Adds the person's coarse attributes to ``ErasedCaseStat`` first, writes the
    ``Erasure`` row, then runs the registered erasers in their order (see
    ``core.registry`` and docs/retention.md for what each removes). The audit log is
    kept: its entries hold ids, never values.
    Raises ``FieldErrors`` if the person was already erased or the reason is unknown.
    """
    if reason not in Erasure.Reason.values:
        raise FieldErrors(
            {
                "reason": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(Erasure.Reason.values)}
                ]
            }
        )
    person = Person.objects.select_for_update().select_related("organization").get(pk=person.pk)
    if Erasure.objects.filter(person_id=person.pk).exists():
        raise FieldErrors({"person": [_("This person's personal data has already been erased.")]})

    memberships = list(
        CaseMember.objects.filter(person=person)
        .select_related("case", "case__venue", "case__port")
        .order_by("case__opened_on", "case_id")
    )
    _record_stats(person, memberships)
    # Written before the erasers run: they ask ``erased_among`` whether everyone on a
    # shared case is erased by now, this person included.
    erasure = Erasure.objects.create(
        person_id=person.pk,
        organization=person.organization,
        erased_at=timezone.now(),
        reason=reason,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    context = registry.ErasureContext(
        person=person, actor=actor, reason=reason, erased_among=erased_among
    )
    for eraser in registry.erasers:
        eraser.erase(context)
    return erasure


# --- retention ----------------------------------------------------------------------


def retention_cutoff(now: dt.datetime | None = None, days: int | None = None) -> dt.date | None:
    """Cases closed before this day are past retention; ``None`` when purge is disabled."""
    days = settings.MPPDESK_RETENTION_DAYS if days is None else days
    if days <= 0:
        return None
    return timezone.localdate(now or timezone.now()) - dt.timedelta(days=days)


def expired_people(now: dt.datetime | None = None, days: int | None = None) -> QuerySet[Person]:
    """People with at least one case, all of them closed before the retention cutoff,
    not yet erased. People who never had a case are not purged by retention."""
    cutoff = retention_cutoff(now, days)
    if cutoff is None:
        return Person.objects.none()
    # EXISTS, not IN: PostgreSQL runs ``NOT IN (subquery)`` as a re-scan per person once
    # the subquery outgrows work_mem (over an hour at 1,000,000 people); ``NOT EXISTS``
    # is an anti-join (seconds), and has no NULL trap.
    members = CaseMember.objects.filter(person_id=OuterRef("pk"))
    blocking = members.filter(
        ~Q(case__status=CaseStatus.CLOSED)
        | Q(case__closed_on__isnull=True)
        | Q(case__closed_on__gte=cutoff)
    )
    return (
        Person.objects.filter(Exists(members))
        .exclude(Exists(blocking))
        .exclude(Exists(Erasure.objects.filter(person_id=OuterRef("pk"))))
        .order_by("created_at", "id")
    )


@dataclass
class PurgeResult:
    retention_days: int
    cutoff: dt.date | None
    people: int = 0
    cases: int = 0
    dry_run: bool = False

    @property
    def disabled(self) -> bool:
        return self.cutoff is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "retention_days": self.retention_days,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "people": self.people,
            "cases": self.cases,
            "dry_run": self.dry_run,
        }


def purge(
    *,
    actor: User | None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = 200,
) -> PurgeResult:
    """Erase everyone past the retention period, ``batch_size`` people at a time.

    Each person is erased in their own transaction, so an interrupted purge keeps what
    it did and the next run carries on with the rest. ``cases`` counts the distinct
    cases of the people concerned. With ``dry_run`` nothing is written.
    """
    days = settings.MPPDESK_RETENTION_DAYS
    cutoff = retention_cutoff(now, days)
    result = PurgeResult(retention_days=days, cutoff=cutoff, dry_run=dry_run)
    if cutoff is None:
        return result
    ids = list(expired_people(now, days).values_list("pk", flat=True))
    result.cases = (
        CaseMember.objects.filter(person_id__in=ids).values("case_id").distinct().count()
        if ids
        else 0
    )
    total = len(ids)
    if dry_run:
        result.people = total
        return result
    if progress:
        progress(0, total)
    done = 0
    for start in range(0, total, batch_size):
        batch = Person.objects.filter(pk__in=ids[start : start + batch_size]).order_by(
            "created_at", "id"
        )
        for person in batch:
            try:
                erase_person(actor=actor, person=person, reason=Erasure.Reason.RETENTION)
            except FieldErrors:  # erased meanwhile by someone else
                pass
            else:
                result.people += 1
            done += 1
        if progress:
            progress(done, total)
    return result

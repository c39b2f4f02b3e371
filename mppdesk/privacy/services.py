"""Erasure of a person's data and the retention purge.

Erasing keeps the rows (a ``Person``, its ``Case`` rows, ``CaseMember`` links,
``CaseEvent`` kinds and times) and overwrites every personal value in them, so that
the audit log, whose entries name objects only by id, still points at existing rows
and statistics still add up. Before the values go, the person's coarse attributes are
added to the ``ErasedCaseStat`` aggregate. See docs/retention.md.

Writes go through model attributes, never raw SQL: personal columns are encrypted at
rest and the models encrypt on save.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseEvent, CaseMember, CaseStatus
from mppdesk.people import services as people_services
from mppdesk.people.models import Person, Sex
from mppdesk.people.validation import FieldErrors
from mppdesk.privacy import conf
from mppdesk.privacy.models import ErasedCaseStat, Erasure

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

# What an erased person's registry fields become.
ERASED_GIVEN_NAMES = "—"
# An erased case's A-number: "X" and 8 random digits. It is not a valid A-number (those
# are 9 digits), so no search, import or self-service lookup can ever match it, and it
# still fits the column and the one-A-number-per-organization constraint.
ERASED_ANUMBER_PREFIX = "X"

# Neutral values for the registry fields (callables give a fresh list each time).
ERASED_VALUES: dict[str, Any] = {
    "given_names": ERASED_GIVEN_NAMES,
    "family_names": "",
    "other_names": list,
    "birth_date": None,
    "birth_year": None,
    "sex": Sex.UNKNOWN,
    "nationality": "",
    "vulnerabilities": list,
    "notes": "",
}
PERSON_FIELDS_ERASED = [
    "given_names", "family_names", "other_names", "birth_date", "sex", "nationality",
    "vulnerabilities", "notes", "languages", "contact_points",
]  # fmt: skip

Progress = Callable[[int, int], None]


def is_erased_anumber(value: str | None) -> bool:
    return bool(value) and str(value).startswith(ERASED_ANUMBER_PREFIX)


def is_erased(person: Person) -> bool:
    return Erasure.objects.filter(person_id=person.pk).exists()


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


def _erase_anumber(case: Case) -> None:
    """Replace the A-number with a random placeholder that keeps per-org uniqueness."""
    for _attempt in range(20):
        case.a_number = ERASED_ANUMBER_PREFIX + f"{secrets.randbelow(10**8):08d}"
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:  # one in 10^8 per erased case of the organization: try again
            continue
        return
    raise RuntimeError("could not find a free placeholder A-number")


def _clear_legacy_keys(person: Person) -> None:
    # search_key/dedupe_key are being replaced by blind indexes; clear them while they exist.
    names = {f.name for f in Person._meta.get_fields()}
    for name in ("search_key", "dedupe_key"):
        if name in names:
            setattr(person, name, "")


@transaction.atomic
def erase_person(*, actor: User | None, person: Person, reason: str) -> Erasure:
    """Overwrite every personal value held about ``person`` and record the erasure.

    Keeps the ids of the person, their cases and the case timeline; deletes contact
    points and languages; adds the person's coarse attributes to ``ErasedCaseStat``.
    Case event summaries (free text that may name anyone on the case) of every case
    the person is on are blanked. A case's A-number is replaced by a placeholder once
    nobody on the case still has personal data (the others need it for their hearings).
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

    # An erased person is shared with nobody: open referrals are revoked, their notes blanked.
    from mppdesk.sharing.services import revoke_all_for_person

    revoke_all_for_person(actor=actor, person=person)
    # Hearing texts (continuance reasons, notice addresses, follow-up notes) of the
    # person's cases may name them: blanked with the case event summaries below.
    from mppdesk.hearings.services import erase_hearing_texts

    for membership in memberships:
        erase_hearing_texts(actor=actor, case=membership.case)

    contact_ids = list(person.contact_points.values_list("pk", flat=True))
    person.contact_points.all().delete()
    person.languages.all().delete()
    for name, value in ERASED_VALUES.items():
        setattr(person, name, value() if callable(value) else value)
    _clear_legacy_keys(person)
    person.save()
    reindex = getattr(people_services, "reindex_person", None)
    if reindex is not None:
        reindex(person)

    now = timezone.now()
    erasure = Erasure.objects.create(
        person_id=person.pk,
        organization=person.organization,
        erased_at=now,
        reason=reason,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.record(
        actor=actor,
        organization=person.organization,
        action="delete",
        object_type="person",
        object_id=person.pk,
        fields=PERSON_FIELDS_ERASED,
    )
    if contact_ids:
        audit.record_many(
            actor=actor,
            organization=person.organization,
            action="delete",
            object_type="contact_point",
            object_ids=contact_ids,
            fields=["kind", "value", "consent"],
        )

    case_ids = [m.case_id for m in memberships]
    erased_ids = set(
        Erasure.objects.filter(
            person_id__in=CaseMember.objects.filter(case_id__in=case_ids).values("person_id")
        ).values_list("person_id", flat=True)
    )
    for member in memberships:
        case = Case.objects.select_for_update().get(pk=member.case_id)
        fields = []
        # Summaries are encrypted: compare in Python, not in SQL.
        blanked = 0
        for event in CaseEvent.objects.filter(case=case):
            if event.summary:
                event.summary = ""
                event.save(update_fields=["summary"])
                blanked += 1
        if blanked:
            fields.append("events")
        remaining = CaseMember.objects.filter(case=case).exclude(person_id__in=erased_ids)
        if not remaining.exists() and not is_erased_anumber(case.a_number):
            _erase_anumber(case)
            fields.append("a_number")
        if fields:
            audit.record(
                actor=actor,
                organization=case.organization,
                action="update",
                object_type="case",
                object_id=case.pk,
                fields=fields,
            )
    return erasure


# --- retention ----------------------------------------------------------------------


def retention_cutoff(now: dt.datetime | None = None, days: int | None = None) -> dt.date | None:
    """Cases closed before this day are past retention; ``None`` when purge is disabled."""
    days = conf.retention_days() if days is None else days
    if days <= 0:
        return None
    return timezone.localdate(now or timezone.now()) - dt.timedelta(days=days)


def expired_people(now: dt.datetime | None = None, days: int | None = None) -> QuerySet[Person]:
    """People with at least one case, all of them closed before the retention cutoff,
    not yet erased. People who never had a case are not purged by retention."""
    cutoff = retention_cutoff(now, days)
    if cutoff is None:
        return Person.objects.none()
    blocking = CaseMember.objects.filter(
        ~Q(case__status=CaseStatus.CLOSED)
        | Q(case__closed_on__isnull=True)
        | Q(case__closed_on__gte=cutoff)
    ).values("person_id")
    return (
        Person.objects.filter(pk__in=CaseMember.objects.values("person_id"))
        .exclude(pk__in=blocking)
        .exclude(pk__in=Erasure.objects.values("person_id"))
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
    days = conf.retention_days()
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

"""All writes to detentions, transfer groups and movements.

Each public function takes a keyword-only ``actor``, runs in one transaction and writes
its audit entries. ``actor=None`` is the system (demo data) and skips role checks;
otherwise the actor needs ``transfer.manage`` in the group's organization
(``PermissionDenied`` else). Bad input is ``FieldErrors`` naming the field; messages
never hold personal data.

Life of a group: ``plan_group`` (planned) -> ``approve_group`` (approved: shelter places
are taken with ``places.services.reserve_shelter``, atomically) -> ``depart_group``
(departed) -> ``arrive_group`` (arrived: ``returned`` and ``at_shelter`` movements, the
detentions end). ``cancel_group`` from planned or approved gives the places back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.people.models import HouseholdMember, Person
from mppdesk.places import services as places
from mppdesk.places.models import DetentionFacility, Port, Shelter
from mppdesk.screening import engine
from mppdesk.transfers import planning, queries
from mppdesk.transfers.models import (
    ACTIVE_STATUSES,
    DEFAULT_STAY_NIGHTS,
    Detention,
    GroupStatus,
    MovementEvent,
    MovementKind,
    TransferGroup,
    TransferMember,
)

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

MAX_TARGET = 5000
MAX_NAME = 200
#: Rule code of members excluded because of another member of their household.
RULE_HOUSEHOLD = "household_review"
#: Rule code of a household with a member held elsewhere or in another group.
RULE_FAMILY_ELSEWHERE = "family_elsewhere"
#: Rule code, at approval, of an included person no longer held where the bus picks up.
RULE_NOT_DETAINED = "not_detained"
GROUP_FIELDS = [
    "name", "date", "facilities", "port", "receiving_city", "target_size", "rules_version",
    "stay_nights", "status", "members",
]  # fmt: skip
MANIFEST_FIELDS = [
    "given_names",
    "family_names",
    "birth_year",
    "sex",
    "household",
    "seat",
    "shelter",
]


# --- helpers ------------------------------------------------------------------------------


def _require(actor: User | None, organization_id: int) -> None:
    if actor is not None and not can(actor, Action.TRANSFER_MANAGE, organization_id):
        raise PermissionDenied


def acting_organization(actor: User | None, organization: Organization | None) -> Organization:
    """The organization that owns what the actor plans: the one given, or the actor's
    first organization where they may manage transfers."""
    from mppdesk.accounts.models import Organization

    if organization is not None:
        _require(actor, organization.pk)
        return organization
    if actor is None:
        raise FieldErrors({"organization": [_("This field is required.")]})
    org_ids = orgs_where(actor, Action.TRANSFER_MANAGE)
    if not org_ids:
        raise PermissionDenied
    return Organization.objects.get(pk=org_ids[0])


def _record(actor: User | None, group: TransferGroup, action: str, fields: Sequence[str]) -> None:
    audit.record(
        actor=actor, organization=group.organization, action=action,
        object_type=ObjectType.TRANSFER_GROUP, object_id=group.pk, fields=fields,
    )  # fmt: skip


def _locked(group: TransferGroup, *allowed: str) -> TransferGroup:
    locked = TransferGroup.objects.select_for_update().get(pk=group.pk)
    if locked.status not in allowed:
        raise FieldErrors(
            {
                "status": [
                    _("The group is %(status)s; this step needs it %(allowed)s.")
                    % {
                        "status": locked.get_status_display(),
                        "allowed": " / ".join(str(GroupStatus(s).label) for s in allowed),
                    }
                ]
            }
        )
    return locked


def _movements(rows: list[MovementEvent], actor: User | None, organization: Organization) -> None:
    if not rows:
        return
    MovementEvent.objects.bulk_create(rows, batch_size=1000)
    audit.record_many(
        actor=actor, organization=organization, action=AuditAction.CREATE, object_type=ObjectType.MOVEMENT_EVENT,
        object_ids=[r.pk for r in rows], fields=["kind", "at", "facility", "port", "shelter"],
    )  # fmt: skip


# --- detentions and movements -------------------------------------------------------------


@transaction.atomic
def record_detention(
    *,
    actor: User | None,
    person: Person,
    facility: DetentionFacility,
    since: dt.date,
    roster_id: str = "",
) -> Detention:
    """The person is held at ``facility`` since ``since`` (ends an earlier active
    detention elsewhere: a roster moves people between facilities)."""
    _require(actor, person.organization_id)
    if since > utc_today():
        raise FieldErrors({"since": [_("This date is in the future.")]})
    if len(roster_id) > 64:
        raise FieldErrors({"roster_id": [_("At most %(count)s characters.") % {"count": 64}]})
    current = Detention.objects.select_for_update().filter(person=person, released_on__isnull=True)
    previous = current.first()
    if previous is not None and previous.facility_id == facility.pk:
        return previous
    current.update(released_on=since)
    detention = Detention.objects.create(
        organization_id=person.organization_id,
        person=person,
        facility=facility,
        since=since,
        roster_id=roster_id,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    at = timezone.make_aware(dt.datetime.combine(since, dt.time(12)))
    event = MovementEvent(
        organization_id=person.organization_id, person=person, kind=MovementKind.DETAINED,
        at=at, facility=facility, actor=detention.created_by,
    )  # fmt: skip
    event.save()
    audit.record(
        actor=actor, organization=person.organization, action=AuditAction.CREATE, object_type=ObjectType.DETENTION,
        object_id=detention.pk, fields=["person", "facility", "since", "roster_id"],
    )  # fmt: skip
    return detention


MANUAL_KINDS = (MovementKind.PRESENTED_AT_PORT, MovementKind.PAROLED, MovementKind.DISENROLLED)


@transaction.atomic
def record_movement(
    *,
    actor: User | None,
    person: Person,
    kind: str,
    at: dt.datetime,
    port: Port | None = None,
    shelter: Shelter | None = None,
) -> MovementEvent:
    """A movement recorded by hand: presented at the port for a hearing, paroled into the
    US, disenrolled. (Detained, screened, returned and at-shelter entries are written
    by the roster, the planner and the arrival.)"""
    _require(actor, person.organization_id)
    if kind not in MANUAL_KINDS:
        raise FieldErrors({"kind": [_("Choose presented_at_port, paroled or disenrolled.")]})
    if timezone.is_naive(at):
        raise FieldErrors({"at": [_("Give a time with its time zone.")]})
    if kind == MovementKind.PRESENTED_AT_PORT and port is None:
        raise FieldErrors({"port": [_("This field is required.")]})
    event = MovementEvent.objects.create(
        organization_id=person.organization_id, person=person, kind=kind, at=at, port=port,
        shelter=shelter, actor=actor if actor is not None and actor.is_authenticated else None,
    )  # fmt: skip
    audit.record(
        actor=actor, organization=person.organization, action=AuditAction.CREATE,
        object_type=ObjectType.MOVEMENT_EVENT, object_id=event.pk, fields=["kind", "at", "port", "shelter"],
    )  # fmt: skip
    return event


# --- planning -----------------------------------------------------------------------------


@dataclass
class _Candidate:
    person: Person
    detention: Detention
    household_id: uuid.UUID | None
    relationship: str = ""


def _decision_rows(reasons: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(rule, reason) of recorded reasons (``engine.Reason.as_dict`` form)."""
    rows = ((str(r.get("rule", "")), str(r.get("reason", ""))) for r in reasons)
    return [(rule, text) for rule, text in rows if rule]


def _main_reason(result: str, reasons: list[tuple[str, str]]) -> tuple[str, str]:
    """The reason shown for a result: the first one given by a rule with that outcome
    (an exempt person's exemption, not a review rule that fired too)."""
    for rule, text in reasons:
        definition = engine.RULES.get(rule.split(".", 1)[-1])
        if definition is not None and definition.outcome == result:
            return rule, text
    return reasons[0] if reasons else (f"screening.{result}", result)


def _screen(
    units: Mapping[Any, Sequence[Person]], version: str, on: dt.date
) -> tuple[dict[uuid.UUID, tuple[str, str, str]], dict[uuid.UUID, tuple[str, list[str]]]]:
    """Screen each unit (the members of one household who would travel together, or one
    person alone) on the transfer date ``on``. Returns, per excluded person, (result,
    rule, reason), and per screened person (result, rule codes) for the ``screened``
    movement.

    A reviewer's decision of the same version replaces the engine's for that member —
    except where a protected rule fires on today's facts and this unit
    (``engine.PROTECTED_RULES``): a child whose adult does not travel, an age that cannot
    be checked, a positive or pending fear interview recorded after the review. Those
    stand whatever was decided before."""
    from mppdesk.screening import services as screening

    rules = screening.ruleset(version)
    people = [p for members in units.values() for p in members]
    facts = screening.facts_for(people, on=on)
    recorded = {
        pid: row
        for pid, row in screening.decisions_for([p.pk for p in people]).items()
        if row.reviewed and row.version == version
    }
    excluded: dict[uuid.UUID, tuple[str, str, str]] = {}
    screened: dict[uuid.UUID, tuple[str, list[str]]] = {}
    for members in units.values():
        _household, decisions = engine.evaluate_household([facts[p.pk] for p in members], rules)
        outcome: list[tuple[str, list[tuple[str, str]]]] = []
        for person, decision in zip(members, decisions, strict=True):
            row = recorded.get(person.pk)
            if row is not None and not engine.protected_reasons(decision):
                result = row.effective_result
                reasons = _decision_rows(row.reasons or ()) or [
                    (f"reviewed.{result}", _("Decided by a reviewer."))
                ]
            else:
                result, reasons = decision.result, _decision_rows(decision.reasons_json())
            outcome.append((result, reasons))
            screened[person.pk] = (result, [r for r, _t in reasons])
        blocking = next(
            ((result, reasons) for result, reasons in outcome if result != engine.AMENABLE), None
        )
        if blocking is None:
            continue
        first_result, first_reasons = blocking
        first_rule = _main_reason(first_result, first_reasons)[0]
        for index, person in enumerate(members):
            result, reasons = outcome[index]
            if result != engine.AMENABLE:
                rule, text = _main_reason(result, reasons)
                excluded[person.pk] = (result, rule, text[:500])
            else:
                excluded[person.pk] = (
                    engine.REVIEW,
                    RULE_HOUSEHOLD,
                    (
                        _(
                            "Kept with the household: another member is exempt "
                            "(rule %(rule)s); a family is never split."
                        )
                        if first_result == engine.EXEMPT
                        else _(
                            "Kept with the household: another member is in review "
                            "(rule %(rule)s); a family is never split."
                        )
                    )
                    % {"rule": first_rule},
                )
    return excluded, screened


def _clean_plan_input(
    facilities: Sequence[DetentionFacility],
    port: Port | None,
    date: dt.date | None,
    target_size: Any,
    version: str,
    name: str,
    stay_nights: Any,
) -> str:
    errors: dict[str, list[str]] = {}
    if not facilities:
        errors["facilities"] = [_("Choose at least one detention facility.")]
    if port is None:
        errors["port"] = [_("This field is required.")]
    if date is None:
        errors["date"] = [_("This field is required.")]
    elif date < utc_today():
        errors["date"] = [_("This date is in the past.")]
    if (
        not isinstance(target_size, int)
        or isinstance(target_size, bool)
        or not 1 <= target_size <= MAX_TARGET
    ):
        errors["target_size"] = [_("A whole number between 1 and %(max)s.") % {"max": MAX_TARGET}]
    if version not in engine.VERSIONS:
        errors["version"] = [_("Choose 2019, 2021 or current.")]
    if (
        not isinstance(stay_nights, int)
        or isinstance(stay_nights, bool)
        or not 1 <= stay_nights <= places.MAX_NIGHTS
    ):
        errors["stay_nights"] = [_("Between 1 and %(max)s nights.") % {"max": places.MAX_NIGHTS}]
    clean_name = " ".join((name or "").split())
    if len(clean_name) > MAX_NAME:
        errors["name"] = [_("At most %(count)s characters.") % {"count": MAX_NAME}]
    if errors:
        raise FieldErrors(errors)
    return clean_name


def plan_group(
    *,
    actor: User | None,
    facilities: Sequence[DetentionFacility],
    port: Port | None,
    date: dt.date | None,
    target_size: int,
    version: str = "2021",
    name: str = "",
    organization: Organization | None = None,
    stay_nights: int = DEFAULT_STAY_NIGHTS,
) -> TransferGroup:
    """Plan a group of up to ``target_size`` people detained at ``facilities``, returned
    through ``port`` to its Mexican city on ``date``.

    Candidates are the organization's people actively detained at those facilities and
    in no other planned, approved or departed group. Each household is screened together
    (``screening.engine.evaluate_household``; a reviewer's confirmed or overridden
    decision under the same version replaces the engine's for that member): any member
    exempt or in review keeps the whole household out, every member with a rule code and
    reason. Households with a member held at another facility or in another group stay
    out too (``family_elsewhere``). The rest are packed into the receiving city's active
    shelters by ``planning.pack`` against their free places over the stay (places are
    only taken on approval); left out for room: ``capacity`` or ``target_size``.
    Every candidate gets a ``screened`` movement entry.
    """
    org = acting_organization(actor, organization)
    clean_name = _clean_plan_input(facilities, port, date, target_size, version, name, stay_nights)
    assert port is not None and date is not None  # noqa: S101 - checked above
    facility_ids = sorted({f.pk for f in facilities})
    try:
        with transaction.atomic():
            return _plan(
                actor, org, facility_ids, port, date, target_size, version, clean_name,
                stay_nights,
            )  # fmt: skip
    except IntegrityError as exc:
        # Another coordinator placed some of these people in a group meanwhile.
        raise FieldErrors(
            {
                "facilities": [
                    _("Some of these people were just placed in another group; plan again.")
                ]
            }
        ) from exc


def _plan(
    actor: User | None,
    org: Organization,
    facility_ids: list[int],
    port: Port,
    date: dt.date,
    target_size: int,
    version: str,
    name: str,
    stay_nights: int,
) -> TransferGroup:
    busy = TransferMember.objects.filter(active=True).values("person_id")
    detentions = list(
        Detention.objects.filter(
            organization=org, released_on__isnull=True, facility_id__in=facility_ids
        )
        .exclude(person_id__in=busy)
        .select_related("person")
        .order_by("since", "id")
    )
    person_ids = [d.person_id for d in detentions]
    household_of: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    for start in range(0, len(person_ids), 2000):
        for pid, hid, relationship in HouseholdMember.objects.filter(
            person_id__in=person_ids[start : start + 2000]
        ).values_list("person_id", "household_id", "relationship"):
            household_of[pid] = (hid, relationship)
    candidates = []
    for d in detentions:
        found = household_of.get(d.person_id)
        candidates.append(
            _Candidate(
                person=d.person,
                detention=d,
                household_id=found[0] if found else None,
                relationship=found[1] if found else "",
            )  # fmt: skip
        )
    units: dict[Any, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        units[c.household_id or c.person.pk].append(c)

    # A household member held elsewhere or already in a group: the family cannot go whole.
    household_ids = sorted({c.household_id for c in candidates if c.household_id}, key=str)
    candidate_ids = set(person_ids)
    elsewhere: set[Any] = set()
    for start in range(0, len(household_ids), 2000):
        chunk = household_ids[start : start + 2000]
        others = HouseholdMember.objects.filter(household_id__in=chunk).exclude(
            person_id__in=candidate_ids
        )
        held = Detention.objects.filter(
            released_on__isnull=True, person_id__in=others.values("person_id")
        ).values("person_id")
        grouped = TransferMember.objects.filter(
            active=True, person_id__in=others.values("person_id")
        ).values("person_id")
        elsewhere.update(others.filter(person_id__in=held).values_list("household_id", flat=True))
        elsewhere.update(
            others.filter(person_id__in=grouped).values_list("household_id", flat=True)
        )

    screenable = {k: v for k, v in units.items() if k not in elsewhere}
    excluded, screened = _screen(
        {k: [c.person for c in v] for k, v in screenable.items()}, version, date
    )

    shelters = list(Shelter.objects.filter(city=port.mexican_city, active=True))
    free = places.free_places(shelters, date, stay_nights)
    order = [s.pk for s in shelters]  # Meta ordering: largest first, then by name
    eligible = {k: v for k, v in screenable.items() if not any(c.person.pk in excluded for c in v)}
    packing = planning.pack(
        [
            planning.Unit(key=k, size=len(v), since=min(c.detention.since for c in v), order=str(k))
            for k, v in eligible.items()
        ],
        free,
        order,
        target_size,
    )

    group = TransferGroup.objects.create(
        organization=org,
        name=name
        or _("Transfer %(date)s to %(city)s")
        % {"date": date.isoformat(), "city": port.mexican_city},
        date=date,
        port=port,
        receiving_city=port.mexican_city,
        target_size=target_size,
        rules_version=version,
        stay_nights=stay_nights,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    group.facilities.set(facility_ids)

    rows: list[TransferMember] = []
    household_number = seat = 0
    for key, shelter_id in packing.shelter_of.items():
        household_number += 1
        members = sorted(eligible[key], key=_lead_first)
        for c in members:
            seat += 1
            rows.append(
                TransferMember(
                    group=group,
                    person=c.person,
                    household_id=c.household_id,
                    facility_id=c.detention.facility_id,
                    included=True,
                    active=True,
                    household_number=household_number,
                    seat=seat,
                    shelter_id=shelter_id,
                    screening_result="amenable",
                )  # fmt: skip
            )
    capacity_text = {
        planning.RULE_CAPACITY: _(
            "The receiving city's shelters have no room for the whole household on these nights."
        ),
        planning.RULE_TARGET_SIZE: _("The group reached its target size."),
    }
    for key, rule in packing.left_out.items():
        for c in eligible[key]:
            rows.append(
                TransferMember(
                    group=group,
                    person=c.person,
                    household_id=c.household_id,
                    facility_id=c.detention.facility_id,
                    rule=rule,
                    reason=capacity_text[rule],
                    screening_result="amenable",
                )  # fmt: skip
            )
    for key, members in units.items():
        for c in members:
            if key in elsewhere:
                rule, text, result = (
                    RULE_FAMILY_ELSEWHERE,
                    _(
                        "A member of the household is held at another facility or is in another group."
                    ),
                    "",
                )
            elif c.person.pk in excluded:
                result, rule, text = excluded[c.person.pk]
            else:
                continue
            rows.append(
                TransferMember(
                    group=group,
                    person=c.person,
                    household_id=c.household_id,
                    facility_id=c.detention.facility_id,
                    rule=rule,
                    reason=str(text)[:500],
                    screening_result=result,
                )  # fmt: skip
            )
    TransferMember.objects.bulk_create(rows, batch_size=1000)

    now = timezone.now()
    by_person = {c.person.pk: c for c in candidates}
    _movements(
        [
            MovementEvent(
                id=uuid.uuid4(),
                organization=org,
                person_id=pid,
                kind=MovementKind.SCREENED,
                at=now,
                facility_id=by_person[pid].detention.facility_id,
                group=group,
                actor=group.created_by,
                data={"result": result, "rules": rules[:20], "version": version},
            )  # fmt: skip
            for pid, (result, rules) in screened.items()
        ],
        actor,
        org,
    )
    left = Counter(r.rule for r in rows if not r.included)
    group.summary = {
        "candidates": len(candidates),
        "included": sum(1 for r in rows if r.included),
        "households_included": household_number,
        "excluded": sum(left.values()),
        "excluded_by_rule": dict(sorted(left.items())),
        "free_places": {str(k): v for k, v in free.items()},
    }
    group.save(update_fields=["summary", "updated_at"])
    _record(actor, group, AuditAction.CREATE, GROUP_FIELDS)
    return group


_RELATION_ORDER = {"lead": 0, "spouse": 1}


def _lead_first(c: _Candidate) -> tuple[int, str]:
    # Seats of a household are consecutive, the lead respondent first.
    return (_RELATION_ORDER.get(c.relationship, 2), str(c.person.pk))


# --- status changes -----------------------------------------------------------------------


def _shelter_counts(group: TransferGroup) -> list[tuple[Shelter, int]]:
    # Locks are taken in shelter order, so concurrent approvals cannot deadlock.
    return sorted(queries.shelter_load(group), key=lambda load: load[0].pk)


def _planner_rule_text(rule: str) -> str:
    texts = {
        RULE_HOUSEHOLD: _("Another member of the household is exempt or in review."),
        RULE_FAMILY_ELSEWHERE: _(
            "A member of the household is held elsewhere, is in another group or was left "
            "out of this one: the family would be split."
        ),
        RULE_NOT_DETAINED: _(
            "No longer held at the facility where the group picks them up (released or moved)."
        ),
    }
    if rule in texts:
        return texts[rule]
    from mppdesk.screening.labels import label

    return label(rule, rule)


def group_problems(group: TransferGroup) -> dict[str, list[int]]:
    """What would make the group's included people unsafe to move today, as rule code ->
    seats. Empty when the group still holds. Checked again at approval (the final gate),
    on the data as it is now, not as it was when the group was planned:

    - every included person is still held at the facility the group picks them up from
      (``not_detained``);
    - no household is split: no other member of an included person's household is held
      in detention or placed in another group without being included in this one
      (``family_elsewhere``);
    - the included people of each household, screened together on the transfer date
      under the group's guidance, are all amenable: no exempt person, nobody in review,
      and no child under 18 without an included adult of their household
      (``<version>.unaccompanied_child``), whatever a reviewer decided before.
    """
    members = list(
        TransferMember.objects.filter(group=group, included=True)
        .select_related("person")
        .order_by("seat", "id")
    )
    seat = {m.person_id: m.seat or 0 for m in members}
    problems: dict[str, set[int]] = defaultdict(set)
    held: set[tuple[uuid.UUID, int]] = set()
    household_of: dict[uuid.UUID, uuid.UUID] = {}
    split: set[uuid.UUID] = set()
    ids = list(seat)
    # In chunks, as the planner reads, so that large groups stay within the database's
    # limit on query parameters.
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        held.update(
            Detention.objects.filter(person_id__in=chunk, released_on__isnull=True).values_list(
                "person_id", "facility_id"
            )
        )
        household_of.update(
            HouseholdMember.objects.filter(person_id__in=chunk).values_list(
                "person_id", "household_id"
            )
        )
    households = sorted(set(household_of.values()), key=str)
    for start in range(0, len(households), 2000):
        # Other members of these households: held in detention or in another group
        # without being in this one splits the family.
        others = HouseholdMember.objects.filter(
            household_id__in=households[start : start + 2000]
        ).exclude(
            person_id__in=TransferMember.objects.filter(group=group, included=True).values(
                "person_id"
            )
        )
        split.update(
            others.filter(
                person_id__in=Detention.objects.filter(released_on__isnull=True).values("person_id")
            ).values_list("household_id", flat=True)
        )
        split.update(
            others.filter(
                person_id__in=TransferMember.objects.filter(active=True)
                .exclude(group=group)
                .values("person_id")
            ).values_list("household_id", flat=True)
        )
    for m in members:
        if (m.person_id, m.facility_id) not in held:
            problems[RULE_NOT_DETAINED].add(seat[m.person_id])
    units: dict[Any, list[Person]] = defaultdict(list)
    for m in members:
        household_id = household_of.get(m.person_id)
        if household_id in split:
            problems[RULE_FAMILY_ELSEWHERE].add(seat[m.person_id])
        units[household_id or m.person_id].append(m.person)
    excluded, _screened = _screen(units, group.rules_version, group.date)
    for person_id, (_result, rule, _text) in excluded.items():
        problems[rule].add(seat[person_id])
    return {rule: sorted(seats) for rule, seats in sorted(problems.items())}


def _refuse_problems(problems: Mapping[str, list[int]]) -> None:
    if not problems:
        return
    messages = [
        _("Seats %(seats)s: rule %(rule)s — %(text)s")
        % {
            "seats": ", ".join(str(s) for s in seats),
            "rule": rule,
            "text": _planner_rule_text(rule),
        }
        for rule, seats in problems.items()
    ]
    messages.append(
        _(
            "Nothing was approved: the records changed since the group was planned. Cancel "
            "the group and plan it again."
        )
    )
    raise FieldErrors({"members": messages})


@transaction.atomic
def approve_group(*, actor: User | None, group: TransferGroup) -> TransferGroup:
    """Approve a planned group: its shelter places are taken for every night of the stay,
    all or nothing. A shelter that no longer has room (another group was approved
    meanwhile) is a ``FieldErrors`` on ``shelter`` and nothing is written: plan again.

    Approval is the final gate: the group is checked again on today's records
    (``group_problems``). Anyone who may no longer go — a child whose adult was released,
    a person found exempt since, a family split meanwhile — refuses the approval with a
    ``FieldErrors`` on ``members`` naming each rule and its seats."""
    _require(actor, group.organization_id)
    group = _locked(group, GroupStatus.PLANNED)
    if not TransferMember.objects.filter(group=group, included=True).exists():
        raise FieldErrors({"members": [_("Nobody is included in this group.")]})
    _refuse_problems(group_problems(group))
    for shelter, n in _shelter_counts(group):
        places.reserve_shelter(shelter, n, start=group.date, nights=group.stay_nights)
    group.status = GroupStatus.APPROVED
    group.approved_by = actor if actor is not None and actor.is_authenticated else None
    group.approved_at = timezone.now()
    group.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _record(
        actor, group, AuditAction.UPDATE, ["status", "approved_by", "approved_at", "shelter_places"]
    )
    return group


def _check_transfer_day(group: TransferGroup, step: str) -> None:
    """Departure and arrival are facts of the transfer day or later (a coordinator may
    record them late, never ahead): the movement timeline must not show a return that
    has not happened."""
    if utc_today() < group.date:
        message = (
            _("The group leaves on %(date)s: it can be marked departed from that day on.")
            if step == "depart"
            else _("The group travels on %(date)s: it can be marked arrived from that day on.")
        )
        raise FieldErrors({"date": [message % {"date": group.date.isoformat()}]})


@transaction.atomic
def depart_group(*, actor: User | None, group: TransferGroup) -> TransferGroup:
    """The approved group left the facilities (on or after its transfer date)."""
    _require(actor, group.organization_id)
    group = _locked(group, GroupStatus.APPROVED)
    _check_transfer_day(group, "depart")
    group.status = GroupStatus.DEPARTED
    group.departed_at = timezone.now()
    group.save(update_fields=["status", "departed_at", "updated_at"])
    _record(actor, group, AuditAction.UPDATE, ["status", "departed_at"])
    return group


@transaction.atomic
def arrive_group(
    *, actor: User | None, group: TransferGroup, at: dt.datetime | None = None
) -> TransferGroup:
    """The group was returned through its port and reached the shelters: each included
    person gets ``returned`` (the port) and ``at_shelter`` (their shelter) movements,
    their detention ends, and they are free for later groups.

    The movements are dated when the group arrived: ``at`` when the coordinator records
    it late, else now. Refused (``FieldErrors`` on ``date``) before the transfer date,
    and for an ``at`` before the transfer date or in the future."""
    _require(actor, group.organization_id)
    group = _locked(group, GroupStatus.DEPARTED)
    _check_transfer_day(group, "arrive")
    now = timezone.now()
    when = at or now
    if at is not None and (
        timezone.is_naive(at)
        or timezone.localdate(at) < group.date
        or at > now + dt.timedelta(minutes=10)
    ):
        raise FieldErrors(
            {"date": [_("The arrival time must be between the transfer date and now.")]}
        )
    members = list(TransferMember.objects.filter(group=group, included=True))
    person_ids = [m.person_id for m in members]
    Detention.objects.filter(person_id__in=person_ids, released_on__isnull=True).update(
        released_on=timezone.localdate(when)
    )
    TransferMember.objects.filter(group=group).update(active=False)
    user = actor if actor is not None and actor.is_authenticated else None
    events: list[MovementEvent] = []
    for m in members:
        common = {"organization_id": group.organization_id, "person_id": m.person_id,
                  "group": group, "actor": user}  # fmt: skip
        events.append(
            MovementEvent(
                id=uuid.uuid4(),
                kind=MovementKind.RETURNED,
                at=when,
                port=group.port,
                facility_id=m.facility_id,
                **common,
            )  # fmt: skip
        )
        events.append(
            MovementEvent(
                id=uuid.uuid4(),
                kind=MovementKind.AT_SHELTER,
                at=when + dt.timedelta(seconds=1),
                shelter_id=m.shelter_id,
                **common,
            )  # fmt: skip
        )
    _movements(events, actor, group.organization)
    group.status = GroupStatus.ARRIVED
    group.arrived_at = when
    group.save(update_fields=["status", "arrived_at", "updated_at"])
    _record(actor, group, AuditAction.UPDATE, ["status", "arrived_at", "detentions", "movements"])
    return group


@transaction.atomic
def cancel_group(*, actor: User | None, group: TransferGroup) -> TransferGroup:
    """Cancel a planned or approved group; an approved one gives its shelter places back.
    Its people become free for other groups."""
    _require(actor, group.organization_id)
    group = _locked(group, GroupStatus.PLANNED, GroupStatus.APPROVED)
    if group.status == GroupStatus.APPROVED:
        for shelter, n in _shelter_counts(group):
            places.release_shelter(shelter, n, start=group.date, nights=group.stay_nights)
    TransferMember.objects.filter(group=group).update(active=False)
    group.status = GroupStatus.CANCELLED
    group.cancelled_at = timezone.now()
    group.cancelled_by = actor if actor is not None and actor.is_authenticated else None
    group.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
    _record(
        actor,
        group,
        AuditAction.UPDATE,
        ["status", "cancelled_at", "cancelled_by", "shelter_places"],
    )
    return group


def export_manifest(
    *, actor: User | None, group: TransferGroup, fmt: str
) -> tuple[str, str, bytes]:
    """The manifest as ``(file name, content type, bytes)``, audited as an export.

    Needs ``transfer.read`` in the group's organization. A cancelled group has none."""
    from mppdesk.transfers import manifest

    if actor is not None and not can(actor, Action.TRANSFER_READ, group.organization_id):
        raise PermissionDenied
    if fmt not in ("csv", "pdf"):
        raise FieldErrors({"format": [_("Choose csv or pdf.")]})
    if group.status == GroupStatus.CANCELLED:
        raise FieldErrors({"status": [_("The group was cancelled; it has no manifest.")]})
    lines = manifest.manifest_lines(group)
    if fmt == "csv":
        content, content_type = manifest.to_csv(group, lines), "text/csv; charset=utf-8"
    else:
        content, content_type = manifest.to_pdf(group, lines), "application/pdf"
    people = TransferMember.objects.filter(group=group, included=True).values_list(
        "person_id", flat=True
    )
    record_manifest_export(actor=actor, group=group, fmt=fmt, people=list(people))
    return manifest.filename(group, fmt), content_type, content


def record_manifest_export(
    *, actor: User | None, group: TransferGroup, fmt: str, people: Iterable[uuid.UUID]
) -> None:
    """Audit a manifest download: an export of the group and of each person on it."""
    with transaction.atomic():
        audit.record(
            actor=actor, organization=group.organization, action=AuditAction.EXPORT,
            object_type=ObjectType.TRANSFER_GROUP, object_id=group.pk,
            fields=[*MANIFEST_FIELDS, f"format:{fmt}"],
        )  # fmt: skip
        audit.record_many(
            actor=actor, organization=group.organization, action=AuditAction.EXPORT, object_type=ObjectType.PERSON,
            object_ids=list(people), fields=MANIFEST_FIELDS,
        )  # fmt: skip


__all__ = [
    "ACTIVE_STATUSES",
    "acting_organization",
    "approve_group",
    "arrive_group",
    "cancel_group",
    "depart_group",
    "export_manifest",
    "group_problems",
    "plan_group",
    "record_detention",
    "record_manifest_export",
    "record_movement",
]

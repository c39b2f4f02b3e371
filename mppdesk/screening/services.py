"""All writes of screening, and the bulk reads the transfer planner needs.

Each write takes a keyword-only ``actor``, runs in one transaction and writes its audit
entry (ids and field names only). ``actor=None`` is the system (demo data) and skips the
role checks; otherwise:

- facts, screenings, reviews and fear interviews need ``screening.decide`` in the
  person's (owning) organization, else ``PermissionDenied``;
- the "current" rules need ``screening.rules.manage`` (administrators).

A household is never split: when a reviewer's result would leave one member finally
amenable while another member is not, the write is refused (``FieldErrors`` on
``result``) unless the whole household is decided together (``review_household``).
A decision resting on a protected rule (``engine.PROTECTED_RULES``: an unaccompanied
child, an age that cannot be checked, fear of return) is never made amenable by a
reviewer: the record is corrected and the person screened again. The "current" rules
cannot turn those rules off (``FieldErrors`` on ``enabled`` naming the rule).
Validation errors are ``FieldErrors`` naming the field; messages hold no personal data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.people.models import HouseholdMember, Person, PersonLanguage
from mppdesk.screening import engine
from mppdesk.screening.labels import label as rule_label
from mppdesk.screening.models import (
    DecisionStatus,
    FearHow,
    FearOutcome,
    GuidanceVersion,
    NonRefoulementInterview,
    Result,
    ScreeningDecision,
    ScreeningFacts,
    VersionCode,
)

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.people.models import Household

FACTS_FIELDS = ("flags", "fear_asked", "fear_expressed", "fear_how")
DECISION_FIELDS = ("version", "result", "household_result", "reasons")
REVIEW_FIELDS = ("status", "final_result", "reviewer", "note")
INTERVIEW_FIELDS = (
    "version",
    "fear_how",
    "counsel_notified_at",
    "earliest_interview_at",
    "interview_at",
    "standard",
    "outcome",
    "notes",
)


def _require(actor: User | None, action: Action, organization_id: int) -> None:
    if actor is not None and not can(actor, action, organization_id):
        raise PermissionDenied


# The audit object type of each screening row (ids and field names only are audited).
_OBJECT_TYPES: dict[type[Model], ObjectType] = {
    ScreeningFacts: ObjectType.SCREENING_FACTS,
    ScreeningDecision: ObjectType.SCREENING_DECISION,
    NonRefoulementInterview: ObjectType.FEAR_INTERVIEW,
}


def _record(
    actor: User | None,
    action: str,
    row: ScreeningFacts | ScreeningDecision | NonRefoulementInterview,
    person: Person,
    fields: Sequence[str],
) -> None:
    """The audit entry of a write to one of ``person``'s screening rows, filed under the
    person's (owning) organization."""
    audit.record(
        actor=actor,
        organization=person.organization,
        action=action,
        object_type=_OBJECT_TYPES[type(row)],
        object_id=row.pk,
        fields=fields,
    )


def _check_version(version: str, field: str = "version") -> None:
    if version not in engine.VERSIONS:
        raise FieldErrors({field: [_("Unknown guidance version.")]})


# -- rules -------------------------------------------------------------------------------


def ruleset(version: str) -> engine.RuleSet:
    """The compiled rules of a version; "current" as edited by an administrator."""
    _check_version(version)
    if version != VersionCode.CURRENT:
        return engine.rules_for(version)
    row = GuidanceVersion.objects.filter(code=VersionCode.CURRENT).first()
    if row is None or not row.rules:
        return engine.rules_for("current")
    try:
        return engine.RuleSet.from_json("current", row.rules)
    except ValueError:
        # A row edited outside the service: fall back to the copy of 2021, never crash.
        return engine.rules_for("current")


def update_current_rules(*, actor: User | None, data: Mapping[str, Any]) -> GuidanceVersion:
    """Replaces the rules and parameters of the "current" version (administrators)."""
    organization: Organization | None = None
    if actor is not None:
        org_ids = orgs_where(actor, Action.SCREENING_RULES_MANAGE)
        if not org_ids:
            raise PermissionDenied
        from mppdesk.accounts.models import Organization

        organization = Organization.objects.get(pk=org_ids[0])
    try:
        rules = engine.RuleSet.from_json("current", data)
    except engine.ProtectedRuleError as exc:
        raise FieldErrors(
            {
                "enabled": [
                    _(
                        "The rule %(rule)s (“%(label)s”) cannot be turned off: it protects "
                        "children and people who fear return to Mexico."
                    )
                    % {"rule": f"current.{key}", "label": rule_label(key)}
                    for key in exc.rules
                ]
            }
        ) from exc
    except ValueError as exc:
        field = str(exc) or "rules"
        raise FieldErrors({field: [_("This value is not valid.")]}) from exc
    with transaction.atomic():
        row, _created = GuidanceVersion.objects.select_for_update().get_or_create(
            code=VersionCode.CURRENT, defaults={"name": "Current rules"}
        )
        row.rules = rules.to_json()
        row.updated_by = actor
        row.save(update_fields=["rules", "updated_by", "updated_at"])
        audit.record(
            actor=actor,
            organization=organization,
            action=AuditAction.UPDATE,
            object_type=ObjectType.GUIDANCE_VERSION,
            object_id=row.pk,
            fields=sorted(rules.to_json()),
        )
    return row


# -- facts -------------------------------------------------------------------------------


def record_facts(
    *,
    actor: User | None,
    person: Person,
    flags: Iterable[str] = (),
    fear_expressed: bool | None = None,
    fear_asked: bool | None = None,
    fear_how: str | None = None,
) -> ScreeningFacts:
    """Records a person's screening facts: roster flags (replacing earlier ones) and the
    fear question. ``None`` leaves a fear field unchanged. Fear expressed without the
    question asked was volunteered, unless ``fear_how`` says otherwise."""
    _require(actor, Action.SCREENING_DECIDE, person.organization_id)
    flag_list = sorted(set(flags))
    unknown = [f for f in flag_list if f not in engine.FLAGS]
    if unknown:
        raise FieldErrors({"flags": [_("Unknown flag.")]})
    if fear_how not in (None, "", FearHow.ASKED, FearHow.VOLUNTEERED):
        raise FieldErrors({"fear_how": [_("Choose asked or volunteered.")]})
    now = timezone.now()
    with transaction.atomic():
        facts, _created = ScreeningFacts.objects.select_for_update().get_or_create(
            person=person, defaults={"organization_id": person.organization_id}
        )
        facts.flags = flag_list
        if fear_asked is not None:
            if fear_asked and not facts.fear_asked:
                facts.fear_asked_at = now
            facts.fear_asked = fear_asked
        if fear_expressed is not None:
            if fear_expressed and not facts.fear_expressed:
                facts.fear_expressed_at = now
            facts.fear_expressed = fear_expressed
            if not fear_expressed:
                facts.fear_expressed_at = None
                facts.fear_how = ""
        if facts.fear_expressed:
            if fear_how:
                facts.fear_how = fear_how
            elif not facts.fear_how:
                facts.fear_how = FearHow.ASKED if facts.fear_asked else FearHow.VOLUNTEERED
        facts.updated_by = actor
        facts.save()
        _record(actor, AuditAction.UPDATE, facts, person, FACTS_FIELDS)
    return facts


def facts_for(people: Sequence[Person], *, on: dt.date) -> dict[uuid.UUID, engine.Facts]:
    """Engine facts of each person on the day ``on`` (three queries whatever the number of
    people). The age is the age on that day — for a transfer, the transfer date: a child
    who turns 18 between screening and transfer travels as an adult, one who is 17 on
    that day as a child. With the year of birth only, the age is the highest possible
    and ``birth_year_only`` is set (the engine counts such a person as an adult only from
    19 on); with neither, the age is unknown (rule ``age_unknown``: review).

    The caller has already checked that it may read these people."""
    ids = [p.pk for p in people]
    # (flags, fear_asked, fear_expressed, fear_how) per person: plain values, no models.
    recorded: dict[uuid.UUID, tuple[list[str], bool, bool, str]] = {}
    languages: dict[uuid.UUID, set[str]] = {}
    outcomes: dict[uuid.UUID, str] = {}
    for chunk_start in range(0, len(ids), 2000):
        chunk = ids[chunk_start : chunk_start + 2000]
        for person_id, *values in ScreeningFacts.objects.filter(person_id__in=chunk).values_list(
            "person_id", "flags", "fear_asked", "fear_expressed", "fear_how"
        ):
            recorded[person_id] = (values[0] or [], values[1], values[2], values[3])
        for person_id, code in PersonLanguage.objects.filter(person_id__in=chunk).values_list(
            "person_id", "code"
        ):
            languages.setdefault(person_id, set()).add(code)
        # Latest interview with an outcome (rows come newest first).
        for person_id, outcome in (
            NonRefoulementInterview.objects.filter(person_id__in=chunk)
            .exclude(outcome="")
            .order_by("person_id", "-created_at")
            .values_list("person_id", "outcome")
        ):
            outcomes.setdefault(person_id, outcome)
    empty: frozenset[str] = frozenset()
    result: dict[uuid.UUID, engine.Facts] = {}
    for person in people:
        sf = recorded.get(person.pk)
        vulnerabilities = frozenset(person.vulnerabilities or ())
        result[person.pk] = engine.Facts(
            nationality=(person.nationality or "").upper(),
            age=person.age_on(on),
            unaccompanied="unaccompanied_child" in vulnerabilities,
            vulnerabilities=vulnerabilities,
            flags=frozenset(sf[0]) if sf else empty,
            languages=frozenset(languages.get(person.pk, ())),
            fear_expressed=bool(sf and sf[2]),
            fear_outcome=outcomes.get(person.pk, ""),
            fear_asked=bool(sf and sf[1]),
            fear_volunteered=bool(sf and sf[3] == FearHow.VOLUNTEERED),
            birth_year_only=person.birth_date is None and person.birth_year is not None,
        )
    return result


# -- screening ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdScreening:
    decision: engine.Decision  # the household's decision
    members: list[engine.Decision]  # per person, in the order given
    records: list[ScreeningDecision]  # the rows recorded, in the order given

    @property
    def result(self) -> str:
        return self.decision.result


def household_people(person: Person) -> list[Person]:
    """The person and the other members of their household (or the person alone)."""
    membership = HouseholdMember.objects.filter(person=person).first()
    if membership is None:
        return [person]
    return [
        m.person
        for m in HouseholdMember.objects.filter(household_id=membership.household_id)
        .select_related("person")
        .order_by("id")
    ]


def screen_household(
    *, actor: User | None, people: Sequence[Person], version: str
) -> HouseholdScreening:
    """Screens people together under ``version`` and records a proposed decision for each
    (with the household's result). One person alone is a household of one."""
    _check_version(version)
    if not people:
        raise FieldErrors({"people": [_("Choose at least one person.")]})
    for person in people:
        _require(actor, Action.SCREENING_DECIDE, person.organization_id)
    rules = ruleset(version)
    now = timezone.now()
    facts = facts_for(people, on=utc_today())
    household_decision, member_decisions = engine.evaluate_household(
        [facts[p.pk] for p in people], rules
    )
    households = dict(
        HouseholdMember.objects.filter(person_id__in=[p.pk for p in people]).values_list(
            "person_id", "household_id"
        )
    )
    rows = [
        ScreeningDecision(
            organization_id=person.organization_id,
            person=person,
            household_id=households.get(person.pk),
            version=version,
            result=decision.result,
            household_result=household_decision.result,
            reasons=decision.reasons_json(),
            status=DecisionStatus.PROPOSED,
            decided_at=now,
            decided_by=actor,
        )
        for person, decision in zip(people, member_decisions, strict=True)
    ]
    with transaction.atomic():
        for row in rows:
            row.save(force_insert=True)
            _record(actor, AuditAction.CREATE, row, row.person, DECISION_FIELDS)
    return HouseholdScreening(household_decision, member_decisions, rows)


def screen_person(*, actor: User | None, person: Person, version: str) -> HouseholdScreening:
    """Screens the person with their whole household (a family is screened together)."""
    return screen_household(actor=actor, people=household_people(person), version=version)


def decisions_for(person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ScreeningDecision]:
    """The latest recorded decision of each person (those never screened are absent)."""
    latest: dict[uuid.UUID, ScreeningDecision] = {}
    ids = list(person_ids)
    for start in range(0, len(ids), 2000):
        for row in ScreeningDecision.objects.filter(
            person_id__in=ids[start : start + 2000]
        ).order_by("person_id", "-decided_at", "-created_at"):
            latest.setdefault(row.person_id, row)
    return latest


def _check_not_split(changed: Mapping[uuid.UUID, ScreeningDecision]) -> None:
    """Refuses a state where a household has a member finally amenable and a member who
    is not (exempt, or still in review). ``changed`` holds the rows being written."""
    household_ids = {row.household_id for row in changed.values() if row.household_id}
    for household_id in household_ids:
        member_ids = list(
            HouseholdMember.objects.filter(household_id=household_id).values_list(
                "person_id", flat=True
            )
        )
        latest = decisions_for(member_ids)
        latest.update({pid: row for pid, row in changed.items() if pid in set(member_ids)})
        rows = [latest.get(pid) for pid in member_ids]
        final_amenable = any(
            r is not None and r.reviewed and r.effective_result == Result.AMENABLE for r in rows
        )
        not_amenable = any(r is None or r.effective_result != Result.AMENABLE for r in rows)
        if final_amenable and not_amenable:
            raise FieldErrors(
                {
                    "result": [
                        _(
                            "A household is never split: another member is exempt or in "
                            "review. Decide the whole household together."
                        )
                    ]
                }
            )


def _check_not_protected(decision: ScreeningDecision, result: str) -> None:
    """A protected rule (an unaccompanied child, an age that cannot be checked, fear of
    return) is never overridden to amenable: its facts are corrected instead (date of
    birth, household, the interview) and the person is screened again."""
    if result != Result.AMENABLE:
        return
    protected = sorted(
        {
            str(r.get("rule", ""))
            for r in decision.reasons or ()
            if str(r.get("rule", "")).split(".", 1)[-1] in engine.PROTECTED_RULES
        }
    )
    if protected:
        raise FieldErrors(
            {
                "result": [
                    _(
                        "The rule %(rule)s (“%(label)s”) protects this person: a reviewer "
                        "cannot make them amenable. Correct the record (date of birth, "
                        "household, fear interview) and screen again."
                    )
                    % {"rule": code, "label": rule_label(code)}
                    for code in protected
                ]
            }
        )


def _review(
    *, actor: User | None, decisions: Sequence[tuple[ScreeningDecision, str]], note: str
) -> list[ScreeningDecision]:
    for decision, result in decisions:
        _require(actor, Action.SCREENING_DECIDE, decision.organization_id)
        if result not in Result.values or result == Result.REVIEW:
            raise FieldErrors({"result": [_("Choose amenable or exempt.")]})
        if result != decision.result and not note.strip():
            raise FieldErrors({"note": [_("Say why the proposed result is overridden.")]})
        _check_not_protected(decision, result)
    now = timezone.now()
    with transaction.atomic():
        locked = {
            row.pk: row
            # The person and organization come along for the audit entries (one query,
            # not two per row); only the decisions are locked.
            for row in ScreeningDecision.objects.select_for_update(of=("self",))
            .select_related("person__organization")
            .filter(pk__in=[d.pk for d, _r in decisions])
        }
        changed: dict[uuid.UUID, ScreeningDecision] = {}
        for decision, result in decisions:
            row = locked[decision.pk]
            row.final_result = result
            row.status = (
                DecisionStatus.CONFIRMED if result == row.result else DecisionStatus.OVERRIDDEN
            )
            row.reviewer = actor
            row.reviewed_at = now
            row.note = note
            changed[row.person_id] = row
        _check_not_split(changed)
        for row in changed.values():
            row.save(
                update_fields=[
                    "final_result",
                    "status",
                    "reviewer",
                    "reviewed_at",
                    "note",
                    "updated_at",
                ]
            )
            _record(actor, AuditAction.UPDATE, row, row.person, REVIEW_FIELDS)
    return list(changed.values())


def confirm_decision(
    *, actor: User | None, decision: ScreeningDecision, note: str = ""
) -> ScreeningDecision:
    """Confirms the proposed result (a "review" proposal cannot be confirmed: override
    it with amenable or exempt)."""
    if decision.result == Result.REVIEW:
        raise FieldErrors({"result": [_("A decision in review must be decided: choose a result.")]})
    return _review(actor=actor, decisions=[(decision, decision.result)], note=note)[0]


def override_decision(
    *, actor: User | None, decision: ScreeningDecision, result: str, note: str
) -> ScreeningDecision:
    """Sets another result than the proposed one, with the reviewer's reason."""
    return _review(actor=actor, decisions=[(decision, result)], note=note)[0]


def review_household(
    *,
    actor: User | None,
    decisions: Sequence[ScreeningDecision],
    result: str,
    note: str = "",
) -> list[ScreeningDecision]:
    """Decides every member of a household together with one result (the household is
    never split). ``decisions`` must be the latest decision of every member."""
    household_ids = {d.household_id for d in decisions}
    if len(household_ids) != 1:
        raise FieldErrors({"decisions": [_("Choose the decisions of one household.")]})
    household_id = household_ids.pop()
    if household_id is not None:
        member_ids = set(
            HouseholdMember.objects.filter(household_id=household_id).values_list(
                "person_id", flat=True
            )
        )
        if member_ids != {d.person_id for d in decisions}:
            raise FieldErrors({"decisions": [_("Decide every member of the household.")]})
    return _review(actor=actor, decisions=[(d, result) for d in decisions], note=note)


def latest_household_decisions(household: Household) -> list[ScreeningDecision]:
    member_ids = list(household.members.values_list("person_id", flat=True))
    latest = decisions_for(member_ids)
    return [latest[pid] for pid in member_ids if pid in latest]


# -- fear interviews ---------------------------------------------------------------------


def record_interview(
    *,
    actor: User | None,
    person: Person,
    version: str,
    fear_how: str,
    counsel_notified_at: dt.datetime | None = None,
    interview_at: dt.datetime | None = None,
    outcome: str = "",
    notes: str = "",
) -> NonRefoulementInterview:
    """Records a non-refoulement interview (scheduled or held).

    Under 2019 only fear volunteered unprompted leads to an interview. Where the version
    gives time to reach counsel (2021: 24 hours), the interview may not be earlier than
    ``counsel_notified_at`` plus that time."""
    _require(actor, Action.SCREENING_DECIDE, person.organization_id)
    _check_version(version)
    rules = ruleset(version)
    interview = NonRefoulementInterview(
        organization_id=person.organization_id, person=person, version=version
    )
    _apply_interview(
        interview,
        rules,
        fear_how=fear_how,
        counsel_notified_at=counsel_notified_at,
        interview_at=interview_at,
        outcome=outcome,
        notes=notes,
    )
    interview.interviewer = actor
    with transaction.atomic():
        interview.save(force_insert=True)
        facts, _created = ScreeningFacts.objects.select_for_update().get_or_create(
            person=person, defaults={"organization_id": person.organization_id}
        )
        if not facts.fear_expressed:
            facts.fear_expressed = True
            facts.fear_expressed_at = timezone.now()
            facts.fear_how = fear_how
            if fear_how == FearHow.ASKED:
                facts.fear_asked = True
                facts.fear_asked_at = facts.fear_asked_at or facts.fear_expressed_at
            facts.save()
        _record(actor, AuditAction.CREATE, interview, person, INTERVIEW_FIELDS)
    return interview


def update_interview(
    *,
    actor: User | None,
    interview: NonRefoulementInterview,
    counsel_notified_at: dt.datetime | None = None,
    interview_at: dt.datetime | None = None,
    outcome: str = "",
    notes: str = "",
) -> NonRefoulementInterview:
    """Changes an interview's times, outcome or notes (same checks as when recorded)."""
    _require(actor, Action.SCREENING_DECIDE, interview.organization_id)
    rules = ruleset(interview.version)
    with transaction.atomic():
        row = NonRefoulementInterview.objects.select_for_update().get(pk=interview.pk)
        _apply_interview(
            row,
            rules,
            fear_how=row.fear_how,
            counsel_notified_at=counsel_notified_at,
            interview_at=interview_at,
            outcome=outcome,
            notes=notes,
        )
        row.interviewer = actor
        row.save()
        _record(actor, AuditAction.UPDATE, row, row.person, INTERVIEW_FIELDS)
    return row


def _apply_interview(
    interview: NonRefoulementInterview,
    rules: engine.RuleSet,
    *,
    fear_how: str,
    counsel_notified_at: dt.datetime | None,
    interview_at: dt.datetime | None,
    outcome: str,
    notes: str,
) -> None:
    errors: dict[str, list[str]] = {}
    if fear_how not in FearHow.values:
        errors["fear_how"] = [_("Choose asked or volunteered.")]
    elif rules.fear_requires_volunteered and fear_how != FearHow.VOLUNTEERED:
        errors["fear_how"] = [
            _("Under this guidance only fear raised unprompted (volunteered) counts.")
        ]
    if outcome not in ("", *FearOutcome.values):
        errors["outcome"] = [_("Choose positive or negative.")]
    if outcome and interview_at is None:
        errors["interview_at"] = [_("An outcome needs the interview time.")]
    for name, value in (
        ("counsel_notified_at", counsel_notified_at),
        ("interview_at", interview_at),
    ):
        if value is not None and timezone.is_naive(value):
            errors[name] = [_("Give a time with its time zone.")]
    earliest: dt.datetime | None = None
    if rules.counsel_hours and not errors:
        if interview_at is not None and counsel_notified_at is None:
            errors["counsel_notified_at"] = [
                _("Record when counsel was notified: the person has time to reach counsel first.")
            ]
        if counsel_notified_at is not None:
            earliest = counsel_notified_at + dt.timedelta(hours=rules.counsel_hours)
            if interview_at is not None and interview_at < earliest:
                errors["interview_at"] = [
                    _("The interview must be at least %(hours)d hours after counsel was notified.")
                    % {"hours": rules.counsel_hours}
                ]
    if errors:
        raise FieldErrors(errors)
    interview.fear_how = fear_how
    interview.counsel_notified_at = counsel_notified_at
    interview.earliest_interview_at = earliest
    interview.interview_at = interview_at
    interview.standard = rules.fear_standard
    interview.outcome = outcome
    interview.notes = notes

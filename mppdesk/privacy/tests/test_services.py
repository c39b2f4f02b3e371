from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import Case, CaseEvent, CaseMember
from mppdesk.core.errors import FieldErrors
from mppdesk.people.models import ContactPoint, Household, HouseholdMember, Person, PersonLanguage
from mppdesk.privacy import services
from mppdesk.privacy.models import ErasedCaseStat, Erasure
from mppdesk.privacy.tests.conftest import close_case, make_family

pytestmark = pytest.mark.django_db

PERSONAL_VALUES = [
    "María", "Gonçalves", "Pérez", "Majo", "1987-03-14", "Tegucigalpa", "656", "majo@",
    "012345678", "Joãozinho", "Audiencia",
]  # fmt: skip


def everything_about(person: Person, case: Case) -> str:
    """Every value readable through the models for the person and their case."""
    person = Person.objects.get(pk=person.pk)
    case = Case.objects.get(pk=case.pk)
    values = [
        person.given_names, person.family_names, person.other_names, person.birth_date,
        person.birth_year, person.notes, person.vulnerabilities, person.nationality,
        list(ContactPoint.objects.filter(person_id=person.pk).values_list("pk", flat=True)),
        list(PersonLanguage.objects.filter(person_id=person.pk).values_list("code", flat=True)),
        case.a_number, [e.summary for e in CaseEvent.objects.filter(case=case)],
    ]  # fmt: skip
    return json.dumps(values, default=str, ensure_ascii=False)


def test_erase_keeps_ids_and_removes_every_personal_value(personas, family, supervisor):
    services.erase_person(actor=supervisor, person=family.lead, reason="request")
    services.erase_person(actor=supervisor, person=family.child, reason="request")

    for person in (family.lead, family.child):
        dump = everything_about(person, family.case)
        for value in PERSONAL_VALUES:
            assert value not in dump, value
        reloaded = Person.objects.get(pk=person.pk)
        assert reloaded.given_names == "—"
        assert (reloaded.family_names, reloaded.other_names, reloaded.notes) == ("", [], "")
        assert (reloaded.birth_date, reloaded.birth_year, reloaded.sex) == (None, None, "U")
        assert reloaded.vulnerabilities == [] and reloaded.nationality == ""
        assert not reloaded.contact_points.exists() and not reloaded.languages.exists()
    case = Case.objects.get(pk=family.case.pk)
    assert case.a_number.startswith("X") and len(case.a_number) == 9
    assert services.is_erased_anumber(case.a_number)
    # Ids and links survive for the audit chain and the statistics.
    assert CaseMember.objects.filter(case=case).count() == 2
    assert HouseholdMember.objects.filter(person=family.child, relationship="child").exists()
    assert Household.objects.filter(lead=family.lead).exists()
    assert CaseEvent.objects.filter(case=case, kind="note").exists()
    erasure = Erasure.objects.get(person_id=family.lead.pk)
    assert (erasure.reason, erasure.actor, erasure.organization) == (
        "request",
        supervisor,
        personas.org,
    )


def test_erase_counts_deidentified_statistics(personas, family):
    close_case(family.case, dt.date(2022, 5, 9))
    services.erase_person(actor=None, person=family.lead, reason="retention")

    stat = ErasedCaseStat.objects.get()
    assert stat.count == 1
    assert (stat.nationality, stat.sex, stat.birth_years, stat.role) == (
        "HND",
        "F",
        "1985-1989",
        "lead",
    )
    assert (stat.case_status, stat.opened_month, stat.closed_month) == (
        "closed",
        "2021-02",
        "2022-05",
    )
    assert stat.venue_code == (family.case.venue.code if family.case.venue else "")
    assert stat.organization == personas.org
    # A second person with the same attributes adds to the same cell.
    other = make_family(personas.org, a_number="123456789")
    close_case(other.case, dt.date(2022, 5, 20))
    services.erase_person(actor=None, person=other.lead, reason="retention")
    assert ErasedCaseStat.objects.get(role="lead").count == 2


def test_a_person_without_cases_is_counted_once(personas):
    from mppdesk.people import services as people_services

    person = people_services.create_person(
        actor=None, organization=personas.org, data={"given_names": "Ana", "birth_date": "1990"}
    )
    services.erase_person(actor=None, person=person, reason="request")
    stat = ErasedCaseStat.objects.get()
    assert (stat.count, stat.birth_years, stat.case_status) == (1, "1990-1994", "")


def test_a_number_stays_while_a_family_member_keeps_their_data(family, supervisor):
    services.erase_person(actor=supervisor, person=family.lead, reason="request")
    case = Case.objects.get(pk=family.case.pk)
    assert case.a_number == "012345678"  # the child still needs it for the hearing
    assert all(not e.summary for e in CaseEvent.objects.filter(case=case))
    assert Person.objects.get(pk=family.child.pk).given_names == "Joãozinho"


def test_erase_writes_audit_entries_with_ids_only(family, supervisor):
    contact_ids = {str(pk) for pk in family.lead.contact_points.values_list("pk", flat=True)}
    before = AuditEntry.objects.count()
    services.erase_person(actor=supervisor, person=family.lead, reason="request")
    entries = list(AuditEntry.objects.all()[before:])
    person_entry = next(e for e in entries if e.object_type == "person")
    assert (person_entry.action, person_entry.object_id) == ("delete", str(family.lead.pk))
    assert {"given_names", "contact_points", "notes"} <= set(person_entry.fields)
    assert {e.object_id for e in entries if e.object_type == "contact_point"} == contact_ids
    case_entry = next(e for e in entries if e.object_type == "case")
    assert (case_entry.action, case_entry.fields) == ("update", ["events"])
    assert all(e.actor == supervisor for e in entries)


def test_erasing_twice_is_refused(family):
    services.erase_person(actor=None, person=family.lead, reason="request")
    with pytest.raises(FieldErrors) as exc:
        services.erase_person(actor=None, person=family.lead, reason="request")
    assert "person" in exc.value.errors
    assert Erasure.objects.count() == 1


def test_unknown_reason_is_a_field_error(family):
    with pytest.raises(FieldErrors) as exc:
        services.erase_person(actor=None, person=family.lead, reason="boredom")
    assert "reason" in exc.value.errors
    assert Person.objects.get(pk=family.lead.pk).given_names == "María José"


def test_reindex_person_is_called_when_present(family, monkeypatch):
    from mppdesk.people import services as people_services

    seen = []
    monkeypatch.setattr(people_services, "reindex_person", seen.append, raising=False)
    services.erase_person(actor=None, person=family.lead, reason="request")
    assert [p.pk for p in seen] == [family.lead.pk]
    assert seen[0].given_names == "—"


# --- retention ------------------------------------------------------------------------


@pytest.fixture
def retention(settings):  # type: ignore[no-untyped-def]
    settings.MPPDESK_RETENTION_DAYS = 365
    return settings


NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_expired_people_are_those_whose_cases_all_closed_long_enough(personas, retention):
    old = make_family(personas.org, a_number="111111111")
    close_case(old.case, dt.date(2025, 5, 1))  # 396 days before NOW
    recent = make_family(personas.org, a_number="222222222")
    close_case(recent.case, dt.date(2025, 8, 1))
    open_family = make_family(personas.org, a_number="333333333")
    # One old closed case and one open case: kept.
    from mppdesk.cases import services as case_services

    mixed = make_family(personas.org, a_number="444444444")
    close_case(mixed.case, dt.date(2020, 1, 1))
    case_services.open_case(
        actor=None,
        organization=personas.org,
        a_number="555555555",
        lead=mixed.lead,
        members=[mixed.child],
    )

    expired = set(services.expired_people(NOW).values_list("pk", flat=True))
    assert expired == {old.lead.pk, old.child.pk}, (recent, open_family)


def test_purge_erases_expired_people_and_reports_counts(personas, retention):
    old = make_family(personas.org, a_number="111111111")
    close_case(old.case, dt.date(2024, 1, 1))
    keep = make_family(personas.org, a_number="222222222")
    calls = []

    result = services.purge(actor=None, now=NOW, progress=lambda d, t: calls.append((d, t)))

    assert (result.people, result.cases, result.dry_run) == (2, 1, False)
    assert calls[-1] == (2, 2)
    assert set(Erasure.objects.values_list("person_id", flat=True)) == {old.lead.pk, old.child.pk}
    assert set(Erasure.objects.values_list("reason", flat=True)) == {"retention"}
    assert Person.objects.get(pk=keep.lead.pk).given_names == "María José"
    assert Case.objects.get(pk=old.case.pk).a_number.startswith("X")
    # Nothing left to do on the next run.
    assert services.purge(actor=None, now=NOW).people == 0


def test_purge_dry_run_writes_nothing(personas, retention):
    old = make_family(personas.org, a_number="111111111")
    close_case(old.case, dt.date(2024, 1, 1))
    audit_before = AuditEntry.objects.count()

    result = services.purge(actor=None, now=NOW, dry_run=True)

    assert (result.people, result.cases, result.dry_run) == (2, 1, True)
    assert not Erasure.objects.exists() and not ErasedCaseStat.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    assert Person.objects.get(pk=old.lead.pk).given_names == "María José"


def test_retention_zero_disables_purge(personas, settings):
    settings.MPPDESK_RETENTION_DAYS = 0
    old = make_family(personas.org, a_number="111111111")
    close_case(old.case, dt.date(2000, 1, 1))
    assert not services.expired_people(NOW).exists()
    result = services.purge(actor=None, now=NOW)
    assert result.disabled and result.people == 0
    assert not Erasure.objects.exists()


def test_default_retention_is_five_years(personas, settings):
    settings.MPPDESK_RETENTION_DAYS = 1825  # the default (core/tests/test_settings.py)
    family = make_family(personas.org)
    close_case(family.case, timezone.localdate(NOW) - dt.timedelta(days=1825))
    assert not services.expired_people(NOW).exists()  # exactly five years: not yet
    close_case(family.case, timezone.localdate(NOW) - dt.timedelta(days=1826))
    assert services.expired_people(NOW).count() == 2


def test_no_search_tokens_are_left_after_erasure(family):
    services.erase_person(actor=None, person=family.lead, reason="request")
    person = Person.objects.get(pk=family.lead.pk)
    tokens = getattr(person, "name_tokens", None)
    if tokens is None:  # before the blind indexes land, the folded key is blanked instead
        assert getattr(person, "search_key", "") == ""
    else:
        assert not tokens.exists()

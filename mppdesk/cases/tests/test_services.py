import datetime as dt

import pytest

from mppdesk.audit.models import AuditEntry
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases import services
from mppdesk.cases.models import (
    Case,
    CaseEvent,
    CaseMember,
    CaseStatus,
    ProgramVersion,
    anumber_index,
)
from mppdesk.core.errors import FieldErrors
from mppdesk.testing.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Case.objects.count(),
        CaseMember.objects.count(),
        CaseEvent.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def lead(personas):
    return PersonFactory(organization=personas.org)


def _open(personas, lead, **kwargs):
    kwargs.setdefault("a_number", "A 12-345-678")
    return services.open_case(
        actor=personas.caseworker, organization=personas.org, lead=lead, **kwargs
    )


def test_open_case_normalizes_the_a_number(personas, lead):
    case = _open(personas, lead)
    case.refresh_from_db()
    assert case.a_number == "012345678"
    assert case.a_number_display == "A012-345-678"
    assert case.organization == personas.org
    assert case.status == CaseStatus.INTAKE
    assert case.program_version == ProgramVersion.CURRENT
    assert case.opened_on is not None


def test_open_case_creates_lead_and_riders(personas, lead):
    spouse = PersonFactory(organization=personas.org)
    child = PersonFactory(organization=personas.org)
    case = _open(personas, lead, members=[spouse, child, lead, child])
    roles = dict(case.members.values_list("person_id", "role"))
    assert roles == {lead.pk: "lead", spouse.pk: "rider", child.pk: "rider"}


def test_open_case_records_opened_event_and_audit(personas, lead):
    case = _open(personas, lead, opened_on=dt.date(2026, 2, 1))
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.OPENED
    assert event.actor == personas.caseworker
    assert case.opened_on == dt.date(2026, 2, 1)
    entry = AuditEntry.objects.get(object_type="case")
    assert (entry.action, entry.object_id, entry.actor) == (
        "create",
        str(case.pk),
        personas.caseworker,
    )
    assert "012345678" not in repr(AuditEntry.objects.filter(pk=entry.pk).values().get())


def test_duplicate_a_number_in_the_same_organization_is_refused(personas, lead):
    _open(personas, lead, a_number="012345678")
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        _open(personas, PersonFactory(organization=personas.org), a_number="A#12345678")
    assert excinfo.value.errors["a_number"] == ["A case with this A-number already exists."]
    assert _counts() == before


def test_same_a_number_may_exist_in_another_organization(personas, lead):
    _open(personas, lead, a_number="012345678")
    other_lead = PersonFactory(organization=personas.other_org)
    case = services.open_case(
        actor=personas.outsider,
        organization=personas.other_org,
        lead=other_lead,
        a_number="012-345-678",
    )
    assert case.a_number == "012345678"
    assert Case.objects.filter(a_number_bidx=anumber_index("012345678")).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"a_number": ""}, "a_number", "required"),
        ({"a_number": "1234567"}, "a_number", "8 or 9 digits"),
        ({"a_number": "A12345678X"}, "a_number", "only digits"),
        ({"program_version": "1999"}, "program_version", "2019, 2021, current"),
        ({"status": "lost"}, "status", "intake"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(personas, lead, kwargs, field, message):
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        _open(personas, lead, **kwargs)
    assert field in excinfo.value.errors
    assert message in " ".join(excinfo.value.errors[field])
    assert _counts() == before


def test_all_bad_fields_reported_together(personas, lead):
    with pytest.raises(FieldErrors) as excinfo:
        _open(personas, lead, a_number="x", program_version="x", status="x")
    assert set(excinfo.value.errors) == {"a_number", "program_version", "status"}


def test_lead_of_another_organization_is_refused(personas):
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        _open(personas, PersonFactory(organization=personas.other_org))
    assert "lead" in excinfo.value.errors
    assert _counts() == before


def test_rider_of_another_organization_is_refused(personas, lead):
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        _open(personas, lead, members=[PersonFactory(organization=personas.other_org)])
    assert "members" in excinfo.value.errors
    assert _counts() == before


# --- add_case_member -----------------------------------------------------------------


def test_add_case_member(personas):
    case = CaseFactory(organization=personas.org)
    child = PersonFactory(organization=personas.org)
    member = services.add_case_member(actor=personas.caseworker, case=case, person=child)
    assert member.role == CaseMember.Role.RIDER
    event = case.events.get(kind=CaseEvent.Kind.MEMBER_ADDED)
    assert event.data == {"person": str(child.pk)}
    # adding again changes nothing
    services.add_case_member(actor=personas.caseworker, case=case, person=child)
    assert case.members.count() == 2
    assert case.events.filter(kind=CaseEvent.Kind.MEMBER_ADDED).count() == 1
    assert AuditEntry.objects.filter(object_type="case").count() == 1


def test_add_case_member_refuses_another_organization(personas):
    case = CaseFactory(organization=personas.org)
    with pytest.raises(FieldErrors) as excinfo:
        services.add_case_member(
            actor=None, case=case, person=PersonFactory(organization=personas.other_org)
        )
    assert "person" in excinfo.value.errors
    assert case.members.count() == 1


# --- update_case ---------------------------------------------------------------------


def test_status_change_records_event_and_audit(personas, lead):
    case = _open(personas, lead)
    mark = audit_mark()
    case = services.update_case(actor=personas.caseworker, case=case, status=CaseStatus.ACTIVE)
    assert Case.objects.get(pk=case.pk).status == "active"
    event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGED)
    assert event.data == {"from": "intake", "to": "active"}
    assert event.actor == personas.caseworker
    entry = entries_after(mark).get()
    assert (entry.action, entry.fields) == ("update", ["status"])


def test_other_changes_record_an_updated_event(personas, lead):
    from mppdesk.places.models import Port, Venue

    case = _open(personas, lead)
    mark = audit_mark()
    port, venue = Port.objects.first(), Venue.objects.first()
    assert port is not None and venue is not None, "seeded by a data migration"
    services.update_case(
        actor=personas.caseworker,
        case=case,
        a_number="987654321",
        program_version="2019",
        port=port,
        venue=venue,
    )
    case.refresh_from_db()
    assert (case.a_number, case.program_version, case.port, case.venue) == (
        "987654321",
        "2019",
        port,
        venue,
    )
    event = case.events.get(kind=CaseEvent.Kind.UPDATED)
    assert event.data == {"fields": ["a_number", "port", "program_version", "venue"]}
    assert entries_after(mark).get().fields == ["a_number", "port", "program_version", "venue"]
    assert "987654321" not in repr(event.data)


def test_update_without_changes_records_nothing(personas, lead):
    case = _open(personas, lead)
    before = _counts()
    services.update_case(
        actor=None, case=case, a_number="A012-345-678", status="intake", program_version="current"
    )
    assert _counts() == before


def test_closing_sets_closed_on_and_reopening_clears_it(personas, lead):
    case = _open(personas, lead)
    case = services.update_case(actor=None, case=case, status=CaseStatus.CLOSED)
    assert case.closed_on is not None
    case = services.update_case(actor=None, case=case, status=CaseStatus.ACTIVE)
    assert Case.objects.get(pk=case.pk).closed_on is None


def test_update_case_errors_name_fields_and_change_nothing(personas, lead):
    case = _open(personas, lead)
    other = _open(personas, PersonFactory(organization=personas.org), a_number="111111111")
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        services.update_case(
            actor=None, case=case, a_number="111-111-111", status="bogus", program_version="bogus"
        )
    assert set(excinfo.value.errors) == {"a_number", "status", "program_version"}
    assert _counts() == before
    assert Case.objects.get(pk=case.pk).a_number == "012345678"
    assert other.a_number == "111111111"


def test_update_a_number_to_one_used_in_another_organization_is_allowed(personas, lead):
    CaseFactory(organization=personas.other_org, a_number="222222222")
    case = services.update_case(actor=None, case=_open(personas, lead), a_number="222222222")
    assert case.a_number == "222222222"


# --- add_case_note -------------------------------------------------------------------


def test_add_case_note(personas, lead):
    case = _open(personas, lead)
    event = services.add_case_note(
        actor=personas.caseworker, case=case, summary="  Called   the shelter "
    )
    assert (event.kind, event.summary, event.actor) == (
        CaseEvent.Kind.NOTE,
        "Called the shelter",
        personas.caseworker,
    )
    entry = AuditEntry.objects.filter(object_type="case").last()
    assert entry.fields == ["events"]
    assert "shelter" not in repr(AuditEntry.objects.filter(pk=entry.pk).values().get())


@pytest.mark.parametrize(
    ("summary", "message"), [("", "required"), ("   ", "required"), ("x" * 501, "500")]
)
def test_add_case_note_errors(personas, lead, summary, message):
    case = _open(personas, lead)
    before = _counts()
    with pytest.raises(FieldErrors) as excinfo:
        services.add_case_note(actor=None, case=case, summary=summary)
    assert message in excinfo.value.errors["summary"][0]
    assert _counts() == before


def test_clean_anumber_names_the_given_field():
    with pytest.raises(FieldErrors) as excinfo:
        services.clean_anumber("12", field="rows[3].a_number")
    assert list(excinfo.value.errors) == ["rows[3].a_number"]
    assert services.clean_anumber("A12345678") == "012345678"

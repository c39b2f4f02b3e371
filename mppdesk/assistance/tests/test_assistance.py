"""Documents, needs, service referrals, letters, transport, reminders: behaviour, roles,
bad input, sharing with a provider in MPP Desk, erasure and subject access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.assistance import letters, queries, services
from mppdesk.assistance.models import (
    DocumentEvent,
    Need,
    PersonDocument,
    ServiceProvider,
    ServiceReferral,
)
from mppdesk.assistance.tests.conftest import A_NUMBER, Family
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings.pdf.tests.pdftext import text as pdf_text
from mppdesk.messaging.models import Message
from mppdesk.people.models import PersonLanguage
from mppdesk.places.models import Shelter
from mppdesk.privacy import services as privacy
from mppdesk.privacy.subject_access import build_subject_export
from mppdesk.sharing.models import Referral
from mppdesk.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _member(org: Any, role: str) -> Any:
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=role)
    return user


def _clinic() -> ServiceProvider:
    return ServiceProvider.objects.get(name="Clínica Comunitaria Ciudad Juarez (sintética)")


def _refer(actor: Any, need: Need, provider: ServiceProvider, **extra: Any) -> ServiceReferral:
    return services.refer_need(
        actor=actor, need=need, provider=provider,
        consent_given_at=timezone.now() - dt.timedelta(minutes=1),
        consent_method="verbal_in_person", **extra,
    )  # fmt: skip


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Membership.Role.CASEWORKER, True),
        (Membership.Role.SUPERVISOR, True),
        (Membership.Role.ATTORNEY, True),
        (Membership.Role.COORDINATOR, True),
        (Membership.Role.ADMIN, True),
        (Membership.Role.ANALYST, False),
        (Membership.Role.AUDITOR, False),
    ],
)
def test_each_role_may_write_as_the_matrix_says(
    family: Family, personas: Any, role: str, allowed: bool
) -> None:
    user = _member(personas.other_org, role)
    if allowed:
        services.add_need(actor=user, person=family.father, kind="food")
        assert Need.objects.filter(person=family.father).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.add_need(actor=user, person=family.father, kind="food")
        with pytest.raises(PermissionDenied):
            services.add_document(actor=user, person=family.father, kind="curp")


def test_analyst_and_auditor_pages_are_refused(family: Family, personas: Any) -> None:
    from mppdesk.accounts.testing import verified_login

    for role in (Membership.Role.ANALYST, Membership.Role.AUDITOR):
        client = verified_login(Client(), _member(personas.other_org, role))
        assert client.get(f"/assistance/people/{family.father.pk}").status_code == 403
        assert client.get("/assistance/work").status_code == 403
        assert client.get("/assistance/transport").status_code == 403


# --- bad input ---------------------------------------------------------------------------


def test_bad_input_names_the_field(family: Family, shelter_client: Client) -> None:
    base = f"/assistance/people/{family.father.pk}"
    response = shelter_client.post(f"{base}/documents", {"kind": "passport", "expires_on": "soon"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="kind"' in page and 'data-field="expires_on"' in page
    response = shelter_client.post(f"{base}/needs", {"kind": "", "priority": "whenever"})
    assert response.status_code == 400
    assert 'data-field="kind"' in response.content.decode()
    assert 'data-field="priority"' in response.content.decode()
    response = shelter_client.post(f"{base}/refer", {"need": "not-a-uuid"})
    assert response.status_code == 400 and 'data-field="need"' in response.content.decode()
    response = shelter_client.post(f"{base}/letter", {"purpose": "gossip"})
    assert response.status_code == 400 and 'data-field="purpose"' in response.content.decode()
    response = shelter_client.get("/assistance/transport", {"day": "tomorrow"})
    assert response.status_code == 400 and 'data-field="day"' in response.content.decode()
    assert not PersonDocument.objects.exists() and not Need.objects.exists()


def test_referral_needs_consent_and_a_provider_offering_the_service(
    family: Family, personas: Any
) -> None:
    need = services.add_need(actor=personas.outsider, person=family.father, kind="school")
    with pytest.raises(FieldErrors) as caught:
        services.refer_need(
            actor=personas.outsider, need=need, provider=_clinic(), consent_given_at=None,
            consent_method="telepathy", follow_up_on="2020-01-01",
        )  # fmt: skip
    assert set(caught.value.errors) >= {"provider", "consent_given_at", "consent_method"}
    assert not ServiceReferral.objects.exists()


def test_a_document_moves_only_along_its_timeline(family: Family, personas: Any) -> None:
    actor = personas.outsider
    document = services.add_document(
        actor=actor, person=family.father, kind="tvrh", status="needed"
    )
    assert document.office == "INM"
    with pytest.raises(FieldErrors) as caught:
        services.change_document_status(actor=actor, document=document, status="expired")
    assert "status" in caught.value.errors
    services.change_document_status(
        actor=actor, document=document, status="requested", office="INM Juárez"
    )
    services.change_document_status(
        actor=actor, document=document, status="issued", number="TVRH-998877",
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )  # fmt: skip
    document.refresh_from_db()
    assert document.number == "TVRH-998877" and document.status == "issued"
    assert [e.status for e in DocumentEvent.objects.filter(document=document)] == [
        "needed", "requested", "issued",
    ]  # fmt: skip
    # The number is encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {PersonDocument._meta.db_table}")  # noqa: S608
        stored = cursor.fetchone()[0]
    assert "998877" not in stored
    # A non-court document stolen flags nothing.
    services.change_document_status(actor=actor, document=document, status="stolen")
    family.case.refresh_from_db()
    assert family.case.document_exposed_at is None


# --- service referral to an organization in MPP Desk ---------------------------------------


def test_a_provider_in_mpp_desk_receives_the_referral_in_its_queue(
    family: Family, personas: Any, legal_client: Client
) -> None:
    provider = ServiceProvider.objects.create(
        name="Asistencia Legal Frontera", city="Ciudad Juarez", organization=personas.org,
        services=["legal_us", "legal_mx"], languages=["es", "en"],
    )  # fmt: skip
    services.add_document(
        actor=personas.outsider, person=family.father, kind="curp", number="CURP123"
    )
    need = services.add_need(
        actor=personas.outsider, person=family.father, kind="legal_us", note="private story"
    )
    referral = _refer(personas.outsider, need, provider)
    shared = Referral.objects.get(person=family.father, to_organization=personas.org)
    assert referral.sharing_referral == shared
    assert shared.status == "pending" and shared.purpose == "legal_representation"
    assert shared.purpose_note == "Ayuda legal, caso en EE. UU."  # the service, not the note
    incoming = legal_client.get("/sharing/incoming").content.decode()
    assert "Ayuda legal, caso en EE. UU." in incoming
    # Before it accepts, it sees nothing of the person.
    assert legal_client.get(f"/assistance/people/{family.father.pk}").status_code == 404
    from mppdesk.sharing.services import accept_referral

    accept_referral(actor=personas.caseworker, referral=shared)
    page = legal_client.get(f"/assistance/people/{family.father.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ayuda legal, caso en EE. UU." in html
    assert "CURP123" not in html and "private story" not in html
    assert "Agregar una necesidad" not in html and "Agregar un documento" not in html
    # It cannot write the owner's records.
    response = legal_client.post(f"/assistance/people/{family.father.pk}/needs", {"kind": "food"})
    assert response.status_code == 403
    assert not Need.objects.filter(kind="food").exists()


# --- outcome, follow-up, work list ---------------------------------------------------------


def test_outcome_received_meets_the_need_and_clears_the_follow_up(
    family: Family, personas: Any
) -> None:
    need = services.add_need(actor=personas.outsider, person=family.father, kind="health")
    referral = _refer(personas.outsider, need, _clinic(), follow_up_on=timezone.localdate())
    assert queries.worklist(personas.outsider).overdue == [referral]
    services.record_referral_outcome(
        actor=personas.outsider, referral=referral, outcome="no_answer"
    )
    assert queries.worklist(personas.outsider).overdue == [referral]
    services.record_referral_outcome(actor=personas.outsider, referral=referral, outcome="received")
    need.refresh_from_db()
    assert need.status == "met"
    assert queries.worklist(personas.outsider).overdue == []
    with pytest.raises(FieldErrors) as caught:
        services.record_referral_outcome(
            actor=personas.outsider, referral=referral, outcome="maybe"
        )
    assert "outcome" in caught.value.errors


# --- letter --------------------------------------------------------------------------------


def test_letter_shows_only_what_the_recipient_needs(family: Family, personas: Any) -> None:
    PersonLanguage.objects.filter(person=family.father).delete()
    PersonLanguage.objects.create(person=family.father, code="por", preferred=True)
    mark = audit_mark()
    school = pdf_text(
        letters.letter_for(actor=personas.outsider, person_pk=family.father.pk, purpose="school")
    )
    assert "Declaração de processo de imigração" in school  # the person's language
    assert "Constancia de procedimiento migratorio" in school  # and Spanish
    assert family.father.full_name in school
    assert A_NUMBER not in school.replace("-", "") and "Número A" not in school
    assert family.hearing.docket.venue.name in school
    authority = pdf_text(
        letters.letter_for(
            actor=personas.outsider, person_pk=family.father.pk, purpose="mexican_authority"
        )
    )
    assert A_NUMBER in authority.replace("-", "")
    entries = {
        next(f for f in e.fields if f.startswith("letter:")): e.fields
        for e in entries_after(mark).filter(action="export", object_type="person")
    }
    assert set(entries) == {"letter:school", "letter:mexican_authority"}
    assert "a_number" not in entries["letter:school"]
    assert "a_number" in entries["letter:mexican_authority"]


def test_letter_is_refused_to_another_organization(family: Family, personas: Any) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        letters.letter_for(actor=personas.caseworker, person_pk=family.father.pk, purpose="school")


# --- transport -----------------------------------------------------------------------------


def test_transport_list_per_port_and_morning_without_anumbers(
    family: Family, personas: Any, shelter_client: Client, settings: Any
) -> None:
    hearing = family.hearing
    assert hearing.report_at is not None
    shelter = Shelter.objects.filter(city="Ciudad Juarez").first()
    services.add_need(
        actor=personas.outsider, person=family.father, kind="transport", hearing=hearing,
        shelter=shelter, accompaniment=True,
    )  # fmt: skip
    port = hearing.port or family.case.port
    assert port is not None
    from zoneinfo import ZoneInfo

    local = hearing.report_at.astimezone(ZoneInfo(port.timezone))
    mornings = queries.transport_list(personas.outsider, day=local.date())
    assert local.hour < queries.EARLY_BEFORE_HOUR  # an 8:00 docket reports before dawn
    (morning,) = mornings
    assert morning.port == port.name
    assert [r.person for r in morning.riders] == [family.father]
    assert morning.per_shelter == [(shelter.name if shelter else "—", 1)]
    # The day after has nobody.
    assert queries.transport_list(personas.outsider, day=local.date() + dt.timedelta(days=1)) == []
    response = shelter_client.get("/assistance/transport", {"day": local.date().isoformat()})
    assert response.status_code == 200
    assert A_NUMBER not in response.content.decode()
    pdf = shelter_client.get(
        "/assistance/transport", {"day": local.date().isoformat(), "format": "pdf"}
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert A_NUMBER not in pdf_text(pdf.content).replace("-", "")
    assert queries.transport_list(personas.caseworker, day=local.date()) == []


# --- reminders -----------------------------------------------------------------------------


def test_expiry_reminder_goes_once_in_the_persons_language(family: Family, personas: Any) -> None:
    PersonLanguage.objects.filter(person=family.father).delete()
    PersonLanguage.objects.create(person=family.father, code="eng", preferred=True)
    services.add_document(
        actor=personas.outsider, person=family.father, kind="fmm", status="issued",
        expires_on=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip
    assert services.send_expiry_reminders() == 1
    assert services.send_expiry_reminders() == 0
    message = Message.objects.get(person=family.father, template="manual")
    assert message.language == "en" and message.body.startswith("Your FMM expires on")
    assert [d.kind for d in queries.worklist(personas.outsider).expiring] == ["fmm"]
    assert queries.worklist(personas.caseworker).expiring == []


# --- erasure and subject access --------------------------------------------------------------


def test_erasure_and_subject_access_cover_every_table(family: Family, personas: Any) -> None:
    actor = personas.outsider
    father = family.father
    services.add_document(actor=actor, person=father, kind="curp", number="CURPSECRET1")
    need = services.add_need(actor=actor, person=father, kind="health", note="asthma")
    _refer(actor, need, _clinic(), note="call before")
    export = build_subject_export(father)
    assert export["documents"][0]["number"] == "CURPSECRET1"
    assert export["documents"][0]["timeline"][0]["status"] == "needed"
    assert export["needs"][0]["note"] == "asthma"
    assert export["service_referrals"][0]["note"] == "call before"
    child_need = services.add_need(actor=actor, person=family.children[0], kind="school")
    privacy.erase_person(actor=None, person=father, reason="request")
    for model in (PersonDocument, Need, ServiceReferral):
        assert not model.objects.filter(person=father).exists()
    assert not DocumentEvent.objects.exists()
    assert Need.objects.filter(pk=child_need.pk).exists()  # the child's stays

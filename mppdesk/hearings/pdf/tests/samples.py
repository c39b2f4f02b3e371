"""Plain sample data for the renderer tests: no database, no factories."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from mppdesk.hearings.evidence import (
    AddressCheck,
    ContactRecord,
    EvidencePacket,
    FollowUpRecord,
    HearingRecord,
    MessageRecord,
    NoticeRecord,
    PersonRecord,
)
from mppdesk.hearings.pdf.notice import NoticeData

DENVER = ZoneInfo("America/Denver")
JUAREZ = ZoneInfo("America/Ciudad_Juarez")
UTC = dt.UTC
A_NUMBER_DIGITS = "012345678"
A_NUMBER = "A012-345-678"


def notice(**overrides: Any) -> NoticeData:
    """A master calendar hearing in El Paso on Tuesday 3 March 2026 at 08:30; report at
    04:15 in Ciudad Juárez."""
    values: dict[str, Any] = {
        "language": "es",
        "kind": "scheduled",
        "person_name": "María José Gonçalves Pérez",
        "a_number_display": A_NUMBER,
        "hearing_kind": "master",
        "hearing_local": dt.datetime(2026, 3, 3, 8, 30, tzinfo=DENVER),
        "venue_name": "El Paso Immigration Court",
        "venue_city": "El Paso, TX",
        "court_timezone": "America/Denver",
        "port_name": "El Paso – Paso del Norte",
        "port_city": "Ciudad Juárez",
        "report_local": dt.datetime(2026, 3, 3, 4, 15, tzinfo=JUAREZ),
        "port_timezone": "America/Ciudad_Juarez",
        "report_place": "Puente Paso del Norte, entrada peatonal",
        "served_method": "in_person",
        "issued_on": dt.date(2026, 2, 10),
    }
    values.update(overrides)
    return NoticeData(**values)


def _hearing(**overrides: Any) -> HearingRecord:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "replaces_id": None,
        "kind": "master",
        "kind_label": "Master calendar",
        "status": "rescheduled",
        "status_label": "Rescheduled",
        "outcome": "continued",
        "outcome_label": "Continued",
        "continuance_reason": "Juez ausente / judge absent",
        "venue_name": "El Paso Immigration Court",
        "venue_timezone": "America/Denver",
        "courtroom": "3",
        "judge": "Judge Example",
        "docket_date": dt.date(2026, 1, 13),
        "session": "am",
        "scheduled_at": dt.datetime(2026, 1, 13, 15, 30, tzinfo=UTC),
        "scheduled_local": "2026-01-13 08:30 MST (America/Denver)",
        "port_name": "El Paso",
        "port_mexican_city": "Ciudad Juárez",
        "port_timezone": "America/Ciudad_Juarez",
        "report_at": dt.datetime(2026, 1, 13, 11, 15, tzinfo=UTC),
        "report_local": "2026-01-13 04:15 MST (America/Ciudad_Juarez)",
        "report_place": "Puente Paso del Norte",
        "created_at": dt.datetime(2025, 11, 20, 17, 0, tzinfo=UTC),
        "created_by": "Coordinadora Núñez",
    }
    values.update(overrides)
    return HearingRecord(**values)


def packet(*, messages: bool = False) -> EvidencePacket:
    """Two hearings (the first continued, the second missed) and three notices."""
    first = _hearing()
    second = _hearing(
        replaces_id=first.id,
        status="held",
        status_label="Held",
        outcome="removal_in_absentia",
        outcome_label="Removal ordered in absentia",
        continuance_reason="",
        docket_date=dt.date(2026, 3, 9),
        scheduled_at=dt.datetime(2026, 3, 9, 14, 30, tzinfo=UTC),
        scheduled_local="2026-03-09 08:30 MDT (America/Denver)",
        report_at=dt.datetime(2026, 3, 9, 10, 15, tzinfo=UTC),
        report_local="2026-03-09 04:15 MDT (America/Ciudad_Juarez)",
        created_at=dt.datetime(2026, 1, 13, 18, 0, tzinfo=UTC),
    )
    lead = PersonRecord(
        id=uuid.uuid4(),
        name="María José Gonçalves Pérez",
        role="lead",
        role_label="Lead",
        languages=["spa", "por"],
        needs_interpreter=True,
    )
    child = PersonRecord(
        id=uuid.uuid4(),
        name="Ñandú Pérez",
        role="rider",
        role_label="Rider",
        languages=["spa"],
        needs_interpreter=True,
    )
    ok = AddressCheck(could_reach=True, code="ok", reason="A postal address in Ciudad Juárez.")
    facebook = AddressCheck(
        could_reach=False, code="social_media", reason="The address names a social network."
    )
    notices = [
        NoticeRecord(
            id=uuid.uuid4(),
            hearing_id=first.id,
            kind="scheduled",
            kind_label="Scheduled",
            method="in_person",
            method_label="In person",
            address="Albergue Buen Pastor, Ciudad Juárez",
            language="es",
            served_at=dt.datetime(2025, 11, 20, 18, 0, tzinfo=UTC),
            served_by="Agente López",
            recorded_at=dt.datetime(2025, 11, 20, 18, 5, tzinfo=UTC),
            recorded_by="Coordinadora Núñez",
            address_check=ok,
        ),
        NoticeRecord(
            id=uuid.uuid4(),
            hearing_id=second.id,
            kind="changed",
            kind_label="Changed",
            method="mail",
            method_label="Mail",
            address="=Facebook",
            language="es",
            served_at=None,
            served_by="",
            recorded_at=dt.datetime(2026, 1, 13, 18, 10, tzinfo=UTC),
            recorded_by="Coordinadora Núñez",
            address_check=facebook,
        ),
    ]
    contacts = [
        ContactRecord(
            person_id=lead.id,
            kind="phone",
            kind_label="Phone",
            value="+526561234567",
            consent=True,
            consent_recorded_at=dt.datetime(2025, 11, 20, 18, 0, tzinfo=UTC),
            opted_out=False,
            opted_out_at=None,
            reachable=True,
        ),
        ContactRecord(
            person_id=lead.id,
            kind="email",
            kind_label="E-mail",
            value="majo@example.org",
            consent=True,
            consent_recorded_at=dt.datetime(2025, 11, 20, 18, 0, tzinfo=UTC),
            opted_out=True,
            opted_out_at=dt.datetime(2026, 1, 2, 9, 0, tzinfo=UTC),
            reachable=False,
        ),
    ]
    message_list = (
        [
            MessageRecord(
                id=uuid.uuid4(),
                hearing_id=second.id,
                channel="sms",
                to="+526561234567",
                language="es",
                created_at=dt.datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
                sent_at=dt.datetime(2026, 3, 6, 16, 0, 5, tzinfo=UTC),
                status="failed",
                status_at=dt.datetime(2026, 3, 6, 16, 1, tzinfo=UTC),
                error="número no válido",
            )
        ]
        if messages
        else []
    )
    return EvidencePacket(
        generated_at=dt.datetime(2026, 3, 20, 17, 0, tzinfo=UTC),
        organization_name="Organización Ejemplo",
        case_id=uuid.uuid4(),
        a_number_display=A_NUMBER,
        hearing=second,
        chain=[first, second],
        notices=notices,
        people=[lead, child],
        contact_points=contacts,
        address_could_reach=facebook,
        follow_up=FollowUpRecord(
            id=uuid.uuid4(),
            status="open",
            status_label="Open",
            opened_at=dt.datetime(2026, 3, 9, 20, 0, tzinfo=UTC),
            order_date=dt.date(2026, 3, 9),
            exceptional_circumstances_deadline=dt.date(2026, 9, 5),
            notes="Llamar al albergue.",
        ),
        messages=message_list,
    )


def replace(obj: Any, **changes: Any) -> Any:
    return dataclasses.replace(obj, **changes)

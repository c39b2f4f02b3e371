"""The evidence structure lists every notice of the chain and judges the addresses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from mppdesk.hearings import hearing_services, notice_services
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.evidence import EvidencePacket, MessageRecord, check_address, evidence_for
from mppdesk.hearings.tests.conftest import make_case, make_docket
from mppdesk.testing.factories import ContactPointFactory


def test_the_packet_lists_every_notice_of_every_hearing_in_the_chain(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = make_case(personas.org, venue=el_paso, port=juarez, riders=1)
    ContactPointFactory(person=case.lead, opted_out=True, opted_out_at=timezone.now())
    today = timezone.localdate()
    first = hearing_services.schedule_hearing(
        actor=personas.coordinator,
        case=case,
        docket=make_docket(el_paso, today - dt.timedelta(days=40)),
        served_at=timezone.now() - dt.timedelta(days=60),
        served_by=personas.coordinator,
        allow_past=True,
    )
    notice_services.record_notice(
        actor=personas.caseworker,
        hearing=first,
        method="mail",
        address="Facebook",
        served_at=timezone.now() - dt.timedelta(days=50),
    )
    second = hearing_services.reschedule(
        actor=personas.coordinator,
        hearing=first,
        new_docket=make_docket(el_paso, today - dt.timedelta(days=5)),
        reason="Court closed",
        method="shelter",
        address="Albergue San Juan Bosco",  # a Nogales shelter; the family is in Juárez
        allow_past=True,
    )
    outcome_services.record_outcome(
        actor=personas.caseworker,
        hearing=second,
        outcome="failed_to_appear",
        in_absentia_order=True,
    )

    packet = evidence_for(second)

    assert isinstance(packet, EvidencePacket)
    assert [h.id for h in packet.chain] == [first.pk, second.pk]
    assert packet.hearing.id == second.pk and packet.hearing.replaces_id == first.pk
    assert packet.chain[0].status == "rescheduled"
    assert packet.chain[0].continuance_reason == "Court closed"
    assert packet.hearing.outcome == "removal_in_absentia"
    assert packet.hearing.report_local.endswith("(America/Ciudad_Juarez)")
    assert packet.hearing.scheduled_local.endswith("(America/Denver)")
    kinds = [(n.hearing_id, n.kind, n.method, n.address) for n in packet.notices]
    assert kinds == [
        (first.pk, "scheduled", "in_person", ""),
        (first.pk, "scheduled", "mail", "Facebook"),
        (second.pk, "changed", "shelter", "Albergue San Juan Bosco"),
    ]
    first_notice = packet.notices[0]
    assert first_notice.served_by == "coordinator" and first_notice.served_at is not None
    assert first_notice.recorded_by == "coordinator"
    assert [n.address_check.code for n in packet.notices] == [
        "served_in_person",
        "social_media",
        "unrecorded_shelter",
    ]
    assert packet.address_could_reach.could_reach is False
    assert packet.address_could_reach.code == "unrecorded_shelter"
    assert [p.role for p in packet.people] == ["lead", "rider"]
    assert packet.people[0].languages == ["spa"]
    contact = packet.contact_points[0]
    assert (contact.opted_out, contact.reachable) == (True, False)
    assert packet.messages == []
    assert packet.follow_up is not None
    assert packet.follow_up.exceptional_circumstances_deadline == second.docket.date + dt.timedelta(
        days=180
    )
    assert packet.follow_up.lack_of_notice_deadline is None
    assert packet.a_number_display.startswith("A")
    # The ZIP's JSON.
    data = json.loads(json.dumps(packet.to_dict()))
    assert len(data["notices"]) == 3 and data["messages"] == []
    assert data["hearing"]["kind"] == "master"


def test_message_records_are_typed_for_the_messaging_issue() -> None:
    names = {f.name for f in dataclasses.fields(MessageRecord)}
    assert {"channel", "to", "status", "sent_at", "hearing_id"} <= names


@pytest.mark.parametrize(
    ("address", "method", "served", "code", "could_reach"),
    [
        ("", "mail", False, "empty", False),
        ("  ", "in_person", False, "empty", False),
        ("", "in_person", True, "served_in_person", True),
        ("Facebook", "mail", False, "social_media", False),
        ("facebook.com/maria", "electronic", False, "social_media", False),
        ("Domicilio conocido", "mail", False, "placeholder", False),
        ("N/A", "mail", False, "placeholder", False),
        ("Albergue San Juan Bosco", "shelter", False, "unrecorded_shelter", False),
        ("Albergue San Juan Bosco, Nogales", "shelter", False, "unrecorded_shelter", False),
        ("Casa del Migrante, Ciudad Juárez", "shelter", False, "shelter_unconfirmed", True),
        ("Albergue Buen Pastor, Ciudad Juarez", "shelter", False, "shelter_unconfirmed", True),
        ("Calle Ignacio Mejía 1020, Col. Centro", "mail", False, "ok", True),
    ],
)
def test_address_check(
    address: str, method: str, served: bool, code: str, could_reach: bool
) -> None:
    check = check_address(address, method=method, served=served, returned_to="Ciudad Juarez")
    assert (check.code, check.could_reach) == (code, could_reach)
    assert check.reason


def test_a_hearing_without_any_notice(personas: Any, case: Any, docket: Any) -> None:
    from mppdesk.hearings.models import Notice

    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    Notice.objects.filter(hearing=hearing).delete()
    packet = evidence_for(hearing)
    assert packet.notices == [] and packet.address_could_reach.code == "no_notice"

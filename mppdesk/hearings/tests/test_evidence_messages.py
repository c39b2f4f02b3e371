"""The evidence packet lists every message tied to any hearing of the chain."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from mppdesk.hearings import hearing_services
from mppdesk.hearings.evidence import evidence_for
from mppdesk.hearings.pdf import render_evidence_packet
from mppdesk.hearings.pdf.tests.pdftext import text as pdf_text
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket
from mppdesk.messaging.models import Message, MessageStatus
from mppdesk.testing.factories import ContactPointFactory


def test_the_packet_lists_the_messages_of_every_hearing_of_the_chain(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = make_case(personas.org, venue=el_paso, port=juarez)
    phone = ContactPointFactory(person=case.lead, consent=True)
    first = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=make_docket(el_paso, future_day(weeks=3))
    )
    second = hearing_services.reschedule(
        actor=personas.coordinator,
        hearing=first,
        new_docket=make_docket(el_paso, future_day(weeks=5), courtroom="2"),
        reason="Court closed",
    )
    # A delivery receipt on the change message, and a failure recorded by the outbox.
    changed = Message.objects.get(hearing=second, rule="changed")
    sent = timezone.now()
    Message.objects.filter(pk=changed.pk).update(
        status=MessageStatus.DELIVERED, sent_at=sent, status_at=sent
    )
    Message.objects.filter(hearing=second, rule="7d").update(
        status=MessageStatus.FAILED, error_code="21211", status_at=sent
    )

    packet = evidence_for(second)

    expected = Message.objects.filter(hearing__in=[first, second])
    assert len(packet.messages) == expected.count() == 8  # 4 for each hearing
    assert {m.hearing_id for m in packet.messages} == {first.pk, second.pk}
    assert [m.created_at for m in packet.messages] == sorted(m.created_at for m in packet.messages)
    by_id = {m.id: m for m in packet.messages}
    record = by_id[changed.pk]
    assert (record.status, record.sent_at, record.channel, record.language) == (
        "delivered",
        sent,
        "sms",
        "es",
    )
    assert record.to == phone.value
    failed = next(m for m in packet.messages if m.error)
    assert (failed.status, failed.error) == ("failed", "21211")
    first_ones = [m for m in packet.messages if m.hearing_id == first.pk]
    assert {m.status for m in first_ones} == {"cancelled"}
    # The same packet from the first hearing's page, and in the ZIP's JSON.
    assert len(evidence_for(first).messages) == 8
    data = json.loads(json.dumps(packet.to_dict()))
    assert len(data["messages"]) == 8 and data["messages"][0]["to"] == phone.value
    content = pdf_text(render_evidence_packet(packet))
    assert "No messages recorded." not in content and "21211" in content


def test_no_messages_without_a_reachable_contact(personas: Any, el_paso: Any, juarez: Any) -> None:
    case = make_case(personas.org, venue=el_paso, port=juarez)
    ContactPointFactory(person=case.lead, consent=False)
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=make_docket(el_paso, future_day())
    )
    assert evidence_for(hearing).messages == []

"""``hearings.notices``: what the printed notice says, built from the models."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mppdesk.hearings import hearing_services, notices
from mppdesk.hearings.models import Hearing, NoticeKind
from mppdesk.hearings.pdf.tests.pdftext import text as pdf_text
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket


@pytest.fixture
def nogales_hearing(personas: Any, el_paso: Any, nogales: Any) -> Hearing:
    case = make_case(personas.org, venue=el_paso, port=nogales)
    return hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=make_docket(el_paso, future_day())
    )


def test_a_scheduled_notice_carries_the_stored_times_and_zones(
    personas: Any, nogales_hearing: Hearing, nogales: Any
) -> None:
    notice = nogales_hearing.notices.get()
    data = notices.notice_data(notice)
    case = nogales_hearing.case
    assert (data.language, data.kind, data.hearing_kind) == ("es", "scheduled", "master")
    assert data.person_name == case.lead.full_name
    assert data.a_number_display == case.a_number_display
    assert data.hearing_local == nogales_hearing.scheduled_at
    assert data.report_local == nogales_hearing.report_at
    assert (data.court_timezone, data.port_timezone) == ("America/Denver", "America/Hermosillo")
    assert (data.venue_city, data.port_city) == ("El Paso, TX", nogales.mexican_city)
    # Nogales has no recorded reporting place: the generic one, in the notice's language.
    assert data.report_place == f"Puerto de entrada de {nogales.name}, entrada peatonal"
    assert notices.notice_data(notice, "pt").report_place.startswith("Porto de entrada")
    assert notices.notice_data(notice, "en").report_place == (
        f"{nogales.name} port of entry, pedestrian entrance"
    )
    # Not served yet: no method printed as "served".
    assert data.served_method == ""


def test_a_recorded_reporting_place_is_printed_as_written(
    personas: Any, case: Any, docket: Any
) -> None:
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    data = notices.notice_data(hearing.notices.get(), "fr")
    assert data.report_place == "Paso del Norte International Bridge"


def test_a_changed_notice_gives_the_previous_date_and_the_reason(
    personas: Any, nogales_hearing: Hearing, el_paso: Any
) -> None:
    new = hearing_services.reschedule(
        actor=personas.coordinator,
        hearing=nogales_hearing,
        new_docket=make_docket(el_paso, future_day(5)),
        reason="Judge unavailable",
        served_at=timezone.now() - dt.timedelta(hours=1),
    )
    notice = new.notices.get()
    data = notices.notice_data(notice)
    assert data.kind == NoticeKind.CHANGED
    assert data.previous_hearing_local == nogales_hearing.scheduled_at
    assert data.reason == "Judge unavailable"
    assert data.served_method == "in_person"
    assert data.issued_on is not None
    assert "Judge unavailable" in pdf_text(notices.render_notice_pdf(notice))


def test_a_cancelled_notice_gives_the_reason(personas: Any, nogales_hearing: Hearing) -> None:
    hearing_services.cancel(
        actor=personas.coordinator, hearing=nogales_hearing, reason="Case terminated"
    )
    nogales_hearing.refresh_from_db()
    notice = nogales_hearing.notices.get(kind=NoticeKind.CANCELLED)
    data = notices.notice_data(notice, "en")
    assert (data.kind, data.reason) == ("cancelled", "Case terminated")


def test_no_port_no_printed_notice(personas: Any, el_paso: Any, docket: Any) -> None:
    case = make_case(personas.org, venue=el_paso, port=None)
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    notice = hearing.notices.get()
    with pytest.raises(notices.NoticeUnavailable):
        notices.notice_data(notice)
    assert notices.notice_pdfs([notice]) == {}


def test_only_the_five_notice_languages(nogales_hearing: Hearing) -> None:
    notice = nogales_hearing.notices.get()
    with pytest.raises(ValueError, match="unsupported"):
        notices.notice_data(notice, "de")
    pdfs = notices.notice_pdfs([notice])
    assert list(pdfs) == [str(notice.pk)] and pdfs[str(notice.pk)].startswith(b"%PDF")
    assert notices.file_name(notice, "ht") == f"notice-{notice.pk}-ht.pdf"

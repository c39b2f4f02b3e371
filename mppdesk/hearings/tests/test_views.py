"""The hearings web pages: permissions and scoping, the docket calendar, roll-call,
the hearing page with its notices (PDF in each language) and changes, follow-ups with
the evidence packet, the lists, the person and case panels, and the scheduler screen."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mppdesk.accounts.models import Membership, Organization
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings import hearing_services, notice_services
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.calendar import federal_holiday
from mppdesk.hearings.models import (
    Docket,
    DocketTemplate,
    FollowUpStatus,
    Hearing,
    HearingStatus,
    InAbsentiaFollowUp,
    NoticeKind,
    Outcome,
)
from mppdesk.hearings.pdf.tests.pdftext import text as pdf_text
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket, user_with_role
from mppdesk.testing.factories import ContactPointFactory, OrganizationFactory

DENVER = ZoneInfo("America/Denver")
HERMOSILLO = ZoneInfo("America/Hermosillo")


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _errors(response: Any) -> list[str]:
    """The error lists of a page, for assertion messages."""
    import re

    return re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode(), re.S)


def _past_day(days: int = 7) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def hearing(personas: Any, case: Any, docket: Any) -> Hearing:
    return hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=docket)


@pytest.fixture
def past_docket(el_paso: Any) -> Docket:
    return make_docket(el_paso, _past_day())


def _past_hearing(personas: Any, docket: Docket, port: Any, **kwargs: Any) -> Hearing:
    case = make_case(personas.org, venue=docket.venue, port=port, **kwargs)
    return hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket, allow_past=True
    )


@pytest.fixture
def analyst_client(analyst: Any) -> Client:
    return verified_login(Client(), analyst)


@pytest.fixture
def follow_up(personas: Any, past_docket: Docket, juarez: Any) -> InAbsentiaFollowUp:
    hearing = _past_hearing(personas, past_docket, juarez)
    notice_services.mark_notice_served(
        actor=personas.caseworker,
        notice=hearing.notices.get(),
        served_at=timezone.now() - dt.timedelta(days=20),
        method="shelter",
        address="Facebook",
    )
    outcome_services.record_outcome(
        actor=personas.caseworker,
        hearing=hearing,
        outcome=Outcome.FAILED_TO_APPEAR,
        in_absentia_order=True,
    )
    return InAbsentiaFollowUp.objects.get(hearing=hearing)


# --- permissions and scoping ---------------------------------------------------------------


def test_analyst_gets_403_on_every_hearing_page(
    analyst_client: Client, hearing: Hearing, follow_up: InAbsentiaFollowUp
) -> None:
    notice = hearing.notices.get()
    urls = [
        reverse("hearings:calendar"),
        reverse("hearings:docket", kwargs={"pk": hearing.docket_id}),
        reverse("hearings:roll_call", kwargs={"pk": hearing.docket_id}),
        reverse("hearings:detail", kwargs={"pk": hearing.pk}),
        reverse("hearings:notice_pdf", kwargs={"pk": hearing.pk, "notice_pk": notice.pk}),
        reverse("hearings:upcoming"),
        reverse("hearings:no_contact"),
        reverse("hearings:follow_ups"),
        reverse("hearings:follow_up", kwargs={"pk": follow_up.pk}),
        reverse("hearings:evidence_zip", kwargs={"pk": follow_up.pk}),
        reverse("hearings:schedule"),
        reverse("hearings:person_panel", kwargs={"pk": hearing.case.lead_id}),
    ]
    for url in urls:
        assert analyst_client.get(url).status_code == 403, url
    assert analyst_client.post(reverse("hearings:generate")).status_code == 403


def test_outsider_gets_404_for_another_organizations_records(
    outsider_client: Client, hearing: Hearing, follow_up: InAbsentiaFollowUp
) -> None:
    notice = hearing.notices.get()
    urls = [
        reverse("hearings:detail", kwargs={"pk": hearing.pk}),
        reverse("hearings:notice_pdf", kwargs={"pk": hearing.pk, "notice_pk": notice.pk}),
        reverse("hearings:follow_up", kwargs={"pk": follow_up.pk}),
        reverse("hearings:evidence_pdf", kwargs={"pk": follow_up.pk}),
        reverse("hearings:evidence_zip", kwargs={"pk": follow_up.pk}),
        reverse("hearings:person_panel", kwargs={"pk": hearing.case.lead_id}),
        reverse("hearings:case_panel", kwargs={"pk": hearing.case_id}),
    ]
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
    posts = [
        reverse("hearings:outcome", kwargs={"pk": hearing.pk}),
        reverse("hearings:record_notice", kwargs={"pk": hearing.pk}),
        reverse("hearings:notice_served", kwargs={"pk": hearing.pk, "notice_pk": notice.pk}),
        reverse("hearings:follow_up_update", kwargs={"pk": follow_up.pk}),
    ]
    for url in posts:
        assert outsider_client.post(url, {"outcome": "appeared"}).status_code == 404, url
    # The docket is program data: the outsider sees it, without anybody's name.
    page = outsider_client.get(reverse("hearings:docket", kwargs={"pk": hearing.docket_id}))
    assert page.status_code == 200
    assert hearing.case.lead.family_names not in page.content.decode()


def test_case_worker_may_not_generate_dockets_or_change_hearings(
    caseworker_client: Client, hearing: Hearing, el_paso: Any
) -> None:
    assert caseworker_client.get(reverse("hearings:schedule")).status_code == 403
    for name in ("reschedule", "continue", "cancel"):
        url = reverse(f"hearings:{name}", kwargs={"pk": hearing.pk})
        assert caseworker_client.post(url, {}).status_code == 403
    response = caseworker_client.post(
        reverse("hearings:generate"),
        {"venue": el_paso.code, "start": "2026-03-02", "end": "2026-03-08"},
    )
    assert response.status_code == 403


# --- calendar and docket page --------------------------------------------------------------


def test_calendar_shows_the_week_with_places_and_interpreters(
    caseworker_client: Client, hearing: Hearing, el_paso: Any
) -> None:
    docket = hearing.docket
    make_docket(el_paso, docket.date, session="pm", courtroom="2", languages=["spa", "hat"])
    year, week, _ = docket.date.isocalendar()
    response = caseworker_client.get(
        reverse("hearings:calendar"), {"venue": el_paso.code, "week": f"{year}-W{week:02d}"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("hearings:docket", kwargs={"pk": docket.pk}) in html
    assert "1/10" in html  # booked / capacity
    # Interpreter languages by name in the page's language (Spanish here), not ISO codes.
    assert "Español, Criollo haitiano" in html and "Portugués" in html
    assert ">hat<" not in html and ">spa<" not in html
    assert "hora de la montaña" in html and "America/Denver" not in html
    assert hearing.case.lead.family_names not in html  # program data only
    assert "Generar" not in html  # no generate form for a case worker


def test_calendar_names_interpreter_languages_in_english(
    caseworker_client: Client, hearing: Hearing, el_paso: Any
) -> None:
    docket = hearing.docket
    other = make_docket(el_paso, docket.date, session="pm", courtroom="2", languages=["spa", "hat"])
    year, week, _ = docket.date.isocalendar()
    caseworker_client.cookies["django_language"] = "en"
    page = caseworker_client.get(reverse("hearings:docket", kwargs={"pk": other.pk}))
    assert "Spanish, Haitian Creole" in page.content.decode()
    html = caseworker_client.get(
        reverse("hearings:calendar"), {"venue": el_paso.code, "week": f"{year}-W{week:02d}"}
    ).content.decode()
    assert "Spanish, Haitian Creole" in html
    assert ">hat<" not in html and "spa<" not in html


def test_calendar_refuses_a_malformed_week(caseworker_client: Client, el_paso: Any) -> None:
    response = caseworker_client.get(
        reverse("hearings:calendar"), {"venue": el_paso.code, "week": "next tuesday"}
    )
    assert response.status_code == 400


def test_coordinator_generates_dockets_from_the_calendar(
    coordinator_client: Client, personas: Any, el_paso: Any
) -> None:
    docket_services.create_template(
        actor=personas.coordinator, venue=el_paso, weekday=0, session="am", courtroom="7",
        capacity=25, interpreter_languages=["spa"],
    )  # fmt: skip
    # Two Mondays that are both court days: from 2026-12-08 on, four weeks ahead held
    # Martin Luther King Jr. Day (2027-01-18), where no docket is generated.
    weeks = 4
    while (start := future_day(weeks)).weekday() or federal_holiday(start + dt.timedelta(7)):
        weeks += 1
    response = coordinator_client.post(
        reverse("hearings:generate"),
        {"venue": el_paso.code, "start": start.isoformat(), "end": (start + dt.timedelta(13))},
    )
    assert response.status_code == 302
    assert f"venue={el_paso.code}" in response["Location"]
    assert Docket.objects.filter(venue=el_paso, courtroom="7").count() == 2
    assert DocketTemplate.objects.filter(venue=el_paso).count() == 1
    bad = coordinator_client.post(
        reverse("hearings:generate"),
        {"venue": el_paso.code, "start": start.isoformat(), "end": "2020-01-01"},
    )
    assert bad.status_code == 400


def test_docket_page_names_own_cases_only(
    caseworker_client: Client, personas: Any, hearing: Hearing, el_paso: Any, juarez: Any
) -> None:
    other_case = make_case(personas.other_org, venue=el_paso, port=juarez)
    hearing_services.schedule_hearing(actor=None, case=other_case, docket=hearing.docket)
    mark = audit_mark()
    response = _english(caseworker_client).get(
        reverse("hearings:docket", kwargs={"pk": hearing.docket_id})
    )
    html = response.content.decode()
    assert hearing.case.lead.full_name in html
    assert other_case.lead.full_name not in html
    assert other_case.a_number_display not in html
    assert "Case of another organization" in html
    assert reverse("hearings:roll_call", kwargs={"pk": hearing.docket_id}) in html
    views = entries_after(mark).filter(action="view", object_type="hearing")
    assert [e.object_id for e in views] == [str(hearing.pk)]


def test_docket_page_reads_no_riders_and_no_more_queries_for_more_hearings(
    caseworker_client: Client, personas: Any, docket: Docket, el_paso: Any, juarez: Any
) -> None:
    """A row names the case's lead: the page neither reads the riders (each a person to
    decrypt) nor asks more of the database for more hearings."""
    url = reverse("hearings:docket", kwargs={"pk": docket.pk})
    counts = []
    riders = []
    caseworker_client.get(url)  # the session's first request saves it
    for _ in range(2):
        case = make_case(personas.org, venue=el_paso, port=juarez, riders=3)
        hearing_services.schedule_hearing(actor=None, case=case, docket=docket)
        riders += [m.person for m in case.members.exclude(person=case.lead)]
        with CaptureQueriesContext(connection) as seen:
            response = caseworker_client.get(url)
        assert response.status_code == 200
        assert case.lead.full_name in response.content.decode()
        counts.append(len(seen))
        assert not [
            q for q in seen.captured_queries if q["sql"].startswith('SELECT "cases_casemember"')
        ]
    assert counts[0] == counts[1]
    html = response.content.decode()
    assert not [p for p in riders if p.full_name in html]


def test_docket_rows_read_only_the_leads_names_and_join_nothing_the_page_already_has(
    caseworker_client: Client, personas: Any, hearing: Hearing
) -> None:
    """The readable hearings' statement takes the lead's names and the A-number, not the
    lead's birth date, notes or other names, and not the docket, venue or port again."""
    lead = hearing.case.lead
    lead.birth_date = dt.date(1990, 3, 15)
    lead.notes = "private note"
    lead.save()
    url = reverse("hearings:docket", kwargs={"pk": hearing.docket_id})
    caseworker_client.get(url)  # the session's first request saves it
    with CaptureQueriesContext(connection) as seen:
        response = _english(caseworker_client).get(url)
    html = response.content.decode()
    assert lead.full_name in html
    assert hearing.case.a_number_display in html
    assert "Scheduled" in html
    assert reverse("hearings:detail", kwargs={"pk": hearing.pk}) in html
    rows = [q["sql"] for q in seen.captured_queries if 'JOIN "people_person"' in q["sql"]]
    assert len(rows) == 1
    for column in ("birth_date", "notes", "other_names"):
        assert f'"people_person"."{column}"' not in rows[0]
    for table in ("hearings_docket", "places_venue", "places_port"):
        assert f'JOIN "{table}"' not in rows[0]


# --- roll-call -----------------------------------------------------------------------------


def test_roll_call_records_outcomes_and_opens_the_follow_up(
    caseworker_client: Client, personas: Any, past_docket: Docket, juarez: Any
) -> None:
    present = _past_hearing(personas, past_docket, juarez)
    absent = _past_hearing(personas, past_docket, juarez, riders=1)
    url = reverse("hearings:roll_call", kwargs={"pk": past_docket.pk})
    client = _english(caseworker_client)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="outcome-{present.pk}"' in html and f'name="absentia-{absent.pk}"' in html
    response = client.post(
        url,
        {
            f"outcome-{present.pk}": Outcome.APPEARED,
            f"outcome-{absent.pk}": Outcome.FAILED_TO_APPEAR,
            f"absentia-{absent.pk}": "on",
        },
    )
    assert response.status_code == 302
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.status, present.outcome) == (HearingStatus.HELD, Outcome.APPEARED)
    assert absent.outcome == Outcome.REMOVAL_IN_ABSENTIA
    follow_up = InAbsentiaFollowUp.objects.get(hearing=absent)
    assert follow_up.exceptional_circumstances_deadline == past_docket.date + dt.timedelta(180)
    after = client.get(url).content.decode()
    assert "1 in absentia follow-up opened" in after
    assert reverse("hearings:follow_up", kwargs={"pk": follow_up.pk}) in after
    assert f'name="outcome-{absent.pk}"' not in after  # settled: no more buttons


def test_roll_call_refuses_in_absentia_without_failure_to_appear(
    caseworker_client: Client, personas: Any, past_docket: Docket, juarez: Any
) -> None:
    first = _past_hearing(personas, past_docket, juarez)
    second = _past_hearing(personas, past_docket, juarez)
    response = caseworker_client.post(
        reverse("hearings:roll_call", kwargs={"pk": past_docket.pk}),
        {
            f"outcome-{first.pk}": Outcome.APPEARED,
            f"outcome-{second.pk}": Outcome.APPEARED,
            f"absentia-{second.pk}": "on",
        },
    )
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.outcome == ""  # all or nothing
    assert not InAbsentiaFollowUp.objects.exists()


def test_roll_call_before_the_hearing_day_saves_nothing(
    caseworker_client: Client, hearing: Hearing
) -> None:
    response = caseworker_client.post(
        reverse("hearings:roll_call", kwargs={"pk": hearing.docket_id}),
        {f"outcome-{hearing.pk}": Outcome.APPEARED},
    )
    assert response.status_code == 400
    hearing.refresh_from_db()
    assert hearing.outcome == ""


def test_roll_call_lists_only_the_viewers_organization(
    outsider_client: Client, personas: Any, past_docket: Docket, juarez: Any
) -> None:
    hearing = _past_hearing(personas, past_docket, juarez)
    url = reverse("hearings:roll_call", kwargs={"pk": past_docket.pk})
    html = outsider_client.get(url).content.decode()
    assert hearing.case.lead.full_name not in html
    outsider_client.post(url, {f"outcome-{hearing.pk}": Outcome.APPEARED})
    hearing.refresh_from_db()
    assert hearing.outcome == ""


# --- hearing page, notices and changes -----------------------------------------------------


def test_hearing_page_shows_court_and_port_times_with_their_zones(
    caseworker_client: Client, personas: Any, el_paso: Any, nogales: Any
) -> None:
    case = make_case(personas.org, venue=el_paso, port=nogales)
    docket = make_docket(el_paso, future_day())
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    mark = audit_mark()
    html = caseworker_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk})).content
    page = html.decode()
    court = hearing.scheduled_at.astimezone(DENVER)
    report = hearing.report_at.astimezone(HERMOSILLO)  # type: ignore[union-attr]
    assert court.strftime("%H:%M") == "08:00"
    assert f"{court:%H:%M} {court.tzname()}" in page and "(hora de la montaña)" in page
    assert f"{report:%H:%M} MST" in page and "(hora de Hermosillo)" in page
    assert nogales.report_place_display in page or "Nogales" in page
    entry = entries_after(mark).get(action="view")
    assert (entry.object_type, entry.object_id) == ("hearing", str(hearing.pk))


@pytest.mark.parametrize(("language", "words"), [("pt", "horário de"), ("es", "hora de")])
def test_notice_pdf_downloads_in_the_chosen_language(
    caseworker_client: Client, hearing: Hearing, language: str, words: str
) -> None:
    notice = hearing.notices.get()
    mark = audit_mark()
    response = caseworker_client.get(
        reverse("hearings:notice_pdf", kwargs={"pk": hearing.pk, "notice_pk": notice.pk}),
        {"lang": language},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="notice-{notice.pk}-{language}.pdf"'
    assert hearing.case.a_number not in disposition
    text = pdf_text(response.content)
    report = hearing.report_at.astimezone(ZoneInfo(hearing.port.timezone))  # type: ignore[union-attr]
    assert report.strftime("%H:%M") in text
    assert f"{words} {hearing.port.mexican_city}" in text  # type: ignore[union-attr]
    assert hearing.case.lead.given_names in text
    entry = entries_after(mark).get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "export",
        "notice",
        str(notice.pk),
    )


def test_notice_pdf_defaults_to_the_notices_language(
    caseworker_client: Client, personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = make_case(personas.org, venue=el_paso, port=juarez, language="por")
    docket = make_docket(el_paso, future_day())
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    notice = hearing.notices.get()
    assert notice.language == "pt"
    url = reverse("hearings:notice_pdf", kwargs={"pk": hearing.pk, "notice_pk": notice.pk})
    response = caseworker_client.get(url)
    assert response["Content-Disposition"].endswith('-pt.pdf"')
    assert f"horário de {juarez.mexican_city}" in pdf_text(response.content)
    page = caseworker_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk}))
    assert '<option value="pt" selected>' in page.content.decode()


def test_recording_a_notice_served_and_another_notice(
    caseworker_client: Client, hearing: Hearing
) -> None:
    notice = hearing.notices.get()
    served = timezone.now().astimezone(ZoneInfo("America/Ciudad_Juarez")) - dt.timedelta(hours=2)
    response = caseworker_client.post(
        reverse("hearings:notice_served", kwargs={"pk": hearing.pk, "notice_pk": notice.pk}),
        {
            "served_at": served.strftime("%Y-%m-%dT%H:%M"),
            "method": "shelter",
            "address": "Albergue Casa del Migrante, Ciudad Juárez",
        },
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.method == "shelter"
    # Typed on the port city's clock, stored in UTC.
    assert notice.served_at == served.replace(second=0, microsecond=0)
    again = caseworker_client.post(
        reverse("hearings:notice_served", kwargs={"pk": hearing.pk, "notice_pk": notice.pk}),
        {"served_at": served.strftime("%Y-%m-%dT%H:%M"), "method": "mail"},
    )
    assert again.status_code == 400  # a served notice is never rewritten
    response = caseworker_client.post(
        reverse("hearings:record_notice", kwargs={"pk": hearing.pk}),
        {"method": "mail", "address": "Calle 5 de Mayo 12, Ciudad Juárez", "language": "en"},
    )
    assert response.status_code == 302
    assert hearing.notices.count() == 2
    assert hearing.notices.order_by("-created_at").first().language == "en"  # type: ignore[union-attr]


def test_coordinator_reschedules_and_the_history_shows_both(
    coordinator_client: Client, hearing: Hearing, el_paso: Any
) -> None:
    target = make_docket(el_paso, future_day(5), courtroom="3")
    page = coordinator_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk}))
    assert f'<option value="{target.pk}">' in page.content.decode()
    missing = coordinator_client.post(
        reverse("hearings:reschedule", kwargs={"pk": hearing.pk}),
        {"reschedule-docket": target.pk, "reschedule-method": "mail"},
    )
    assert missing.status_code == 400  # a reason is required
    response = coordinator_client.post(
        reverse("hearings:reschedule", kwargs={"pk": hearing.pk}),
        {
            "reschedule-docket": target.pk,
            "reschedule-reason": "Judge unavailable",
            "reschedule-method": "mail",
            "reschedule-address": "Albergue Casa del Migrante, Ciudad Juárez",
        },
    )
    assert response.status_code == 302, _errors(response)
    new = Hearing.objects.get(replaces=hearing)
    assert response["Location"] == reverse("hearings:detail", kwargs={"pk": new.pk})
    assert new.notices.get().kind == NoticeKind.CHANGED
    html = coordinator_client.get(response["Location"]).content.decode()
    assert reverse("hearings:detail", kwargs={"pk": hearing.pk}) in html
    assert "Judge unavailable" in html


def test_reschedule_picker_shows_days_as_the_reader_writes_them(
    coordinator_client: Client, hearing: Hearing, el_paso: Any
) -> None:
    day = future_day(5, weekday=1)
    target = make_docket(el_paso, day, courtroom="3")
    url = reverse("hearings:reschedule", kwargs={"pk": hearing.pk})
    spanish = coordinator_client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"]  # fmt: skip
    written = f"Martes {day.day} de {months[day.month - 1]} de {day.year}"
    assert f'<option value="{target.pk}">{written} · ' in spanish
    assert (
        day.isoformat() not in spanish.split('id="id_reschedule-docket"')[-1].split("</select>")[0]
    )
    coordinator_client.cookies["django_language"] = "en"
    english = coordinator_client.get(url).content.decode()
    assert f'<option value="{target.pk}">Tuesday {day:%b}. {day.day}, {day.year} · ' in english
    # What is submitted is the docket, as before.
    response = coordinator_client.post(
        url,
        {
            "page": "change",
            "reschedule-docket": target.pk,
            "reschedule-reason": "Judge unavailable",
            "reschedule-method": "mail",
        },
    )
    assert response.status_code == 302, _errors(response)
    assert Hearing.objects.get(replaces=hearing).docket == target


def test_coordinator_cancels_a_hearing(coordinator_client: Client, hearing: Hearing) -> None:
    response = coordinator_client.post(
        reverse("hearings:cancel", kwargs={"pk": hearing.pk}),
        {"cancel-reason": "Case terminated by DHS", "cancel-method": "electronic"},
    )
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.CANCELLED
    hearing.docket.refresh_from_db()
    assert hearing.docket.booked == 0
    assert hearing.notices.filter(kind=NoticeKind.CANCELLED).exists()


def test_outcome_form_opens_the_follow_up(
    caseworker_client: Client, personas: Any, past_docket: Docket, juarez: Any
) -> None:
    hearing = _past_hearing(personas, past_docket, juarez)
    response = caseworker_client.post(
        reverse("hearings:outcome", kwargs={"pk": hearing.pk}),
        {"outcome": "failed_to_appear", "in_absentia_order": "on", "notes": "Call the shelter"},
    )
    follow_up = InAbsentiaFollowUp.objects.get(hearing=hearing)
    assert response.status_code == 302
    assert response["Location"] == reverse("hearings:follow_up", kwargs={"pk": follow_up.pk})
    assert follow_up.notes == "Call the shelter"


# --- follow-ups and the evidence packet ----------------------------------------------------


def test_follow_up_list_and_page_show_the_deadline(
    caseworker_client: Client, follow_up: InAbsentiaFollowUp
) -> None:
    client = _english(caseworker_client)
    listing = client.get(reverse("hearings:follow_ups")).content.decode()
    days_left = (follow_up.exceptional_circumstances_deadline - timezone.localdate()).days
    assert f"{days_left} days left" in listing
    assert follow_up.hearing.case.lead.full_name in listing
    page = client.get(reverse("hearings:follow_up", kwargs={"pk": follow_up.pk})).content.decode()
    assert "No deadline: at any time." in page
    assert "The address could not reach the person" in page  # "Facebook"
    response = client.post(
        reverse("hearings:follow_up_update", kwargs={"pk": follow_up.pk}),
        {"status": FollowUpStatus.MOTION_FILED, "notes": "Motion filed for lack of notice"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.MOTION_FILED
    closed = client.get(reverse("hearings:follow_ups")).content.decode()
    assert follow_up.hearing.case.lead.full_name not in closed  # the default list is "open"


def test_evidence_zip_holds_the_packet_records_and_notice_pdfs(
    caseworker_client: Client, follow_up: InAbsentiaFollowUp
) -> None:
    mark = audit_mark()
    response = caseworker_client.get(reverse("hearings:evidence_zip", kwargs={"pk": follow_up.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="evidence-{follow_up.pk}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert {"evidence-packet.pdf", "records.json", "notices.csv", "messages.csv"} <= set(names)
    notice_files = [n for n in names if n.startswith("notices/")]
    assert notice_files == ["notices/notice-01-scheduled-es.pdf"]
    assert "Facebook" in archive.read("records.json").decode()
    records = json.loads(archive.read("records.json"))
    assert records["language"] == "es"  # the page's language (Spanish by default)
    entry = entries_after(mark).get()
    assert (entry.action, entry.object_type) == ("export", "hearing")
    assert entry.object_id == str(follow_up.hearing_id)
    pdf = caseworker_client.get(reverse("hearings:evidence_pdf", kwargs={"pk": follow_up.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="evidence-{follow_up.pk}.pdf"'
    assert follow_up.hearing.case.a_number_display in pdf_text(pdf.content)


# --- lists ---------------------------------------------------------------------------------


def test_upcoming_and_no_contact_lists(
    caseworker_client: Client, personas: Any, el_paso: Any, juarez: Any, docket: Docket
) -> None:
    reachable = make_case(personas.org, venue=el_paso, port=juarez)
    ContactPointFactory(person=reachable.lead, consent=True)
    unreachable = make_case(personas.org, venue=el_paso, port=juarez)
    soon = make_docket(el_paso, timezone.localdate() + dt.timedelta(days=5), courtroom="5")
    for case in (reachable, unreachable):
        hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=soon)
    later = make_case(personas.org, venue=el_paso, port=juarez)
    hearing_services.schedule_hearing(
        actor=personas.coordinator, case=later, docket=docket
    )  # 3 weeks
    upcoming = caseworker_client.get(reverse("hearings:upcoming")).content.decode()
    for case in (reachable, unreachable, later):
        assert case.lead.full_name in upcoming
    no_contact = caseworker_client.get(reverse("hearings:no_contact")).content.decode()
    assert unreachable.lead.full_name in no_contact
    assert reachable.lead.full_name not in no_contact
    assert later.lead.full_name not in no_contact  # beyond 14 days


# --- panels --------------------------------------------------------------------------------


def test_person_page_loads_the_hearings_panel(caseworker_client: Client, hearing: Hearing) -> None:
    person_id = hearing.case.lead_id
    page = caseworker_client.get(reverse("people:detail", kwargs={"pk": person_id}))
    panel_url = reverse("hearings:person_panel", kwargs={"pk": person_id})
    assert f'hx-get="{panel_url}"' in page.content.decode()
    fragment = caseworker_client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<section class="card" id="hearings-panel"')
    assert "nexthearing" in fragment
    report = hearing.report_at.astimezone(ZoneInfo("America/Ciudad_Juarez"))  # type: ignore[union-attr]
    assert f"{report:%H:%M} {report.tzname()}" in fragment
    assert "Paso del Norte International Bridge" in fragment
    assert reverse("hearings:detail", kwargs={"pk": hearing.pk}) in fragment
    full = caseworker_client.get(panel_url).content.decode()
    assert "<html" in full  # without htmx: a page of its own


def test_case_page_loads_the_hearings_panel(caseworker_client: Client, hearing: Hearing) -> None:
    page = caseworker_client.get(reverse("cases:detail", kwargs={"pk": hearing.case_id}))
    panel_url = reverse("hearings:case_panel", kwargs={"pk": hearing.case_id})
    assert f'hx-get="{panel_url}"' in page.content.decode()
    fragment = caseworker_client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("hearings:detail", kwargs={"pk": hearing.pk}) in fragment


# --- language ------------------------------------------------------------------------------


def test_pages_are_in_spanish_by_default(caseworker_client: Client, hearing: Hearing) -> None:
    calendar = caseworker_client.get(reverse("hearings:calendar")).content.decode()
    assert '<html lang="es">' in calendar
    assert "Calendario de audiencias" in calendar
    detail = caseworker_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk}))
    html = detail.content.decode()
    assert "Presentarse en el puerto" in html
    assert "Descargar PDF" in html
    english = _english(caseworker_client).get(reverse("hearings:calendar")).content.decode()
    assert "Docket calendar" in english


# --- the scheduler screen ------------------------------------------------------------------


@pytest.fixture
def program_coordinator(db: Any) -> Any:
    org = OrganizationFactory(
        name="Coordinación MPP", slug="mpp", kind=Organization.Kind.COORDINATOR
    )
    return user_with_role(org, Membership.Role.COORDINATOR, "program")


def test_proposal_screen_commit_path(
    program_coordinator: Any, personas: Any, el_paso: Any, juarez: Any
) -> None:
    cases = [make_case(personas.org, venue=el_paso, port=juarez) for _ in range(3)]
    day = future_day(3)
    docket = make_docket(el_paso, day)
    client = _english(verified_login(Client(), program_coordinator))
    response = client.post(
        reverse("hearings:schedule"),
        {"venues": [el_paso.code], "start": day.isoformat(), "end": day.isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "Cases by docket" in page
    assert reverse("hearings:docket", kwargs={"pk": docket.pk}) in page
    # A program coordinator does not read these cases: each is summarized, not named.
    assert page.count("One person, Spanish") == 3
    for case in cases:
        assert case.lead.full_name not in page
    assert "Optimality gap" in page and "LP bound" in page
    commit = client.post(response["Location"].rstrip("/") + "/commit/")
    assert commit.status_code == 302
    assert Hearing.objects.filter(case__in=cases, docket=docket).count() == 3
    docket.refresh_from_db()
    assert docket.booked == 3
    done = client.get(response["Location"]).content.decode()
    assert "Committed" in done and "Commit:" not in done


def test_evidence_packet_is_the_same_entry_on_web_and_api(
    caseworker_client: Client, personas: Any, follow_up: InAbsentiaFollowUp
) -> None:
    """The PDF on the web and the JSON in the API are one "export" of the hearing's
    evidence (the web once filed an export of the follow-up, the API a view of the hearing)."""
    from mppdesk.accounts.services import create_api_token
    from mppdesk.api.tests.helpers import ApiClient

    same = ("actor_id", "organization_id", "action", "object_type", "object_id", "fields")
    mark = audit_mark()
    assert (
        caseworker_client.get(
            reverse("hearings:evidence_pdf", kwargs={"pk": follow_up.pk})
        ).status_code
        == 200
    )
    _token, secret = create_api_token(actor=None, user=personas.caseworker, name="test")
    api = ApiClient(secret).get(f"/api/v1/hearings/{follow_up.hearing_id}/evidence")
    assert api.status_code == 200, api.content
    on_web, on_api = (
        {name: getattr(e, name) for name in same}
        for e in entries_after(mark).filter(object_id=str(follow_up.hearing_id)).order_by("seq")
    )
    assert on_web == on_api
    assert (on_web["action"], on_web["object_type"]) == ("export", "hearing")
    assert on_web["organization_id"] == follow_up.hearing.organization_id


def test_notice_forms_name_the_clock_by_its_place_not_its_zone_id(
    caseworker_client: Client, hearing: Hearing
) -> None:
    page = caseworker_client.get(
        reverse("hearings:detail", kwargs={"pk": hearing.pk}), HTTP_ACCEPT_LANGUAGE="es"
    )
    html = page.content.decode()
    assert "Hora de Ciudad Juárez. Vacío: todavía no entregada." in html
    assert "America/Ciudad_Juarez" not in html and "Ciudad Juarez" not in html

"""A coordinator reads the scheduling and transfer screens in Spanish without an internal
id or a code: cases by name (when they may read them) or as "familia de 2, español,
vulnerable", venues and ports by name, the solver's summary and the exclusion rules in
words. A hearing they scheduled but may not read opens as a program summary, not a 404."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from mppdesk.accounts.models import Membership, Organization
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.hearings import coordination
from mppdesk.hearings.models import Hearing
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket, user_with_role
from mppdesk.places.models import DetentionFacility, Port, Shelter, Venue
from mppdesk.testing.factories import OrganizationFactory
from mppdesk.transfers import services as transfer_services
from mppdesk.transfers.tests.conftest import detain

pytestmark = pytest.mark.django_db

#: Eight hex digits: the start of a UUID, as the screens used to show cases and hearings.
UUID_FRAGMENT = re.compile(r"\b[0-9a-f]{8}\b")
#: A code such as ``el-paso-immigration-court`` or ``2021.health``.
SLUG = re.compile(r"\b[a-z]+(?:-[a-z]+)+\b|\b\d{4}\.[a-z_]+\b")


def _visible_text(html: str) -> str:
    """What a reader sees: no markup, scripts, styles, links or hidden attributes."""
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", html)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html_lib.unescape(body))


def _assert_readable(html: str, *, codes: list[str]) -> str:
    text = _visible_text(html)
    assert not UUID_FRAGMENT.search(text), UUID_FRAGMENT.search(text)
    assert not SLUG.search(text), SLUG.search(text)
    for code in codes:
        assert code not in text, code
    # Tooltips are read too.
    for title in re.findall(r'title="([^"]*)"', html):
        assert not UUID_FRAGMENT.search(title) and not SLUG.search(title), title
    return text


def _spanish(client: Client) -> Client:
    client.cookies["django_language"] = "es"
    return client


@pytest.fixture
def program_coordinator(db: Any) -> Any:
    org = OrganizationFactory(
        name="Coordinación MPP", slug="mpp", kind=Organization.Kind.COORDINATOR
    )
    return user_with_role(org, Membership.Role.COORDINATOR, "program")


@pytest.fixture
def program_client(program_coordinator: Any) -> Client:
    return _spanish(verified_login(Client(), program_coordinator))


@pytest.fixture
def proposal_setup(personas: Any, el_paso: Venue, juarez: Port, nogales: Port) -> Any:
    """Two cases of the legal-aid organization waiting at El Paso: a vulnerable family of
    two speaking Portuguese (Nogales), one Spanish speaker alone (Ciudad Juárez)."""
    family = make_case(personas.org, venue=el_paso, port=nogales, riders=1, language="por")
    lead = family.lead
    lead.vulnerabilities = ["medical"]
    lead.save()
    alone = make_case(personas.org, venue=el_paso, port=juarez)
    day = future_day(3)
    docket = make_docket(el_paso, day)
    return family, alone, docket, day


def _propose(client: Client, el_paso: Venue, day: dt.date) -> str:
    response = client.post(
        reverse("hearings:schedule"),
        {"venues": [el_paso.code], "start": day.isoformat(), "end": day.isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def test_household_summary_is_translated() -> None:
    with translation.override("es"):
        assert coordination.household_summary(4, "spa", True).startswith("familia de 4, ")
        assert coordination.household_summary(4, "spa", True).endswith(", vulnerable")
        assert coordination.household_summary(1, "", False) == "una persona"
    with translation.override("en"):
        assert coordination.household_summary(4, "", True) == "household of 4, vulnerable"


def test_solver_summary_is_translated() -> None:
    method = (
        "lp-relaxation+rounding (HiGHS); first-come-first-served kept in 2 component(s); "
        "LP failed in 1 component(s): first-come-first-served there"
    )
    with translation.override("es"):
        text = coordination.solver_summary(method)
        assert text.startswith("relajación de programación lineal, redondeada (HiGHS)")
        assert "se mantuvo el orden de llegada en 2 grupos de agendas" in text
        assert "la programación lineal falló en 1 grupo de agendas" in text
        assert coordination.solver_summary("greedy-fcfs") == "por orden de llegada"


def test_program_coordinator_reads_a_proposal_without_ids_or_codes(
    program_client: Client, proposal_setup: Any, el_paso: Venue, nogales: Port
) -> None:
    family, alone, docket, day = proposal_setup
    mark = audit_mark()
    location = _propose(program_client, el_paso, day)
    page = program_client.get(location).content.decode()
    text = _assert_readable(page, codes=[el_paso.code, nogales.code, "el-paso"])
    assert "Familia de 2, Portugués, vulnerable" in text or "Familia de 2, portugués" in text
    assert "Una persona, " in text
    assert "El Paso Immigration Court" in text and nogales.name in text
    assert "relajación de programación lineal" in text or "por orden de llegada" in text
    assert "lp-relaxation" not in text and "greedy" not in text
    for case in (family, alone):
        assert case.lead.full_name not in text  # a program coordinator does not read them
    # What was shown of the cases is in the audit log, without the lead's name.
    views = entries_after(mark).filter(action="view", object_type="case")
    assert {e.object_id for e in views} == {str(family.pk), str(alone.pk)}
    assert all("lead" not in e.fields for e in views)
    # The list of proposals names the venue, not its code.
    listing = program_client.get(reverse("hearings:schedule")).content.decode()
    assert "El Paso Immigration Court" in _assert_readable(listing, codes=[el_paso.code])


def test_own_coordinator_reads_the_lead_respondents_name(
    coordinator_client: Client, personas: Any, proposal_setup: Any, el_paso: Venue
) -> None:
    family, alone, docket, day = proposal_setup
    client = _spanish(coordinator_client)
    location = _propose(client, el_paso, day)
    text = _assert_readable(client.get(location).content.decode(), codes=[el_paso.code])
    assert family.lead.full_name in text and alone.lead.full_name in text


def test_docket_change_and_hearing_pages_summarize_the_case(
    program_client: Client, proposal_setup: Any, el_paso: Venue
) -> None:
    family, alone, docket, day = proposal_setup
    location = _propose(program_client, el_paso, day)
    assert program_client.post(location.rstrip("/") + "/commit/").status_code == 302
    hearing = Hearing.objects.get(case=family)
    pages = {
        "docket": reverse("hearings:docket", kwargs={"pk": docket.pk}),
        "reschedule": reverse("hearings:reschedule", kwargs={"pk": hearing.pk}),
        "cancel": reverse("hearings:cancel", kwargs={"pk": hearing.pk}),
        "hearing": reverse("hearings:detail", kwargs={"pk": hearing.pk}),
        "proposal": location,
    }
    for name, url in pages.items():
        response = program_client.get(url)
        assert response.status_code == 200, name
        text = _assert_readable(response.content.decode(), codes=[el_paso.code])
        assert "amilia de 2" in text, name
        assert "Audiencia " + str(hearing.pk)[:8] not in text, name
        assert family.lead.full_name not in text, name
        assert family.a_number_display not in text, name


def test_hearing_a_coordinator_scheduled_is_a_summary_not_a_404(
    program_client: Client, program_coordinator: Any, personas: Any, el_paso: Venue
) -> None:
    from mppdesk.hearings import hearing_services

    case = make_case(personas.org, venue=el_paso, port=Port.objects.get(code="el-paso"))
    docket = make_docket(el_paso, future_day(2))
    hearing = hearing_services.schedule_hearing(actor=program_coordinator, case=case, docket=docket)
    mark = audit_mark()
    response = program_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    text = _assert_readable(html, codes=[el_paso.code])
    assert "Una persona, " in text
    assert "Caso de otra organización" in text
    assert case.lead.full_name not in text and case.a_number_display not in text
    assert reverse("hearings:reschedule", kwargs={"pk": hearing.pk}) in html
    assert reverse("cases:detail", kwargs={"pk": case.pk}) not in html
    (view,) = entries_after(mark).filter(action="view", object_type="hearing")
    assert sorted(view.fields) == sorted(coordination.PROGRAM_HEARING_FIELDS)
    # Someone who may neither read nor schedule the case still gets a 404.
    outsider = _spanish(verified_login(Client(), personas.outsider))
    assert outsider.get(reverse("hearings:detail", kwargs={"pk": hearing.pk})).status_code == 404


def test_transfer_group_shows_exclusions_by_label(
    coordinator_client: Client, personas: Any, settings: Any
) -> None:
    facility = DetentionFacility.objects.get(code="el-paso-service-processing-center")
    port = Port.objects.get(code="el-paso")
    Shelter.objects.filter(city="Ciudad Juarez").update(active=False)
    Shelter.objects.create(code="t-a", name="Albergue Prueba", city="Ciudad Juarez", capacity=9)
    detain(personas.org, facility, 3)
    detain(personas.org, facility, 2, vulnerabilities=[[], ["medical"]])
    group = transfer_services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=port,
        date=timezone.localdate() + dt.timedelta(days=1), target_size=50, version="2021",
    )  # fmt: skip
    client = _spanish(coordinator_client)
    html = client.get(reverse("transfers:group", kwargs={"pk": group.pk})).content.decode()
    text = _assert_readable(html, codes=["2021.health", "household_review", facility.code])
    assert "Excluidos, por regla" in text
    assert 'data-rule="2021.health"' in html  # the code stays in the markup for tools
    assert "otro miembro está exento" in text  # kept with the household, in Spanish
    # The tasks list of the same coordinator reads the same way.
    tasks = client.get(reverse("casework:tasks"))
    assert tasks.status_code == 200
    _assert_readable(tasks.content.decode(), codes=[])


def test_manifest_pdf_cells_are_never_cut() -> None:
    """Every cell of the manifest, however long, is printed whole on a landscape page (the
    crew reads the facility and the shelter off it), in Spanish too."""
    import io
    from types import SimpleNamespace

    from pypdf import PdfReader

    from mppdesk.hearings.pdf.tests.pdftext import fold
    from mppdesk.transfers.manifest import ManifestLine, to_pdf

    group = SimpleNamespace(
        name="Grupo de prueba",
        date=dt.date(2026, 12, 7),
        port=SimpleNamespace(name="Paso del Norte International Bridge"),
        receiving_city="Ciudad Juárez",
        approved_at=None,
        created_at=timezone.now(),
    )
    lines = [
        ManifestLine(
            household=index + 1,
            seat=index + 1,
            given_names="María de los Ángeles Guadalupe Esperanza",
            family_names="Hernández Ruiz de Castillo y Mejía Altamirano",
            birth_year="1990",
            sex="F",
            facility=(
                "Centro de Procesamiento de Inmigración del Condado de El Paso, "
                f"Edificio Norte, Ala {index}"
            ),
            shelter=f"Albergue Casa del Migrante Nuestra Señora de Guadalupe, sede {index}",
        )
        for index in range(40)
    ]
    with translation.override("es"):
        pdf = to_pdf(group, lines)  # type: ignore[arg-type]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    pages_text = [fold(page.extract_text() or "") for page in reader.pages]
    text = " ".join(pages_text)
    for line in lines:
        for value in (line.given_names, line.family_names, line.facility, line.shelter):
            assert fold(value) in text, value
    # The header row is repeated on every page, in Spanish.
    assert all("Apellidos" in page for page in pages_text)
    assert "Family names" not in text

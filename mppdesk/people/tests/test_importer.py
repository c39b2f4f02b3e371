"""The people import: messy real-world files in, a per-row report out, nothing half-written."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from mppdesk.accounts.services import create_api_token
from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import Case, CaseEvent, CaseMember
from mppdesk.people import importer
from mppdesk.people.importer import ImportReport, RowError, import_people
from mppdesk.people.models import ContactPoint, Household, HouseholdMember, Person, dedupe_index
from mppdesk.people.queries import search_people
from mppdesk.testing.factories import (
    CaseFactory,
    PersonFactory,
    people_named,
    person_named,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"

HEADER = "nombre,apellidos,fecha_nacimiento,nacionalidad,telefono,numero_a,hogar,parentesco"


def _csv(tmp_path: Path, text: str, name: str = "people.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _run(personas, source, **kwargs) -> ImportReport:  # type: ignore[no-untyped-def]
    return import_people(source, actor=personas.caseworker, organization=personas.org, **kwargs)


def _problems(report: ImportReport) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in report.errors]


def _nothing_written() -> bool:
    return not (
        Person.objects.exists()
        or Household.objects.exists()
        or Case.objects.exists()
        or AuditEntry.objects.filter(action="import").exists()
    )


# --- the documented samples ----------------------------------------------------------------


def test_sample_file_creates_people_households_cases_and_riders(personas):
    report = _run(personas, SAMPLES / "people_sample.csv")

    assert report.errors == [] and report.duplicates == []
    assert report.written and not report.dry_run
    assert (report.total_rows, report.valid_rows) == (20, 20)
    assert (report.created_people, report.created_households, report.created_cases) == (20, 6, 11)
    assert Person.objects.filter(organization=personas.org).count() == 20

    lead = person_named("María José")
    assert lead.family_names == "Hernández Cruz"
    assert lead.birth_date == dt.date(1988, 3, 14)
    assert lead.nationality == "HND"
    assert lead.dedupe_bidx == dedupe_index("cruz hernandez jose maria|1988-03-14")
    assert [p.pk for p in search_people(personas.caseworker, "Hernandes Maria")] == [lead.pk]
    assert lead.created_by == personas.caseworker
    phone = lead.contact_points.get(kind=ContactPoint.Kind.PHONE)
    assert phone.value == "+526561234567" and phone.consent and phone.consent_recorded_at
    # "whatsapp: sí" means the phone number is on WhatsApp.
    assert lead.contact_points.get(kind=ContactPoint.Kind.WHATSAPP).value == "+526561234567"

    case = Case.objects.get(lead=lead)
    assert case.a_number == "201555101"
    assert case.port.mexican_city == "Ciudad Juarez"
    assert case.venue.name == "El Paso Immigration Court"
    roles = {
        m.person.given_names: m.role
        for m in CaseMember.objects.filter(case=case).select_related("person")
    }
    assert roles == {"María José": "lead", "Josué": "rider", "Dayana": "rider"}
    assert CaseEvent.objects.get(case=case).kind == CaseEvent.Kind.IMPORTED

    household = Household.objects.get(lead=lead)
    assert household.port == case.port
    relationships = {
        m.person.given_names: m.relationship for m in household.members.select_related("person")
    }
    assert relationships == {"María José": "lead", "Josué": "child", "Dayana": "child"}

    # A spouse with no A-number of her own rides on the lead's case; her languages are kept.
    rosa = person_named("Rosa Elena")
    assert rosa.case_memberships.get().role == "rider"
    assert list(rosa.languages.values_list("code", "needs_interpreter")) == [("quc", True)]
    assert rosa.vulnerabilities == ["indigenous", "pregnant"]
    # A single person with an A-number and no household gets a case but no household.
    single = person_named("Yesenia")
    assert not HouseholdMember.objects.filter(person=single).exists()
    assert single.contact_points.get(kind="email").value == "yesenia.rf@example.org"

    audit = AuditEntry.objects.filter(action="import", organization=personas.org)
    assert audit.filter(object_type="person").count() == 20
    assert audit.filter(object_type="household").count() == 6
    assert audit.filter(object_type="case").count() == 11
    assert set(audit.values_list("actor", flat=True)) == {personas.caseworker.pk}


def test_broken_sample_writes_nothing_and_names_row_and_column(personas):
    report = _run(personas, SAMPLES / "people_broken.csv")

    assert not report.written
    assert _nothing_written()
    assert report.total_rows == 7 and report.valid_rows == 0
    problems = _problems(report)
    assert (2, "número A") in problems  # too few digits
    assert (3, "fecha_nacimiento") in problems  # 03/04/2001 with nothing to settle it
    assert (4, "nacionalidad") in problems  # Atlantis
    assert (5, "teléfono") in problems  # 12345
    assert (7, "nombre") in problems  # missing given names
    assert (8, "fecha_nacimiento") in problems  # in the future
    assert (8, "idiomas") in problems
    assert (8, "ciudad") in problems
    ambiguous = next(e for e in report.errors if e.row == 3)
    assert "ambiguous" in ambiguous.message and "YYYY-MM-DD" in ambiguous.message
    assert [(d.row, d.column) for d in report.duplicates] == [(5, "número A"), (6, "número A")]
    assert "row 6" in report.duplicates[0].message
    assert report.warnings == [
        RowError(
            row=1, column="color_favorito", message="Unknown column(s) ignored: 'color_favorito'."
        )
    ]


def test_report_is_in_the_active_language(personas):
    with translation.override("es"):
        report = _run(personas, SAMPLES / "people_broken.csv")

    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(2, "número A")] == "El número A debe tener 8 o 9 dígitos; tiene 5."
    assert messages[(3, "fecha_nacimiento")] == (
        "'03/04/2001' es ambigua (el día y el mes podrían estar invertidos); "
        "escríbala como AAAA-MM-DD."
    )
    assert messages[(8, "fecha_nacimiento")] == "La fecha de nacimiento está en el futuro."
    assert report.duplicates[0].message == "Mismo número A que la fila 6."
    assert report.warnings[0].message == "Se ignoraron columnas desconocidas: 'color_favorito'."


def test_phone_worker_reports_in_the_callers_language(personas, tmp_path, monkeypatch):
    # Large files parse phone numbers in a forked process; its messages must match.
    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 2)
    monkeypatch.setattr(importer, "_can_fork", lambda: True)
    path = _csv(tmp_path, "nombre,telefono\nAna,12345\nLuis,656 123 4567\n")
    with translation.override("es"):
        report = _run(personas, path, dry_run=True)
    assert [e.message for e in report.errors] == [
        "No es un número de teléfono válido; escríbalo con el código de país, "
        "p. ej. +52 656 123 4567."
    ]


def test_dry_run_counts_but_writes_nothing_not_even_audit(personas):
    report = _run(personas, SAMPLES / "people_sample.csv", dry_run=True)

    assert report.dry_run and not report.written
    assert report.errors == [] and report.duplicates == []
    assert (report.created_people, report.created_households, report.created_cases) == (20, 6, 11)
    assert _nothing_written()
    assert not AuditEntry.objects.exists()


def test_report_as_dict_is_plain_json(personas):
    data = _run(personas, SAMPLES / "people_broken.csv").as_dict()
    assert data["errors"][0] == {
        "row": 2,
        "column": "número A",
        "message": data["errors"][0]["message"],
    }
    assert set(data) >= {
        "total_rows", "valid_rows", "errors", "duplicates", "created_people",
        "created_households", "created_cases", "dry_run", "written",
    }  # fmt: skip


# --- duplicates -----------------------------------------------------------------------------


def test_anumber_already_registered_is_a_duplicate_not_a_merge(personas, tmp_path):
    CaseFactory(organization=personas.org, a_number="201555999")
    path = _csv(tmp_path, HEADER + "\nAna,López,1990-01-02,HND,,A201-555-999,,\n")

    report = _run(personas, path)

    assert report.duplicates == [
        RowError(
            row=2, column="numero_a", message="A case with this A-number is already registered."
        )
    ]
    assert not report.written
    assert len(people_named("Ana")) == 0
    assert Case.objects.count() == 1


def test_same_name_and_birth_as_registered_person_is_a_duplicate(personas, tmp_path):
    PersonFactory(
        organization=personas.org, given_names="José", family_names="Pérez López",
        birth_date=dt.date(1990, 5, 17), birth_year=1990,
    )  # fmt: skip
    # Another organization's person with the same key is none of this import's business.
    PersonFactory(
        organization=personas.other_org, given_names="Marta", family_names="Díaz",
        birth_date=dt.date(1980, 1, 1), birth_year=1980,
    )  # fmt: skip
    path = _csv(
        tmp_path,
        HEADER + "\nJOSE,perez lopez,17/05/1990,HND,,,,\nMarta,Díaz,1980-01-01,HND,,,,\n",
    )

    report = _run(personas, path)

    assert [(d.row, d.column) for d in report.duplicates] == [(2, "nombre")]
    assert "already registered" in report.duplicates[0].message
    assert not report.written


def test_duplicates_within_the_file_name_each_other(personas, tmp_path):
    path = _csv(
        tmp_path,
        HEADER
        + "\nAna,López,1990-01-02,HND,,201555001,,"
        + "\nAna María,Cruz,1991-01-02,HND,,201555001,,"
        + "\nLuis,Reyes Díaz,1980-03-04,HND,,,,"
        + "\nluis,DÍAZ REYES,1980-03-04,HND,,,,\n",
    )

    report = _run(personas, path)

    assert [(d.row, d.column, d.message) for d in report.duplicates] == [
        (2, "numero_a", "Same A-number as row 3."),
        (3, "numero_a", "Same A-number as row 2."),
        (4, "nombre", "Same name and date of birth as row 5."),
        (5, "nombre", "Same name and date of birth as row 4."),
    ]
    assert report.errors == []
    assert _nothing_written()


def test_partial_import_skips_bad_rows_and_whole_households(personas, tmp_path):
    path = _csv(
        tmp_path,
        HEADER
        + "\nAna,López,1990-01-02,HND,,201555001,,"  # good single
        + "\nBeto,López,1990-13-02,HND,,,,"  # bad date
        + "\nCarla,Ruiz,1985-01-01,GTM,,201555002,F1,titular"  # good, but her household ...
        + "\nDiego,Ruiz,2010-01-01,Narnia,,,F1,hijo"  # ... has a bad row
        + "\nElena,Soto,1970-01-01,SLV,,201555003,F2,titular"
        + "\nFede,Soto,2001-01-01,SLV,,,F2,hijo\n",
    )

    report = _run(personas, path, all_or_nothing=False)

    assert report.written
    assert (
        report.created_people == 3 and report.created_households == 1 and report.created_cases == 2
    )
    assert {p.given_names for p in Person.objects.all()} == {"Ana", "Elena", "Fede"}
    skipped = next(e for e in report.errors if e.row == 4)
    assert skipped.column == "hogar" and "row(s) 5" in skipped.message
    assert report.valid_rows == 4


# --- headers, encodings, delimiters, spreadsheets --------------------------------------------


def test_cp1252_semicolon_file_with_split_family_names_and_multiline_cell(personas):
    report = _run(personas, FIXTURES / "cp1252_semicolon.csv")

    assert report.errors == [] and report.duplicates == [], report
    lead = person_named("José Ángel")
    assert lead.family_names == "Núñez Peña"
    assert lead.notes == "llegó con\nsu familia"
    assert lead.sex == "M"
    assert lead.led_cases.get().a_number == "201555301"
    # 25/12/1984 proves day-first, so 03/04/1986 is the 3rd of April.
    assert person_named("Dolores").birth_date == dt.date(1986, 4, 3)
    assert person_named("Íñigo").birth_year == 1990
    assert person_named("Íñigo").birth_date is None
    relationships = set(HouseholdMember.objects.values_list("relationship", flat=True))
    assert relationships == {"lead", "spouse", "child"}


def test_rows_are_numbered_by_line_even_after_a_multiline_cell(personas, tmp_path):
    text = (FIXTURES / "cp1252_semicolon.csv").read_bytes().decode("cp1252")
    text = text.replace("03/04/1986", "31/31/1986")
    path = _csv(tmp_path, text, encoding="cp1252")

    report = _run(personas, path)

    # The header is line 1 and José Ángel's note spans lines 2-3, so Dolores is line 4.
    assert _problems(report) == [(4, "Fecha de Nacimiento")]


def test_english_headers_tab_separated_utf8_bom_month_first(personas):
    report = _run(personas, FIXTURES / "english_bom.tsv")

    assert report.errors == [] and report.written
    maria = person_named("Maria")
    assert maria.birth_date == dt.date(1990, 12, 25)
    assert maria.nationality == "SLV"
    assert maria.contact_points.get().value == "+19155550123"
    # 12/25/1990 proves month-first, so 01/02/2015 is the 2nd of January.
    assert person_named("Pedro").birth_date == dt.date(2015, 1, 2)
    assert Case.objects.get().port.name == "El Paso"


def test_latin1_file_with_accented_names(personas, tmp_path):
    path = _csv(
        tmp_path,
        "Nombres;Apellidos;Fecha_Nacimiento;País\nÑandú;Güémez Ortíz;1999-09-09;Perú\n",
        encoding="latin-1",
    )

    report = _run(personas, path)

    assert report.errors == []
    person = Person.objects.get()
    assert (person.given_names, person.family_names, person.nationality) == (
        "Ñandú",
        "Güémez Ortíz",
        "PER",
    )


def test_header_matching_ignores_case_accents_spaces_and_underscores(personas, tmp_path):
    path = _csv(
        tmp_path,
        "NOMBRE,Apellidos,Fecha de nacimiento,NÚMERO A,Teléfono,Correo,Necesita intérprete,Idioma\n"
        "Ana,Cruz,1990-01-01,201555010,+52 656 111 2233,ANA@EXAMPLE.ORG,sí,portugués\n",
    )

    report = _run(personas, path)

    assert report.errors == [] and report.warnings == []
    person = Person.objects.get()
    assert person.contact_points.get(kind="email").value == "ana@example.org"
    assert list(person.languages.values_list("code", "needs_interpreter")) == [("por", True)]


def test_xlsx_with_date_cells_and_numeric_anumbers(personas, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Nombre",
            "Apellidos",
            "Fecha de nacimiento",
            "Número A",
            "Teléfono",
            "Hogar",
            "Parentesco",
        ]
    )
    sheet.append(
        # Spreadsheet cells hold naive date-times; Excel has no time zones.
        ["Lucía", "Ramírez", dt.datetime(1991, 2, 3), 12345678, 6561234567, "X", "titular"]  # noqa: DTZ001
    )
    sheet.append(["Mateo", "Ramírez", dt.date(2016, 8, 9), None, None, "X", "hijo"])
    sheet.append([None, None, None, None, None, None, None])  # blank rows are skipped
    sheet.append(["Sofía", "Ramírez", "03/04/2018", None, None, "X", "hija"])
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    report = _run(personas, path)

    # Date cells are unambiguous; the one typed as text is not, and nothing proves its order.
    assert _problems(report) == [(5, "Fecha de nacimiento")]
    report = _run(personas, path, date_order="DMY")
    assert report.errors == [] and report.written
    lucia = person_named("Lucía")
    assert lucia.birth_date == dt.date(1991, 2, 3)
    assert lucia.led_cases.get().a_number == "012345678"
    assert lucia.contact_points.get().value == "+526561234567"
    assert person_named("Sofía").birth_date == dt.date(2018, 4, 3)
    assert CaseMember.objects.filter(role="rider").count() == 2


def test_uploaded_file_object_is_accepted(personas):
    upload = SimpleUploadedFile(
        "lista.csv", b"nombre,apellidos\nAna,Cruz\n", content_type="text/csv"
    )
    report = import_people(upload, actor=personas.caseworker, organization=personas.org)
    assert report.written and report.created_people == 1


def test_binary_stream_with_filename(personas):
    report = import_people(
        io.BytesIO(b"given_names;family_names\nAna;Cruz\n"), filename="x.csv",
        actor=personas.caseworker, organization=personas.org,
    )  # fmt: skip
    assert report.written


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.pdf", b"%PDF-1.4", "Unsupported file type '.pdf'"),
        ("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("people.xlsx", b"PK\x03\x04 not really a zip", "cannot be read"),
        ("people.csv", b"", "empty"),
        ("people.csv", b"nombre,apellidos\n\n", "no rows"),
    ],
)
def test_unreadable_files_get_one_clear_error(personas, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)

    report = _run(personas, path)

    assert len(report.errors) == 1 and report.errors[0].row == 0
    assert message in report.errors[0].message
    assert not report.written


def test_missing_given_names_column_is_an_error_on_the_header(personas, tmp_path):
    report = _run(personas, _csv(tmp_path, "apellidos,telefono\nCruz,\n"))
    assert [(e.row, e.column) for e in report.errors] == [(1, "")]
    assert "nombre" in report.errors[0].message


def test_row_limit(personas, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    report = _run(personas, _csv(tmp_path, "nombre\nA\nB\nC\nD\n"))
    assert report.errors[0].row == 5 and "more than 3 rows" in report.errors[0].message
    assert _nothing_written()


# --- dates ----------------------------------------------------------------------------------


def test_ambiguous_date_without_proof_is_an_error_not_a_guess(personas, tmp_path):
    report = _run(
        personas, _csv(tmp_path, "nombre,fecha_nacimiento\nAna,03/04/2001\nLuis,05/05/1999\n")
    )
    assert _problems(report) == [(2, "fecha_nacimiento")]
    assert "ambiguous" in report.errors[0].message


def test_explicit_date_order_settles_ambiguous_dates(personas, tmp_path):
    path = _csv(tmp_path, "nombre,fecha_nacimiento\nAna,03/04/2001\n")
    report = _run(personas, path, date_order="MDY")
    assert report.errors == []
    assert Person.objects.get().birth_date == dt.date(2001, 3, 4)


def test_column_proving_both_orders_flags_the_minority_rows(personas, tmp_path):
    path = _csv(
        tmp_path,
        "nombre,fecha_nacimiento\nAna,25/01/2001\nBea,26/02/2002\nCeci,01/27/2003\nDora,03/04/2004\n",
    )

    report = _run(personas, path)

    assert _problems(report) == [(4, "fecha_nacimiento")]
    assert "MM/DD/YYYY" in report.errors[0].message and "2, 3" in report.errors[0].message


def test_column_proving_both_orders_equally_settles_nothing(personas, tmp_path):
    path = _csv(
        tmp_path, "nombre,fecha_nacimiento\nAna,25/01/2001\nCeci,01/27/2003\nDora,03/04/2004\n"
    )
    report = _run(personas, path)
    assert _problems(report) == [
        (2, "fecha_nacimiento"),
        (3, "fecha_nacimiento"),
        (4, "fecha_nacimiento"),
    ]


# --- households -----------------------------------------------------------------------------


def test_two_leads_in_one_household_is_an_error(personas, tmp_path):
    path = _csv(
        tmp_path,
        HEADER
        + "\nAna,Ruiz,1980-01-01,HND,,,F1,titular\nBea,Ruiz,1982-01-01,HND,,,F1,jefa de familia\n",
    )
    report = _run(personas, path)
    assert _problems(report) == [(3, "parentesco")]
    assert "row 2" in report.errors[0].message
    assert _nothing_written()


def test_household_without_lead_takes_the_first_row_and_warns(personas, tmp_path):
    path = _csv(
        tmp_path,
        HEADER
        + "\nAna,Ruiz,1980-01-01,HND,,201555020,F1,madre\nBea,Ruiz,2010-01-01,HND,,,F1,hija\n",
    )

    report = _run(personas, path)

    assert report.errors == [] and report.written
    assert [(w.row, w.column) for w in report.warnings] == [(2, "parentesco")]
    household = Household.objects.get()
    assert household.lead.given_names == "Ana"
    assert {
        m.person.given_names: m.relationship for m in household.members.select_related("person")
    } == {
        "Ana": "lead",
        "Bea": "child",
    }
    assert person_named("Bea").case_memberships.get().role == "rider"


def test_member_with_own_anumber_gets_own_case_not_a_ride(personas, tmp_path):
    path = _csv(
        tmp_path,
        HEADER
        + "\nAna,Ruiz,1980-01-01,HND,,201555030,F1,titular"
        + "\nBeto,Ruiz,1979-01-01,HND,,201555031,F1,esposo\n",
    )
    report = _run(personas, path)
    assert report.created_cases == 2
    beto = person_named("Beto")
    assert list(beto.case_memberships.values_list("role", flat=True)) == ["lead"]


def test_unknown_relationship_names_the_column(personas, tmp_path):
    path = _csv(tmp_path, HEADER + "\nAna,Ruiz,1980-01-01,HND,,,F1,vecina\n")
    report = _run(personas, path)
    assert _problems(report) == [(2, "parentesco")]


def test_progress_is_reported(personas, tmp_path):
    calls: list[tuple[int, int]] = []
    rows = "\n".join(f"Persona,Apellido,{1950 + i % 60}-01-01" for i in range(2500))
    path = _csv(
        tmp_path, "nombre,apellidos,fecha_nacimiento\n" + rows.replace("Persona", "Ana") + "\n"
    )
    _run(personas, path, dry_run=True, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (1000, 2500) and calls[-1] == (2500, 2500)


# --- web ------------------------------------------------------------------------------------


def test_web_upload_page_renders(caseworker_client: Client):
    response = caseworker_client.get("/people/import/")
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_web_upload_requires_login(client: Client):
    response = client.get("/people/import/")
    assert response.status_code == 302


def test_web_dry_run_shows_counts_and_writes_nothing(caseworker_client: Client):
    with (SAMPLES / "people_sample.csv").open("rb") as handle:
        response = caseworker_client.post("/people/import/", {"file": handle, "dry_run": "on"})
    assert response.status_code == 200
    assert response.context["report"].created_people == 20
    assert _nothing_written()


def test_web_upload_writes_to_the_users_organization(personas, caseworker_client: Client):
    with (SAMPLES / "people_sample.csv").open("rb") as handle:
        response = caseworker_client.post("/people/import/", {"file": handle})
    assert response.status_code == 200
    assert Person.objects.filter(organization=personas.org).count() == 20
    assert not Person.objects.filter(organization=personas.other_org).exists()
    assert set(AuditEntry.objects.filter(action="import").values_list("channel", flat=True)) == {
        "web"
    }


def test_web_broken_file_shows_error_table(caseworker_client: Client):
    with (SAMPLES / "people_broken.csv").open("rb") as handle:
        response = caseworker_client.post("/people/import/", {"file": handle})
    assert response.status_code == 422
    content = response.content.decode()
    # The page is in Spanish (LANGUAGE_CODE), and so are the importer's messages.
    assert "import-errors" in content and "fecha_nacimiento" in content and "ambigua" in content
    assert "ambiguous" not in content
    assert _nothing_written()


def test_web_report_follows_the_chosen_language(caseworker_client: Client):
    with (SAMPLES / "people_broken.csv").open("rb") as handle:
        response = caseworker_client.post(
            "/people/import/", {"file": handle}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 422
    assert "ambiguous" in response.content.decode()


def test_outsider_import_stays_in_their_organization(personas, outsider_client: Client):
    with (SAMPLES / "people_sample.csv").open("rb") as handle:
        outsider_client.post("/people/import/", {"file": handle})
    assert Person.objects.filter(organization=personas.other_org).count() == 20
    assert not Person.objects.filter(organization=personas.org).exists()


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def api_client(personas) -> Client:  # type: ignore[no-untyped-def]
    _token, secret = create_api_token(actor=None, user=personas.caseworker, name="t")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_api_import_returns_the_report(personas, api_client: Client):
    with (SAMPLES / "people_sample.csv").open("rb") as handle:
        response = api_client.post("/api/v1/imports/people", {"file": handle})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["written"] is True and body["created_people"] == 20 and body["errors"] == []
    assert Person.objects.filter(organization=personas.org).count() == 20


def test_api_dry_run_as_form_field_or_query(api_client: Client):
    with (SAMPLES / "people_sample.csv").open("rb") as handle:
        response = api_client.post("/api/v1/imports/people", {"file": handle, "dry_run": "true"})
    assert response.status_code == 200 and response.json()["dry_run"] is True
    with (SAMPLES / "people_sample.csv").open("rb") as handle:
        response = api_client.post("/api/v1/imports/people?dry_run=1", {"file": handle})
    assert response.status_code == 200 and response.json()["written"] is False
    assert _nothing_written()


def test_api_broken_file_is_422_with_errors_and_report(api_client: Client):
    with (SAMPLES / "people_broken.csv").open("rb") as handle:
        response = api_client.post("/api/v1/imports/people", {"file": handle})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["report"]["written"] is False
    fields = {e["field"] for e in body["errors"]}
    assert "file[3].fecha_nacimiento" in fields and "file[5].número A" in fields
    assert _nothing_written()


def test_api_requires_a_token(personas):
    response = Client().post(
        "/api/v1/imports/people", {"file": SimpleUploadedFile("a.csv", b"nombre\nAna\n")}
    )
    assert response.status_code == 401
    assert not Person.objects.exists()


def test_api_without_file_is_422_with_the_documented_report(api_client: Client):
    response = api_client.post("/api/v1/imports/people", {})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and [e["field"] for e in body["errors"]] == ["file"]
    # Every 422 of the import has the shape its OpenAPI documents (ImportErrorOut).
    report = body["report"]
    assert (report["total_rows"], report["written"]) == (0, False)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(0, "file")]


def test_phone_numbers_parsed_in_a_worker_process_give_the_same_report(personas, monkeypatch):
    from mppdesk.people import importer

    serial = _run(personas, SAMPLES / "people_broken.csv")
    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1)
    parallel = _run(personas, SAMPLES / "people_broken.csv")
    assert parallel == serial
    parallel = _run(personas, SAMPLES / "people_sample.csv")
    assert parallel.written
    lead = person_named("Jean-Baptiste")
    assert {(c.kind, c.value) for c in lead.contact_points.all()} == {
        ("phone", "+528684102233"),
        ("whatsapp", "+528684102233"),
    }


def test_whatsapp_column_may_say_yes_or_no(personas, tmp_path):
    path = _csv(
        tmp_path,
        "nombre,telefono,whatsapp,consentimiento\nAna,656 123 4567,no,sí\nBea,664 555 0011,sí,no\n",
    )
    report = _run(personas, path)
    assert report.errors == []
    ana = person_named("Ana")
    assert list(ana.contact_points.values_list("kind", "consent")) == [("phone", True)]
    bea = person_named("Bea")
    assert {(c.kind, c.value, c.consent) for c in bea.contact_points.all()} == {
        ("phone", "+526645550011", False),
        ("whatsapp", "+526645550011", False),
    }


def test_unclear_consent_is_an_error_not_a_yes(personas, tmp_path):
    report = _run(
        personas, _csv(tmp_path, "nombre,telefono,consentimiento\nAna,656 123 4567,tal vez\n")
    )
    assert _problems(report) == [(2, "consentimiento")]

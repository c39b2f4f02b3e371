"""The import page: a blank template to start from (CSV and XLSX, headers in the page's
language, every header understood by the importer), links to the people created, and
duplicates counted by row."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from mppdesk.accounts.testing import verified_login
from mppdesk.cases import services as case_services
from mppdesk.people import import_template, services
from mppdesk.people.importer import import_people

pytestmark = pytest.mark.django_db

ROW = {
    "given_names": "Wideline", "family_names": "Pierre Joseph", "birth_date": "1991-04-23",
    "sex": "F", "nationality": "HTI", "languages": "hat, fra", "needs_interpreter": "sí",
    "vulnerabilities": "pregnant", "phone": "664 123 4567", "whatsapp": "",
    "email": "", "consent": "sí", "a_number": "A245678901", "household": "H1",
    "relationship": "titular", "city": "Tijuana", "venue": "", "program_version": "",
    "notes": "",
}  # fmt: skip


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_filled_csv_template_imports_with_every_column_understood(personas, language):
    headers = import_template.headers(language)
    assert len(set(headers)) == len(import_template.TEMPLATE_COLUMNS)
    body = (
        ",".join(headers) + "\n" + ",".join(f'"{ROW[c]}"' for c in import_template.TEMPLATE_COLUMNS)
    )
    report = import_people(
        io.BytesIO(body.encode()), filename="filled.csv", actor=personas.caseworker,
        organization=personas.org, dry_run=True,
    )  # fmt: skip
    assert report.ok, report.as_dict()
    assert report.warnings == []  # no header left unknown
    assert report.created_people == 1 and report.created_cases == 1


def test_the_xlsx_template_has_the_headers_and_a_sheet_that_explains_them(personas):
    from django.utils import translation

    with translation.override("es"):
        data = import_template.template_xlsx()
    book = load_workbook(io.BytesIO(data))
    people, guide = book.worksheets
    assert [c.value for c in people[1]] == import_template.headers("es")
    assert guide.cell(row=2, column=1).value == "nombres"
    assert guide.max_row == len(import_template.TEMPLATE_COLUMNS) + 1
    # Filled in and uploaded, it imports.
    for index, column in enumerate(import_template.TEMPLATE_COLUMNS, start=1):
        people.cell(row=2, column=index, value=ROW[column] or None)
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_people(
        io.BytesIO(buffer.getvalue()), filename="filled.xlsx", actor=personas.caseworker,
        organization=personas.org, dry_run=True,
    )  # fmt: skip
    assert report.ok and report.warnings == [], report.as_dict()


def test_import_page_offers_the_templates_and_serves_them(personas):
    client = Client()
    verified_login(client, personas.caseworker)
    page = client.get("/people/import/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'href="/people/import/template.xlsx"' in page
    assert 'href="/people/import/template.csv"' in page
    csv = client.get("/people/import/template.csv", HTTP_ACCEPT_LANGUAGE="es")
    assert csv["Content-Disposition"] == 'attachment; filename="mppdesk-people-template.csv"'
    assert csv.content.decode("utf-8-sig").startswith("nombres,apellidos,fecha_nacimiento")
    xlsx = client.get("/people/import/template.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_after_an_import_the_page_links_to_the_people_created(personas):
    client = Client()
    verified_login(client, personas.caseworker)
    headers = import_template.headers("en")
    row = dict(ROW, a_number="A245678902", phone="664 765 4321")
    child = dict(ROW, given_names="Fabiola", birth_date="2019-02-14", relationship="hija",
                 a_number="", phone="", vulnerabilities="", consent="")  # fmt: skip
    body = (
        ",".join(headers)
        + "\n"
        + "\n".join(
            ",".join(f'"{r[c]}"' for c in import_template.TEMPLATE_COLUMNS) for r in (row, child)
        )
    )
    upload = SimpleUploadedFile("people.csv", body.encode(), content_type="text/csv")
    page = client.post(
        "/people/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    from mppdesk.people.models import Person

    # Names are encrypted: pick the people out in Python.
    created = [
        p for p in Person.objects.filter(organization=personas.org)
        if p.given_names in ("Wideline", "Fabiola")
    ]  # fmt: skip
    assert len(created) == 2
    for person in created:
        assert f'href="/people/{person.pk}/"' in page
    assert "Pierre Joseph, Fabiola" in page


def test_duplicates_are_counted_by_row(personas):
    existing = services.create_person(
        actor=None, organization=personas.org,
        data={"given_names": "Wideline", "family_names": "Pierre Joseph", "birth_date": "1991-04-23"},
        contacts=[{"kind": "phone", "value": "+526641234567", "consent": True}],
    )  # fmt: skip
    case_services.open_case(
        actor=None, organization=personas.org, a_number="245678901", lead=existing
    )
    headers = import_template.headers("en")
    body = (
        ",".join(headers) + "\n" + ",".join(f'"{ROW[c]}"' for c in import_template.TEMPLATE_COLUMNS)
    )
    report = import_people(
        io.BytesIO(body.encode()), filename="again.csv", actor=personas.caseworker,
        organization=personas.org, dry_run=True,
    )  # fmt: skip
    assert len(report.duplicates) >= 2  # A-number, phone, name and date of birth
    assert report.duplicate_rows == 1
    assert report.as_dict()["duplicate_rows"] == 1

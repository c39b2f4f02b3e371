from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from mppdesk.people.models import HouseholdMember, Person
from mppdesk.screening.models import ScreeningFacts
from mppdesk.transfers.models import Detention, MovementEvent
from mppdesk.transfers.roster import import_roster

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def test_sample_roster_imports_people_households_detentions_and_facts(personas: Any) -> None:
    report = import_roster(
        SAMPLES / "roster_sample.csv", actor=personas.coordinator, organization=personas.org
    )
    assert report.ok, report.errors
    assert report.written
    assert (report.created_people, report.created_households, report.detentions) == (10, 2, 10)
    assert (
        Detention.objects.filter(organization=personas.org, released_on__isnull=True).count() == 10
    )
    assert HouseholdMember.objects.filter(household__organization=personas.org).count() == 5
    flagged = [f for f in ScreeningFacts.objects.all() if "criminal_history" in f.flags]
    assert len(flagged) == 1
    assert ScreeningFacts.objects.filter(fear_expressed=True).count() == 1
    child = [
        p for p in Person.objects.filter(organization=personas.org) if p.given_names == "Daniela"
    ]
    assert "unaccompanied_child" in child[0].vulnerabilities
    assert MovementEvent.objects.filter(kind="detained").count() == 10
    # A second import of the same roster matches the people instead of duplicating them.
    again = import_roster(
        SAMPLES / "roster_sample.csv", actor=personas.coordinator, organization=personas.org
    )
    assert again.ok, again.errors + again.duplicates
    assert (again.created_people, again.matched_people) == (0, 10)
    assert Person.objects.filter(organization=personas.org).count() == 10


def test_broken_roster_reports_each_row_and_writes_nothing(personas: Any) -> None:
    report = import_roster(
        SAMPLES / "roster_broken.csv", actor=personas.coordinator, organization=personas.org
    )
    assert not report.written
    problems = {(e.row, e.column) for e in report.errors}
    assert (2, "centro") in problems
    assert (3, "fecha_detencion") in problems
    assert (3, "miedo") in problems
    assert (4, "nacionalidad") in problems
    assert (4, "alertas") in problems
    assert not Person.objects.exists()
    assert not Detention.objects.exists()


def test_xlsx_roster_with_default_facility_and_dry_run(personas: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Given name", "Family name", "DOB", "Nationality", "Fear expressed", "Flags"])
    sheet.append(["Ana", "Torres", "1990-01-01", "HND", "no", "lpr"])
    sheet.append(["Luis", "Mora", "1985-05-05", "GTM", "yes", ""])
    data = io.BytesIO()
    book.save(data)
    from mppdesk.places.models import DetentionFacility

    facility = DetentionFacility.objects.get(code="eloy-detention-center")
    data.seek(0)
    dry = import_roster(
        data, filename="roster.xlsx", actor=personas.coordinator, organization=personas.org,
        facility=facility, dry_run=True,
    )  # fmt: skip
    assert dry.ok and not dry.written and dry.created_people == 2
    assert not Person.objects.exists()
    data.seek(0)
    report = import_roster(
        data, filename="roster.xlsx", actor=personas.coordinator, organization=personas.org,
        facility=facility,
    )  # fmt: skip
    assert report.written
    assert set(Detention.objects.values_list("facility__code", flat=True)) == {facility.code}


def test_roster_without_facility_is_refused(personas: Any) -> None:
    data = io.BytesIO("nombre;apellidos\nAna;Torres\n".encode("cp1252"))
    report = import_roster(
        data, filename="r.csv", actor=personas.coordinator, organization=personas.org
    )
    assert not report.written and report.errors[0].row == 1


def test_caseworker_may_not_import_a_roster(personas: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_roster(
            SAMPLES / "roster_sample.csv", actor=personas.caseworker, organization=personas.org
        )

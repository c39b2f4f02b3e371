"""NUL and other control characters are refused by the web form, the importer and the
services alike, naming the field or the row and column; nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from mppdesk.core.errors import FieldErrors
from mppdesk.people import services
from mppdesk.people.importer import import_people
from mppdesk.people.models import Person

pytestmark = pytest.mark.django_db

HEADER = "nombre,apellidos,fecha_nacimiento,nacionalidad,telefono,numero_a,hogar,parentesco"


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x0c"])
def test_services_refuse_control_characters_naming_the_field(personas, char):
    with pytest.raises(FieldErrors) as caught:
        services.create_person(
            actor=None,
            organization=personas.org,
            data={"given_names": "Ana", "family_names": f"Pé{char}rez", "notes": f"x{char}"},
        )
    assert set(caught.value.errors) == {"family_names", "notes"}
    assert not Person.objects.exists()


@pytest.mark.parametrize("char", ["\x00", "\x1b"])
def test_importer_names_the_row_and_column_of_a_control_character(personas, tmp_path, char):
    path = tmp_path / "people.csv"
    # Past the first 4 KiB, where a NUL no longer makes the file "not a text file".
    rows = [HEADER] + [f"Ana{n},Pérez,1990-01-02,HND,,,," for n in "abcdefghij" * 15]
    rows.append(f"Lu{char}cía,Gómez,1991-03-04,HND,,,,")
    data = "\n".join(rows).encode("utf-8")
    assert data.index(char.encode()) > 4096
    path.write_bytes(data)
    report = import_people(path, actor=personas.caseworker, organization=personas.org)
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(len(rows), "nombre")]
    assert "Control characters" in report.errors[0].message
    assert not Person.objects.exists()


def test_importer_refuses_a_file_starting_with_nuls(personas, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_bytes(f"{HEADER}\nLu\x00cía,Gómez,1991-03-04,HND,,,,".encode())
    report = import_people(path, actor=personas.caseworker, organization=personas.org)
    assert not report.written and report.errors
    assert not Person.objects.exists()


@pytest.mark.parametrize("char", ["\x00", "\x1b"])
def test_web_form_shows_the_error_next_to_the_field(caseworker_client, char):
    response = caseworker_client.post(
        "/people/new/", {"given_names": f"Ana{char}", "family_names": "Pérez", "sex": "U"}
    )
    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert "given_names" in form.errors
    assert not Person.objects.exists()

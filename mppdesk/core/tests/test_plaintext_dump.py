"""A stolen database file or backup holds no name, A-number or phone number.

People are registered through the services (as the web UI, API and importer do), then
the whole database is dumped as an attacker would get it: the SQLite file (``VACUUM
INTO``; the test database lives in memory) or ``pg_dump`` of the PostgreSQL test
database. The CI runs the suite on both engines; this test branches on the vendor.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from mppdesk.cases import services as case_services
from mppdesk.lib.anumber import format_anumber
from mppdesk.people import importer, services

PEOPLE = [
    # (given names, family names, A-number, phone E.164, national digits)
    ("Yesenia Xiomara", "Zacarías Quintanilla", "209876541", "+526561237788", "6561237788"),
    ("Wilfredo Anselmo", "Núñez Barahona", "048765432", "+50499887766", "99887766"),
]
IMPORTED = ("Eustaquia Fermina", "Ocotlán Villatoro", "207654329", "+526861239911", "6861239911")


def _dump(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        target = tmp_path / "dump.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    assert connection.vendor == "postgresql", connection.vendor
    params = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(params.get("PASSWORD") or "")}
    command = ["pg_dump", "--no-owner", "--dbname", str(params["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            command += [flag, str(params[key])]
    return subprocess.run(command, env=env, check=True, capture_output=True).stdout  # noqa: S603


def _needles(given: str, family: str, a_number: str, e164: str, national: str) -> list[str]:
    words = [w for w in f"{given} {family}".split() if len(w) > 3]
    return [*words, given, family, a_number, format_anumber(a_number), e164, national]


# transaction=True: VACUUM and pg_dump see only committed rows. serialized_rollback: the
# flush afterwards leaves the migrations' data (places, content types) to be restored for
# the next serialized test instead of re-created (see audit/tests/test_triggers.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_dump_holds_no_names_anumbers_or_phones(personas, tmp_path):
    for given, family, a_number, phone, _national in PEOPLE:
        person = services.create_person(
            actor=personas.caseworker,
            organization=personas.org,
            data={"given_names": given, "family_names": family, "birth_date": "1991-02-03"},
            contacts=[{"kind": "whatsapp", "value": phone, "consent": True}],
        )
        case_services.open_case(
            actor=personas.caseworker, organization=personas.org, a_number=a_number, lead=person
        )
        case_services.add_case_note(
            actor=personas.caseworker, case=person.led_cases.get(), summary=f"Habló con {given}"
        )
    given, family, a_number, phone, _national = IMPORTED
    csv = f"nombre,apellidos,fecha_nacimiento,numero_a,telefono\n{given},{family},1980-01-01,{a_number},{phone}\n"
    report = importer.import_people(
        io.BytesIO(csv.encode()), filename="lista.csv",
        actor=personas.caseworker, organization=personas.org,
    )  # fmt: skip
    assert report.written, report.errors

    dump = _dump(tmp_path)
    assert len(dump) > 10_000  # a real dump, not an empty file
    found = [
        needle
        for record in [*PEOPLE, IMPORTED]
        for needle in _needles(*record)
        if needle.encode("utf-8") in dump or needle.lower().encode("utf-8") in dump
    ]
    assert found == []

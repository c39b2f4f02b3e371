"""End-to-end people import of a synthetic N-row CSV vs raw ``bulk_create`` of the same rows.

The end-to-end figure covers reading and decoding the file, header mapping, validating
every row (names, dates, phones, nationalities, A-numbers), duplicate detection and the
all-or-nothing write. The baseline writes the same people, households and cases with
``bulk_create`` from values prepared in memory, skipping all parsing and validation: the
cost of the database alone. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import setup_django

GIVEN = [
    "María",
    "José",
    "Juan",
    "Ana",
    "Luis",
    "Carlos",
    "Rosa",
    "Jorge",
    "Marta",
    "Elena",
    "Wilson",
    "Yesenia",
    "Kevin",
    "Dayana",
    "Josué",
    "Fátima",
    "Ángel",
    "Nelson",
    "Glenda",
    "Iris",
    "João",
    "Thiago",
    "Luana",
    "Gabriela",
    "Jean",
    "Marie",
    "Wideline",
    "Jean-Baptiste",
    "Stéphanie",
    "Darlin",
]
FAMILY = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vásquez",
    "Reyes",
    "Castillo",
    "Ortiz",
    "Mejía",
    "Aguilar",
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Pierre",
    "Joseph",
    "Jean-Louis",
    "Baptiste",
    "Chávez",
]
NATIONALITIES = [
    "Honduras",
    "Guatemala",
    "El Salvador",
    "HND",
    "GTM",
    "Cuba",
    "Venezuela",
    "Nicaragua",
    "Brasil",
]
CITIES = [
    ("Ciudad Juárez", "656"),
    ("Tijuana", "664"),
    ("Matamoros", "868"),
    ("Nuevo Laredo", "867"),
    ("Mexicali", "686"),
]
RELATIONS = ["esposa", "hijo", "hija", "hijo", "madre", "hermano"]


def write_csv(path: Path, rows: int, seed: int = 11, start: int = 0) -> int:
    """Write ``rows`` people in households; phones and A-numbers count from ``start`` so
    that several files can be imported into one database."""
    from mppdesk.lib.text import fold

    rng = random.Random(seed)
    written = 0
    household = 0
    seen: set[tuple] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "nombre",
                "apellidos",
                "fecha_nacimiento",
                "sexo",
                "nacionalidad",
                "idiomas",
                "telefono",
                "numero_a",
                "hogar",
                "parentesco",
                "ciudad",
            ]
        )
        while written < rows:
            household += 1
            size = min(rows - written, rng.choice([1, 1, 2, 3, 3, 4, 5, 6]))
            city, area = rng.choice(CITIES)
            family = f"{rng.choice(FAMILY)} {rng.choice(FAMILY)}"
            for member in range(size):
                # Same folded name and birth date would be a duplicate that blocks the
                # import (as it should); draw again until the person is distinct.
                while True:
                    given = rng.choice(GIVEN)
                    year, month, day = (
                        rng.randint(1960, 2022),
                        rng.randint(1, 12),
                        rng.randint(13, 28),
                    )
                    key = (frozenset(fold(f"{given} {family}").split()), year, month, day)
                    if key not in seen:
                        seen.add(key)
                        break
                # day > 12 keeps DD/MM unambiguous, as the column then proves its order
                born = (
                    f"{day:02d}/{month:02d}/{year}"
                    if rng.random() < 0.5
                    else f"{year}-{month:02d}-{day:02d}"
                )
                lead = member == 0
                serial = start + written
                phone = (
                    f"{area} {serial // 10000 % 900 + 100:03d} {serial % 10000:04d}" if lead else ""
                )
                a_number = f"A{200000000 + serial:09d}" if lead else ""
                out.writerow(
                    [
                        given,
                        family,
                        born,
                        rng.choice("FM"),
                        rng.choice(NATIONALITIES),
                        "spa",
                        phone,
                        a_number,
                        f"H{household}",
                        "titular" if lead else rng.choice(RELATIONS),
                        city,
                    ]
                )
                written += 1
    return household


def baseline_bulk_create(path: Path, organization, batch: int = 2000) -> float:
    """Write the same rows with bulk_create only: no parsing, validation or duplicate checks."""
    from django.db import transaction

    from mppdesk.cases.models import Case, CaseMember
    from mppdesk.people.models import (
        ContactPoint,
        Household,
        HouseholdMember,
        Person,
        PersonLanguage,
    )

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    started = time.perf_counter()
    people, languages, contacts, households, members, cases, case_members = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    current: dict[str, tuple] = {}
    for row in rows:
        person = Person(
            id=uuid.uuid4(),
            organization=organization,
            given_names=row["nombre"],
            family_names=row["apellidos"],
            birth_year=1990,
            sex=row["sexo"],
            nationality="HND",
        )
        people.append(person)
        languages.append(PersonLanguage(person=person, code="spa", preferred=True))
        if row["telefono"]:
            contacts.append(
                ContactPoint(
                    person=person, kind="phone", value="+52" + row["telefono"].replace(" ", "")
                )
            )
        key = row["hogar"]
        if key not in current:
            household = Household(id=uuid.uuid4(), organization=organization, lead=person)
            case = Case(
                id=uuid.uuid4(),
                organization=organization,
                a_number=row["numero_a"][1:],
                lead=person,
            )
            households.append(household)
            cases.append(case)
            current[key] = (household, case)
            members.append(HouseholdMember(household=household, person=person, relationship="lead"))
            case_members.append(CaseMember(case=case, person=person, role="lead"))
        else:
            household, case = current[key]
            members.append(
                HouseholdMember(household=household, person=person, relationship="child")
            )
            case_members.append(CaseMember(case=case, person=person, role="rider"))
    with transaction.atomic():
        for model, objs in (
            (Person, people),
            (PersonLanguage, languages),
            (ContactPoint, contacts),
            (Household, households),
            (HouseholdMember, members),
            (Case, cases),
            (CaseMember, case_members),
        ):
            model.objects.bulk_create(objs, batch_size=batch)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from mppdesk.accounts.models import Membership, Organization, User
    from mppdesk.people.importer import import_people
    from mppdesk.people.models import Person

    path = Path(tempfile.gettempdir())
    csv_path = path / f"bench-people-{args.rows}-{uuid.uuid4().hex[:6]}.csv"
    households = write_csv(csv_path, args.rows)

    org = Organization.objects.create(
        name="Bench import", slug="bench-import", kind="legal_services"
    )
    user = User.objects.create(username="bench-import")
    Membership.objects.create(user=user, organization=org, role="caseworker")
    started = time.perf_counter()
    report = import_people(csv_path, actor=user, organization=org)
    end_to_end = time.perf_counter() - started
    if report.errors or report.duplicates or not report.written:
        raise SystemExit(
            f"import did not write cleanly: {report.as_dict()['errors'][:5]} {report.as_dict()['duplicates'][:5]}"
        )
    imported = Person.objects.filter(organization=org).count()

    other = Organization.objects.create(
        name="Bench baseline", slug="bench-baseline", kind="legal_services"
    )
    baseline = baseline_bulk_create(csv_path, other)
    csv_path.unlink()
    print(
        json.dumps(
            {
                "benchmark": "people_import",
                "database": connection.vendor,
                "rows": args.rows,
                "households": households,
                "people_written": imported,
                "end_to_end_s": round(end_to_end, 2),
                "end_to_end_rows_per_s": round(args.rows / end_to_end),
                "baseline_bulk_create_s": round(baseline, 2),
                "baseline_rows_per_s": round(args.rows / baseline),
                "overhead_vs_baseline": round(end_to_end / baseline, 2),
                "target_rows_per_s": 3000,
                "meets_target": args.rows / end_to_end >= 3000,
            }
        )
    )


if __name__ == "__main__":
    main()

"""``mppdesk transfers``: plan, approve, list, manifest and import-roster from a terminal.

Every command acts as a staff member (``--user``) who needs ``transfer.manage`` (or
``transfer.read`` for ``list`` and ``manifest``). Output holds ids, codes and counts;
only the manifest file itself holds names. Django is set up inside each command so
``--help`` stays instant.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mppdesk.accounts.commands import get_user
from mppdesk.core.cli_support import UserError, setup_django

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.transfers.models import TransferGroup


@click.group("transfers")
def transfers_group() -> None:
    """Transfer groups: plan, approve, manifests, detention rosters."""


def _setup(username: str) -> User:
    setup_django()
    return get_user(username)


def _group(user: User, group_id: str) -> TransferGroup:
    from django.http import Http404

    from mppdesk.transfers import queries

    try:
        return queries.get_group(user, group_id)
    except Http404 as exc:
        raise UserError("group: not found", [f"group: no group {group_id!r} you may see."]) from exc


def _denied(username: str) -> Any:
    return UserError("user: not allowed", [f"user: {username!r} may not do this."])


def _summary(group: TransferGroup) -> str:
    s = group.summary
    rules = ", ".join(f"{k} {v}" for k, v in (s.get("excluded_by_rule") or {}).items())
    return (
        f"{group.pk}\t{group.status}\t{group.date}\t{group.port.code}\t"
        f"included {s.get('included', 0)}/{group.target_size} "
        f"({s.get('households_included', 0)} households), candidates {s.get('candidates', 0)}"
        + (f", excluded: {rules}" if rules else "")
    )


@transfers_group.command("plan")
@click.option("--user", "username", required=True, help="Coordinator (transfer.manage).")
@click.option(
    "--facility", "facilities", multiple=True, required=True, help="Facility code (repeat)."
)
@click.option("--port", "port_code", required=True, help="Port of entry code, e.g. el-paso.")
@click.option("--date", "day", required=True, help="Transfer date, YYYY-MM-DD.")
@click.option("--size", "target", type=int, required=True, help="Target group size (people).")
@click.option("--version", default="2021", type=click.Choice(["2019", "2021", "current"]))
@click.option("--name", default="", help="A name for the group (no personal data).")
@click.option("--nights", type=int, default=None, help="Nights counted in the shelter.")
def plan_command(
    username: str, facilities: tuple[str, ...], port_code: str, day: str, target: int,
    version: str, name: str, nights: int | None,
) -> None:  # fmt: skip
    """Plan a group; prints its id, counts and the exclusions by rule."""
    user = _setup(username)
    from django.core.exceptions import PermissionDenied

    from mppdesk.places.models import DetentionFacility, Port
    from mppdesk.transfers import services
    from mppdesk.transfers.models import DEFAULT_STAY_NIGHTS

    chosen = list(DetentionFacility.objects.filter(code__in=facilities))
    missing = sorted(set(facilities) - {f.code for f in chosen})
    if missing:
        raise UserError("facility: unknown", [f"facility: no facility {c!r}." for c in missing])
    port = Port.objects.filter(code=port_code).first()
    if port is None:
        raise UserError("port: unknown", [f"port: no port {port_code!r}."])
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise UserError("date: use YYYY-MM-DD.", ["date: use YYYY-MM-DD."]) from exc
    try:
        group = services.plan_group(
            actor=user, facilities=chosen, port=port, date=date, target_size=target,
            version=version, name=name, stay_nights=nights or DEFAULT_STAY_NIGHTS,
        )  # fmt: skip
    except PermissionDenied as exc:
        raise _denied(username) from exc
    click.echo(_summary(group))


def _step(name: str, username: str, group_id: str) -> None:
    user = _setup(username)
    from django.core.exceptions import PermissionDenied

    from mppdesk.transfers import services

    action = {
        "approve": services.approve_group,
        "depart": services.depart_group,
        "arrive": services.arrive_group,
        "cancel": services.cancel_group,
    }[name]
    try:
        group = action(actor=user, group=_group(user, group_id))
    except PermissionDenied as exc:
        raise _denied(username) from exc
    click.echo(_summary(group))


# One command per step of a group's life, each ``<step> GROUP_ID --user NAME``.
_STEP_HELP = {
    "approve": "Approve GROUP_ID: take its shelter places (all or nothing).",
    "depart": "Mark GROUP_ID departed.",
    "arrive": "Mark GROUP_ID arrived (movements written, detentions ended).",
    "cancel": "Cancel GROUP_ID (its shelter places are given back).",
}


def _step_command(name: str, help_text: str) -> None:
    @transfers_group.command(name, help=help_text)
    @click.argument("group_id")
    @click.option("--user", "username", required=True)
    def command(group_id: str, username: str) -> None:
        _step(name, username, group_id)


for _name, _help in _STEP_HELP.items():
    _step_command(_name, _help)


@transfers_group.command("list")
@click.option("--user", "username", required=True)
@click.option("--status", default=None, help="planned, approved, departed, arrived, cancelled.")
def list_command(username: str, status: str | None) -> None:
    """The groups you may see (tab-separated: id, status, date, port, counts)."""
    user = _setup(username)
    from mppdesk.transfers import queries

    rows = queries.groups_for(user)
    if status:
        rows = rows.filter(status=status)
    for group in rows:
        click.echo(_summary(group))


@transfers_group.command("manifest")
@click.argument("group_id")
@click.option("--user", "username", required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "pdf"]), default="csv")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    help="Directory to write the file to.",
)  # fmt: skip
def manifest_command(group_id: str, username: str, fmt: str, out_dir: Path) -> None:
    """Write GROUP_ID's manifest (audited as an export); prints the file's path."""
    user = _setup(username)
    from django.core.exceptions import PermissionDenied

    from mppdesk.transfers import services

    try:
        name, _type, content = services.export_manifest(
            actor=user, group=_group(user, group_id), fmt=fmt
        )
    except PermissionDenied as exc:
        raise _denied(username) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    path.write_bytes(content)
    click.echo(str(path))


@transfers_group.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Coordinator doing the import.")
@click.option("--facility", "facility_code", default=None, help="Facility of rows without one.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--date-order", type=click.Choice(["DMY", "MDY"], case_sensitive=False), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_roster_command(
    file: Path, username: str, facility_code: str | None, dry_run: bool,
    date_order: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Import a detention roster (CSV/XLSX): people, households, detentions, screening
    facts. All or nothing; exit status 1 when rows have problems."""
    user = _setup(username)
    from django.core.exceptions import PermissionDenied

    from mppdesk.places.models import DetentionFacility
    from mppdesk.transfers.queries import may_manage
    from mppdesk.transfers.roster import import_roster
    from mppdesk.transfers.services import acting_organization

    facility = None
    if facility_code:
        facility = DetentionFacility.objects.filter(code=facility_code).first()
        if facility is None:
            raise UserError("facility: unknown", [f"facility: no facility {facility_code!r}."])
    if not may_manage(user):
        raise _denied(username)
    try:
        report = import_roster(
            file, actor=user, organization=acting_organization(user, None), facility=facility,
            dry_run=dry_run, date_order=date_order.upper() if date_order else None,
        )  # fmt: skip
    except PermissionDenied as exc:
        raise _denied(username) from exc
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.errors + report.duplicates + report.warnings:
            click.echo(f"row {problem.row}\t{problem.column}\t{problem.message}", err=True)
        verb = "would create" if dry_run else ("created" if report.written else "nothing written;")
        click.echo(
            f"{report.total_rows} rows: {verb} {report.created_people} people, "
            f"{report.created_households} households; {report.matched_people} already "
            f"registered; {report.detentions} detentions."
        )
    if not report.ok:
        raise SystemExit(1)


#: Header of a synthetic roster, as in docs/samples/roster_sample.csv (Spanish).
SAMPLE_HEADER = (
    "nombre", "apellidos", "fecha_nacimiento", "sexo", "nacionalidad", "idiomas",
    "vulnerabilidades", "número A", "grupo_familiar", "parentesco", "centro",
    "fecha_detencion", "numero_de_registro", "no_acompanado", "alertas", "pregunta_miedo",
    "miedo",
)  # fmt: skip
_COUNTRY_ES = {
    "HND": "Honduras", "GTM": "Guatemala", "SLV": "El Salvador", "CUB": "Cuba",
    "VEN": "Venezuela", "NIC": "Nicaragua", "BRA": "Brasil", "HTI": "Haití", "MEX": "México",
}  # fmt: skip
_LANGUAGE_ES = {"spa": "español", "por": "portugués", "hat": "criollo haitiano"}


def sample_roster_rows(
    people: int, *, seed: int, facility: str, today: dt.date | None = None
) -> list[dict[str, str]]:
    """Rows of a synthetic detention roster of ``people`` people (nobody real).

    Households of 1 to 6 (``transfers.demo.household_sizes``) share a family group id;
    nationalities and languages as in ``transfers.demo``. A realistic few are exempt:
    about 1% unaccompanied children, 1% Mexican nationals, and per person about 2% a
    medical condition, 1% pregnant, 1.5% a criminal-history flag. The fear question was
    put to about 95% (so the 2021 rules can find the rest amenable) and about 3%
    expressed fear. Every name + date of birth and every A-number is unique in the file.
    """
    import random

    from faker import Faker

    from mppdesk.transfers.demo import PROFILES, household_sizes

    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    faker = Faker(["es_MX", "pt_BR", "fr_FR"])
    faker.seed_instance(seed)
    today = today or dt.datetime.now(dt.UTC).date()
    weights = [p[3] for p in PROFILES]
    seen: set[tuple[str, str, dt.date]] = set()
    a_numbers: set[str] = set()
    rows: list[dict[str, str]] = []
    families = 0

    def birth_for(age: int) -> dt.date:
        return today.replace(year=today.year - age, day=1) - dt.timedelta(days=rng.randint(1, 360))

    def date_text(day: dt.date) -> str:
        # Day-first only when unambiguous (day > 12), as messy rosters mix both.
        return day.strftime("%d/%m/%Y") if day.day > 12 and rng.random() < 0.4 else day.isoformat()

    def a_number() -> str:
        while True:
            digits = f"{rng.randint(200_000_000, 299_999_999)}"
            if digits not in a_numbers:
                a_numbers.add(digits)
                return f"A{digits[:3]}-{digits[3:6]}-{digits[6:]}"

    for size in household_sizes(rng, people):
        language, nationality, locale, _w = rng.choices(PROFILES, weights=weights)[0]
        if size == 1 and rng.random() < 0.02:
            language, nationality, locale = "spa", "MEX", "es_MX"
        fake = faker[locale]
        family = f"{fake.last_name()} {fake.last_name()}" if language == "spa" else fake.last_name()
        since = today - dt.timedelta(days=rng.randint(2, 60))
        unaccompanied = size == 1 and rng.random() < 0.02
        group_id = ""
        if size > 1:
            families += 1
            group_id = f"F-{families:04d}"
        for index in range(size):
            adult = not unaccompanied and (index < 2 or size == 1)
            age = rng.randint(19, 58) if adult else rng.randint(1 if size > 1 else 14, 17)
            sex = rng.choice("FM") if index else rng.choice("FFM")
            while True:
                given = fake.first_name_female() if sex == "F" else fake.first_name_male()
                birth = birth_for(age)
                if (given, family, birth) not in seen:
                    seen.add((given, family, birth))
                    break
            vulnerabilities: list[str] = []
            if not adult:
                vulnerabilities.append("niña" if sex == "F" else "niño")
            draw = rng.random()
            flags = ""
            if adult and draw < 0.02:
                vulnerabilities.append("médica")
            elif adult and sex == "F" and age < 45 and draw < 0.03:
                vulnerabilities.append("embarazada")
            elif adult and 0.03 <= draw < 0.045:
                flags = "antecedentes penales"
            if size == 1:
                relationship = ""
            elif index == 0:
                relationship = "titular"
            elif adult:
                relationship = "esposa" if sex == "F" else "esposo"
            else:
                relationship = "hija" if sex == "F" else "hijo"
            fear_asked = rng.random() < 0.95
            rows.append(
                {
                    "nombre": given,
                    "apellidos": family,
                    "fecha_nacimiento": date_text(birth),
                    "sexo": sex,
                    "nacionalidad": _COUNTRY_ES[nationality],
                    "idiomas": _LANGUAGE_ES[language],
                    "vulnerabilidades": ", ".join(vulnerabilities),
                    "número A": a_number() if adult or unaccompanied else "",
                    "grupo_familiar": group_id,
                    "parentesco": relationship,
                    "centro": facility,
                    "fecha_detencion": since.isoformat(),
                    "numero_de_registro": f"R-{seed % 1000:03d}{len(rows) + 1:06d}",
                    "no_acompanado": "sí" if unaccompanied else "no",
                    "alertas": flags,
                    "pregunta_miedo": "sí" if fear_asked else "no",
                    "miedo": "sí" if fear_asked and rng.random() < 0.03 else "no",
                }
            )
    return rows


@transfers_group.command("sample-roster")
@click.option("--people", type=click.IntRange(1, 200_000), default=600, show_default=True)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="CSV file to write.",
)  # fmt: skip
@click.option("--seed", type=int, default=20260128, show_default=True, help="Random seed.")
@click.option(
    "--facility", default="el-paso-service-processing-center", show_default=True,
    help="Facility code written in the centro column.",
)  # fmt: skip
def sample_roster_command(people: int, out: Path, seed: int, facility: str) -> None:
    """Write a synthetic detention roster (CSV, Spanish headers; nobody real) to OUT,
    ready for ``mppdesk transfers import-roster`` or the web import."""
    import csv

    rows = sample_roster_rows(people, seed=seed, facility=facility)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SAMPLE_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    families = len({r["grupo_familiar"] for r in rows if r["grupo_familiar"]})
    click.echo(f"{out}: {len(rows)} people, {families} families.")


def register_commands(group: click.Group) -> None:
    """Mount ``transfers`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(transfers_group)

"""Import a detention roster (CSV/XLSX) into the registry and the detention records.

A roster is a people file with a few more columns, so the people importer does the
reading and the person columns (``people.importer``: encodings, delimiters, XLSX,
Spanish/English headers, dates, phones, nationalities, languages, households,
relationships, A-numbers, duplicates inside the file) and its messages are the same.
This module adds the roster columns and what is written for them:

| column | also accepted | value |
|---|---|---|
| ``facility`` | detention_facility, centro, centro_de_detencion, instalacion | facility code or name (or ``--facility`` for the whole file) |
| ``detained_since`` | since, booking_date, fecha_detencion, fecha_de_detencion, detenido_desde | YYYY-MM-DD or DD/MM/YYYY (default: today) |
| ``roster_id`` | booking_number, numero_de_registro, registro | the facility's own number (stored encrypted) |
| ``unaccompanied`` | uac, no_acompanado, menor_no_acompanado | sí/no |
| ``flags`` | screening_flags, alertas, banderas | lpr, advance_parole, parole, expedited_removal, criminal_history, history_of_violence, government_interest, port_director_discretion (or Spanish words) |
| ``fear_asked`` | pregunta_miedo, se_pregunto_miedo | sí/no: the fear-of-return question was put |
| ``fear_expressed`` | fear, miedo, temor, miedo_de_regresar | sí/no |

People already registered in the organization (same A-number, or the same name and date
of birth) are matched, not duplicated: their record is kept and only the detention and
screening facts are added. A household is all new or all registered. The whole file is
validated first; any error writes nothing (all or nothing); ``dry_run`` only checks.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mppdesk.cases.models import A_NUMBER_PURPOSE, Case
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.core.validation import to_bool
from mppdesk.lib import tabular
from mppdesk.lib.crypto import lookup_table
from mppdesk.lib.dates import parse_date
from mppdesk.lib.text import fold
from mppdesk.people import importer
from mppdesk.people.models import DEDUPE_PURPOSE, Person
from mppdesk.places.models import DetentionFacility

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

# fmt: off
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "facility": ("facility", "detention_facility", "facility_code", "centro",
                 "centro_de_detencion", "instalacion", "estacion_migratoria"),
    "since": ("detained_since", "since", "booking_date", "detention_date", "fecha_detencion",
              "fecha_de_detencion", "detenido_desde", "fecha_de_ingreso"),
    "roster_id": ("roster_id", "booking_number", "booking_no", "numero_de_registro",
                  "registro", "id_roster"),
    "unaccompanied": ("unaccompanied", "uac", "unaccompanied_child", "no_acompanado",
                      "menor_no_acompanado"),
    "flags": ("flags", "screening_flags", "alertas", "banderas", "marcas"),
    "fear_asked": ("fear_asked", "fear_question_asked", "pregunta_miedo",
                   "se_pregunto_miedo", "pregunta_de_miedo"),
    "fear_expressed": ("fear_expressed", "fear", "fear_of_return", "miedo", "temor",
                       "miedo_de_regresar", "temor_de_retorno", "expreso_miedo"),
}
FLAG_WORDS: dict[str, tuple[str, ...]] = {
    "lpr": ("lpr", "residente permanente", "residente", "green card"),
    "advance_parole": ("advance parole", "permiso anticipado"),
    "parole": ("parole", "libertad condicional", "en parole"),
    "expedited_removal": ("expedited removal", "expulsion expedita", "deportacion expedita"),
    "criminal_history": ("criminal history", "criminal", "antecedentes penales",
                         "antecedentes"),
    "history_of_violence": ("history of violence", "violence", "historial de violencia",
                            "violencia"),
    "government_interest": ("government interest", "interes del gobierno"),
    "port_director_discretion": ("port director discretion", "discrecion del director"),
}
# fmt: on
_ROSTER_INDEX = {
    tabular.header_key(alias): column
    for column, aliases in ROSTER_COLUMNS.items()
    for alias in aliases
}
_FLAG_INDEX = {fold(word): code for code, words in FLAG_WORDS.items() for word in words} | {
    fold(code.replace("_", " ")): code for code in FLAG_WORDS
}
MAX_ROSTER_ID = 64


@dataclass
class RosterReport:
    total_rows: int
    valid_rows: int
    errors: list[importer.RowError]
    duplicates: list[importer.RowError]
    warnings: list[importer.RowError]
    created_people: int
    matched_people: int
    created_households: int
    detentions: int
    dry_run: bool
    written: bool
    group_id: str | None = None
    #: Codes of the detention facilities of the file's rows (the planner preselects them).
    facilities: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicates

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Extra:
    facility: DetentionFacility | None = None
    since: dt.date | None = None
    roster_id: str = ""
    unaccompanied: bool = False
    flags: list[str] = field(default_factory=list)
    fear_asked: bool | None = None
    fear_expressed: bool | None = None
    existing: uuid.UUID | None = None


def _facilities_index() -> dict[str, DetentionFacility]:
    index: dict[str, DetentionFacility] = {}
    for facility in DetentionFacility.objects.filter(active=True):
        for key in (fold(facility.name), fold(facility.code), facility.code):
            index.setdefault(key, facility)
    return index


def _failed(error: importer.RowError, dry_run: bool, total: int = 0) -> RosterReport:
    return RosterReport(
        total_rows=total, valid_rows=0, errors=[error], duplicates=[], warnings=[],
        created_people=0, matched_people=0, created_households=0, detentions=0,
        dry_run=dry_run, written=False,
    )  # fmt: skip


class _RosterValidator(importer.Validator):
    """The people importer's validator; registered people are matched, not duplicates."""

    def find_duplicates(self) -> None:
        by_anumber: dict[str, list[importer.Row]] = {}
        by_key: dict[str, list[importer.Row]] = {}
        for row in self.rows:
            if row.a_number:
                by_anumber.setdefault(row.a_number, []).append(row)
            if row.dedupe:
                by_key.setdefault(row.dedupe, []).append(row)
        for index, message in (
            (by_anumber, _("Same A-number as row %(rows)s.")),
            (by_key, _("Same name and date of birth as row %(rows)s.")),
        ):
            column = "a_number" if index is by_anumber else "given_names"
            for rows in index.values():
                if len(rows) > 1:
                    for row in rows:
                        others = ", ".join(str(r.line) for r in rows if r is not row)
                        self._duplicate(row, column, message % {"rows": others})
        self.matches: dict[int, uuid.UUID] = {}
        org = self.organization
        table = lookup_table(A_NUMBER_PURPOSE, by_anumber)
        digests = list(table)
        for start in range(0, len(digests), importer.LOOKUP_CHUNK):
            chunk = digests[start : start + importer.LOOKUP_CHUNK]
            for digest, lead_id in Case.objects.filter(
                organization=org, a_number_bidx__in=chunk
            ).values_list("a_number_bidx", "lead_id"):
                for row in by_anumber[table[digest]]:
                    if lead_id is not None:
                        self.matches[row.line] = lead_id
        table = lookup_table(DEDUPE_PURPOSE, by_key)
        digests = list(table)
        found: dict[str, list[uuid.UUID]] = {}
        for start in range(0, len(digests), importer.LOOKUP_CHUNK):
            chunk = digests[start : start + importer.LOOKUP_CHUNK]
            for digest, pid in Person.objects.filter(
                organization=org, dedupe_bidx__in=chunk
            ).values_list("dedupe_bidx", "id"):
                found.setdefault(table[digest], []).append(pid)
        for key, ids in found.items():
            for row in by_key[key]:
                if row.line in self.matches:
                    continue
                if len(ids) > 1:
                    self._duplicate(
                        row,
                        "given_names",
                        _(
                            "Several registered people have this name and date of birth; "
                            "give the A-number."
                        ),
                    )
                else:
                    self.matches[row.line] = ids[0]
        self.duplicates.sort(key=lambda e: e.row)


def import_roster(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    filename: str | None = None,
    actor: User | None,
    organization: Organization,
    facility: DetentionFacility | None = None,
    dry_run: bool = False,
    date_order: Any = None,
) -> RosterReport:
    """Validate a detention roster and, when every row is good, write it in one
    transaction: new people and households (the people importer's bulk writer, with its
    audit entries), a detention per row (``services.record_detention``) and the
    screening facts (``screening.services.record_facts``). ``facility`` is the default
    for rows without a facility column. Needs ``transfer.manage`` and
    ``screening.decide`` in ``organization`` (``PermissionDenied``)."""
    from django.core.exceptions import PermissionDenied

    from mppdesk.accounts.permissions import Action, can

    if actor is not None and not (
        can(actor, Action.TRANSFER_MANAGE, organization.pk)
        and can(actor, Action.SCREENING_DECIDE, organization.pk)
        and can(actor, Action.PERSON_IMPORT, organization.pk)
    ):
        raise PermissionDenied
    max_rows = int(getattr(settings, "IMPORT_MAX_ROWS", 200_000))
    try:
        data, name = tabular.read_source(source, filename)
        table = tabular.read_table(data, name, max_rows)
    except tabular.TableError as exc:
        return _failed(importer.row_error(exc), dry_run)
    except OSError as exc:
        message = _("The file cannot be opened: %(reason)s.") % {"reason": exc.strerror or exc}
        return _failed(importer.RowError(row=0, column="", message=message), dry_run)

    # Roster columns are taken out of the people importer's view (a blank header is
    # skipped there) and read here.
    roster_cols: dict[str, int] = {}
    roster_header: dict[str, str] = {}
    people_headers = list(table.headers)
    for index, header in enumerate(table.headers):
        column = _ROSTER_INDEX.get(tabular.header_key(header)) if header else None
        if column is None:
            continue
        if column in roster_cols:
            message = _("Columns %(first)s and %(second)s both mean %(column)s; keep one.") % {
                "first": repr(roster_header[column]), "second": repr(header), "column": column,
            }  # fmt: skip
            return _failed(
                importer.RowError(row=1, column=header, message=message), dry_run, len(table.rows)
            )
        roster_cols[column] = index
        roster_header[column] = header
        people_headers[index] = ""
    people_table = tabular.Table(headers=people_headers, rows=table.rows, typed=table.typed)
    validator = _RosterValidator(people_table, organization, date_order)
    try:
        validator.map_headers()
    except tabular.TableError as exc:
        return _failed(importer.row_error(exc), dry_run, len(table.rows))
    total = len(table.rows)
    if total == 0:
        message = _("The file has a header but no rows.")
        return _failed(importer.RowError(row=0, column="", message=message), dry_run)
    if "facility" not in roster_cols and facility is None:
        message = _("The file has no facility column; add one or choose the facility.")
        return _failed(importer.RowError(row=1, column="", message=message), dry_run, total)
    validator.infer_date_order()
    validator.validate_rows(None)
    groups = validator.households()
    validator.find_duplicates()

    extras = _validate_roster(validator, roster_cols, roster_header, facility)
    units = _units(validator, groups, extras, roster_header)
    rows = validator.rows
    report = RosterReport(
        total_rows=total,
        valid_rows=sum(1 for r in rows if not r.bad and not r.duplicate),
        errors=sorted(validator.errors, key=lambda e: e.row),
        duplicates=validator.duplicates,
        warnings=sorted(validator.warnings, key=lambda e: e.row),
        created_people=sum(1 for r in rows if extras[r.line].existing is None),
        matched_people=sum(1 for r in rows if extras[r.line].existing is not None),
        created_households=sum(
            1 for u in units if u[0].household and extras[u[0].line].existing is None
        ),
        detentions=total,
        dry_run=dry_run,
        written=False,
        facilities=sorted({e.facility.code for e in extras.values() if e.facility is not None}),
    )
    if not report.ok:
        report.created_people = report.matched_people = report.created_households = 0
        report.detentions = 0
        return report
    if dry_run:
        return report
    try:
        _write(units, extras, organization, actor)
    except IntegrityError:
        report.errors.append(
            importer.RowError(
                row=0,
                column="",
                message=_(
                    "The records changed while the file was being imported; nothing was "
                    "written. Run the import again."
                ),
            )
        )
        return report
    except FieldErrors as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                report.errors.append(importer.RowError(row=0, column=name, message=message))
        return report
    report.written = True
    return report


def _validate_roster(
    validator: _RosterValidator,
    cols: dict[str, int],
    header: dict[str, str],
    default_facility: DetentionFacility | None,
) -> dict[int, _Extra]:
    facilities = _facilities_index()
    today = utc_today()
    extras: dict[int, _Extra] = {}
    unaccompanied: dict[int, tuple[importer.Row, uuid.UUID]] = {}
    for row, (_line, cells) in zip(validator.rows, validator.table.rows, strict=True):
        extra = _Extra(facility=default_facility, existing=validator.matches.get(row.line))
        extras[row.line] = extra

        def get(column: str, cells: Sequence[Any] = cells) -> Any:
            index = cols.get(column)
            if index is None or index >= len(cells):
                return ""
            value = cells[index]
            return value.strip() if isinstance(value, str) else value

        def error(column: str, message: str, row: importer.Row = row) -> None:
            row.bad = True
            validator.errors.append(
                importer.RowError(row=row.line, column=header.get(column, column), message=message)
            )

        raw = str(get("facility"))
        if raw:
            found = facilities.get(fold(raw)) or facilities.get(raw)
            if found is None:
                error("facility", _("Unknown detention facility %(value)s; use its name or code.")
                      % {"value": repr(raw)})  # fmt: skip
            extra.facility = found
        elif default_facility is None:
            error("facility", _("This field is required."))
        since = get("since")
        if isinstance(since, dt.date):
            extra.since = since
        elif since:
            try:
                extra.since = parse_date(str(since), validator.date_order)
            except ValueError as exc:
                error("since", str(exc))
        if extra.since is not None and extra.since > today:
            error("since", _("This date is in the future."))
        roster_id = str(get("roster_id"))
        if len(roster_id) > MAX_ROSTER_ID:
            error("roster_id", _("At most %(count)s characters.") % {"count": MAX_ROSTER_ID})
        extra.roster_id = roster_id
        for column in ("unaccompanied", "fear_asked", "fear_expressed"):
            value = get(column)
            if value == "":
                continue
            try:
                setattr(extra, column, to_bool(value))
            except ValueError as exc:
                error(column, str(exc))
        raw_flags = str(get("flags"))
        for part in importer.LIST_SPLIT.split(raw_flags) if raw_flags else []:
            code = _FLAG_INDEX.get(fold(part))
            if code is None:
                error("flags", _("Unknown flag %(value)s; use one of: %(allowed)s.")
                      % {"value": repr(part), "allowed": ", ".join(FLAG_WORDS)})  # fmt: skip
            elif code not in extra.flags:
                extra.flags.append(code)
        if extra.unaccompanied and extra.existing is not None:
            unaccompanied[row.line] = (row, extra.existing)
    # Registered people marked unaccompanied in the file must be so in the registry
    # (one query per chunk, not one per row).
    ids = sorted({pid for _row, pid in unaccompanied.values()}, key=str)
    registered: dict[uuid.UUID, list[str]] = {}
    for start in range(0, len(ids), importer.LOOKUP_CHUNK):
        for person in Person.objects.filter(pk__in=ids[start : start + importer.LOOKUP_CHUNK]).only(
            "vulnerabilities"
        ):
            registered[person.pk] = person.vulnerabilities or []
    for row, pid in unaccompanied.values():
        if pid in registered and "unaccompanied_child" not in registered[pid]:
            row.bad = True
            validator.errors.append(
                importer.RowError(
                    row=row.line,
                    column=header.get("unaccompanied", "unaccompanied"),
                    message=_(
                        "This person is registered without 'unaccompanied child'; "
                        "update the person's record first."
                    ),
                )
            )
    return extras


def _units(
    validator: _RosterValidator,
    groups: dict[str, list[importer.Row]],
    extras: dict[int, _Extra],
    header: dict[str, str],
) -> list[list[importer.Row]]:
    units: list[list[importer.Row]] = []
    seen: set[str] = set()
    for row in validator.rows:
        if row.household:
            if row.household in seen:
                continue
            seen.add(row.household)
            unit = groups[row.household]
        else:
            unit = [row]
        matched = [extras[r.line].existing is not None for r in unit]
        if any(matched) and not all(matched):
            for r in unit:
                r.bad = True
                validator.errors.append(
                    importer.RowError(
                        row=r.line,
                        column=validator.col("household"),
                        message=_(
                            "Household %(household)s mixes registered and new people; "
                            "register the new ones in the registered household first."
                        )
                        % {"household": repr(r.household_label)},
                    )
                )
        units.append(unit)
    return units


def _write(
    units: list[list[importer.Row]],
    extras: dict[int, _Extra],
    organization: Organization,
    actor: User | None,
) -> None:
    from mppdesk.screening import services as screening
    from mppdesk.transfers import services

    new_units = [u for u in units if extras[u[0].line].existing is None]
    for unit in new_units:
        for row in unit:
            if extras[row.line].unaccompanied and row.person is not None:
                # A new list: the validator shares one list between rows with equal codes.
                row.person.vulnerabilities = sorted(
                    {*row.person.vulnerabilities, "unaccompanied_child"}
                )
    today = utc_today()
    with transaction.atomic():
        person_of: dict[int, uuid.UUID] = {}
        if new_units:
            plan = importer.plan_import(new_units, organization, actor)
            importer.write_plan(plan, organization, actor)
            lines = [row.line for unit in new_units for row in unit]
            person_of.update(zip(lines, plan.person_ids, strict=True))
        rows = [row for unit in units for row in unit]
        ids = [extras[row.line].existing or person_of[row.line] for row in rows]
        people: dict[Any, Person] = {}
        for start in range(0, len(ids), importer.LOOKUP_CHUNK):
            people.update(
                Person.objects.select_related("organization").in_bulk(
                    ids[start : start + importer.LOOKUP_CHUNK]
                )
            )
        for row, pid in zip(rows, ids, strict=True):
            extra = extras[row.line]
            person = people[pid]
            assert extra.facility is not None  # noqa: S101 - validated
            services.record_detention(
                actor=actor, person=person, facility=extra.facility,
                since=extra.since or today, roster_id=extra.roster_id,
            )  # fmt: skip
            screening.record_facts(
                actor=actor, person=person, flags=extra.flags,
                fear_expressed=extra.fear_expressed, fear_asked=extra.fear_asked,
            )  # fmt: skip

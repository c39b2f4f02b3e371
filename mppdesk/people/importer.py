"""Bulk import of people from CSV and XLSX files.

The whole file is read and validated before anything is written, so the report lists
every problem at once (row, column, message) and a broken file leaves the database
untouched. Rows are validated with the same functions as the web form and the API
(``people.validation``, ``lib.anumber``) so a message reads the same everywhere.

Writing is done with fast bulk inserts (``core.bulk``) inside one transaction: a 100,000-row
file must import in well under a minute on a small machine, which row-by-row service
calls (several queries and an audit row each) cannot do. The services' rules are kept:
the same clean values, search and dedupe keys, case members and audit entries.

Duplicates (same A-number, or same normalized name and date of birth, in the file or
already in the organization) are reported and never merged: merging two records of
different people is much harder to undo than asking a person to look at the file.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import os
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, role_in
from mppdesk.audit import services as audit
from mppdesk.cases.models import (
    A_NUMBER_PURPOSE,
    Case,
    CaseEvent,
    CaseMember,
    CaseStatus,
    ProgramVersion,
    anumber_index,
    anumber_prefix_indexes,
)
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.bulk import BulkRows
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.core.validation import to_bool
from mppdesk.lib import tabular
from mppdesk.lib.anumber import ANumberError, normalize_anumber
from mppdesk.lib.crypto import lookup_table
from mppdesk.lib.dates import Order, cached_birth_dates, slashed_order_hint
from mppdesk.lib.tabular import Table, TableError, header_key
from mppdesk.lib.text import fold
from mppdesk.people.models import (
    DEDUPE_PURPOSE,
    ContactPoint,
    Household,
    HouseholdMember,
    Person,
    PersonLanguage,
    PersonNameToken,
    Relationship,
    contact_index,
    dedupe_index,
)
from mppdesk.people.services import name_token_digests
from mppdesk.people.validation import (
    ContactInput,
    PersonData,
    clean_contact,
    clean_person,
    dedupe_key,
)

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.places.models import Port, Venue

__all__ = [
    "COLUMNS",
    "ImportNotAllowed",
    "ImportReport",
    "RowError",
    "check_import_allowed",
    "import_people",
]

# ---------------------------------------------------------------------------------------
# Columns

# Canonical column -> accepted headers. Headers are matched after folding (lower case, no
# accents) with spaces, underscores, dashes and punctuation removed, so "Fecha de
# nacimiento", "fecha_de_nacimiento" and "FECHA-DE-NACIMIENTO" are the same column.
# fmt: off
COLUMNS: dict[str, tuple[str, ...]] = {
    "given_names": ("given_names", "given_name", "first_name", "first_names", "forenames",
                    "nombre", "nombres", "primer_nombre", "nome", "prenom", "prenoms"),
    "family_names": ("family_names", "family_name", "last_name", "last_names", "surname",
                     "surnames",
                     "apellidos", "apellido", "sobrenome", "nom_de_famille"),
    "paternal_name": ("apellido_paterno", "primer_apellido", "paternal_surname"),
    "maternal_name": ("apellido_materno", "segundo_apellido", "maternal_surname"),
    "other_names": ("other_names", "otros_nombres", "alias", "aliases", "aka", "apodo"),
    "birth_date": ("date_of_birth", "dob", "birth_date", "birthdate", "born", "year_of_birth",
                   "birth_year", "fecha_nacimiento", "fecha_de_nacimiento", "fec_nac", "f_nac",
                   "nacimiento", "ano_de_nacimiento", "ano_nacimiento", "data_de_nascimento"),
    "sex": ("sex", "gender", "sexo", "genero"),
    "nationality": ("nationality", "citizenship", "country", "country_of_origin",
                    "nacionalidad", "pais", "pais_de_origen", "nacionalidade"),
    "languages": ("languages", "language", "idiomas", "idioma", "lengua", "lenguas"),
    "needs_interpreter": ("needs_interpreter", "interpreter", "interpreter_needed",
                          "necesita_interprete", "interprete", "requiere_interprete"),
    "vulnerabilities": ("vulnerabilities", "vulnerability", "vulnerabilidades", "vulnerabilidad"),
    "phone": ("phone", "phone_number", "telephone", "mobile", "cell", "cell_phone",
              "telefono", "numero_de_telefono", "tel", "celular", "movil", "cel"),
    "whatsapp": ("whatsapp", "whats_app", "wa", "numero_whatsapp", "whatsapp_number"),
    "email": ("email", "e_mail", "email_address", "correo", "correo_electronico", "mail"),
    "consent": ("consent", "contact_consent", "consentimiento", "acepta_contacto",
                "autoriza_contacto"),
    "a_number": ("a_number", "anumber", "a_no", "a#", "alien_number", "a_file",
                 "numero_a", "numero_de_a", "número A", "no_a", "num_a"),
    "household": ("household", "household_id", "household_key", "family", "family_id",
                  "hogar", "familia", "grupo_familiar", "id_familia", "grupo"),
    "relationship": ("relationship", "relation", "relationship_to_lead", "parentesco", "relacion"),
    "city": ("city", "border_city", "port", "port_of_entry",
             "ciudad", "ciudad_fronteriza", "puerto", "puerto_de_entrada"),
    "venue": ("venue", "court", "hearing_venue", "sede", "corte", "tribunal"),
    "program_version": ("program_version", "program", "version_programa",
                        "version_del_programa", "programa"),
    "notes": ("notes", "note", "notas", "nota", "observaciones", "comentarios"),
}

# Folded words people write in a relationship column -> Relationship value.
_RELATIONSHIP_WORDS: dict[str, tuple[str, ...]] = {
    Relationship.LEAD: ("titular", "jefe de familia", "jefa de familia", "jefe", "jefa",
                        "cabeza de familia", "jefe de hogar", "jefa de hogar", "principal",
                        "solicitante", "solicitante principal", "head", "head of household",
                        "self", "respondent", "lead", "lider"),
    Relationship.SPOUSE: ("esposa", "esposo", "pareja", "conyuge", "companero", "companera",
                          "concubina", "concubino", "wife", "husband", "partner", "spouse"),
    Relationship.CHILD: ("hijo", "hija", "son", "daughter", "child", "nino", "nina"),
    Relationship.STEPCHILD: ("hijastro", "hijastra", "stepson", "stepdaughter", "step child",
                             "stepchild"),
    Relationship.PARENT: ("madre", "padre", "mama", "papa", "mother", "father", "parent"),
    Relationship.SIBLING: ("hermano", "hermana", "brother", "sister", "sibling"),
    Relationship.GRANDCHILD: ("nieto", "nieta", "grandson", "granddaughter", "grandchild"),
    Relationship.GRANDPARENT: ("abuelo", "abuela", "grandfather", "grandmother", "grandparent"),
    Relationship.OTHER_RELATIVE: ("tio", "tia", "sobrino", "sobrina", "primo", "prima", "cunado",
                                  "cunada", "suegro", "suegra", "yerno", "nuera", "familiar",
                                  "otro familiar", "pariente", "uncle", "aunt", "nephew", "niece",
                                  "cousin", "in law", "relative", "other relative"),
    Relationship.OTHER: ("otro", "otra", "amigo", "amiga", "friend", "other"),
}
# fmt: on

_HEADER_INDEX: dict[str, str] = {
    header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases
}

# Where clean_person / contact field names come from, to name the file's own header.
_PERSON_FIELD_COLUMN = {
    "given_names": "given_names",
    "family_names": "family_names",
    "other_names": "other_names",
    "birth_date": "birth_date",
    "sex": "sex",
    "nationality": "nationality",
    "languages": "languages",
    "vulnerabilities": "vulnerabilities",
    "notes": "notes",
    "needs_interpreter": "needs_interpreter",
}

# "WhatsApp: sí" in a whatsapp column means the phone number is on WhatsApp.
_YES = {"si", "s", "yes", "y", "1", "x", "sim", "oui"}
_NO = {"no", "n", "0", "nao", "non"}

_RELATIONSHIPS: dict[str, str] = {fold(str(r.label)): r.value for r in Relationship} | {
    fold(r.value): r.value for r in Relationship
}
_RELATIONSHIPS.update(
    {word: value for value, words in _RELATIONSHIP_WORDS.items() for word in words}
)

_PROGRAM_VERSIONS = {
    "2019": ProgramVersion.V2019,
    "mpp 2019": ProgramVersion.V2019,
    "2021": ProgramVersion.V2021,
    "mpp 2021": ProgramVersion.V2021,
    "current": ProgramVersion.CURRENT,
    "actual": ProgramVersion.CURRENT,
    "vigente": ProgramVersion.CURRENT,
    "2026": ProgramVersion.CURRENT,
    "mpp 2026": ProgramVersion.CURRENT,
}

LIST_SPLIT = re.compile(r"\s*[;/|,]\s*")

PERSON_AUDIT_FIELDS = [
    "given_names",
    "family_names",
    "other_names",
    "birth_date",
    "sex",
    "nationality",
    "languages",
    "vulnerabilities",
    "notes",
    "contact_points",
]
HOUSEHOLD_AUDIT_FIELDS = ["lead", "port", "members"]
CASE_AUDIT_FIELDS = ["a_number", "lead", "venue", "port", "program_version", "status", "members"]

# Rows written per INSERT. SQLite caps the statement at 999 variables and Django lowers
# the batch to fit; PostgreSQL takes this many.
BATCH_SIZE = 2000
# Files at least this long parse their phone numbers in a second process.
PARALLEL_MIN_ROWS = 20_000
# Values per "IN (...)" when looking for duplicates already in the database.
LOOKUP_CHUNK = 900


# ---------------------------------------------------------------------------------------
# Report


def _can_fork() -> bool:
    """Forking is only safe from a single-threaded process (the CLI, a worker, a script).

    A threaded web server could fork while another thread holds a lock, so imports made
    there validate in one process.
    """
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@dataclass
class RowError:
    """One problem: ``row`` is the line in the file (the header is row 1; 0 = the whole
    file), ``column`` the file's own header for the offending column."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    total_rows: int
    valid_rows: int
    errors: list[RowError]
    duplicates: list[RowError]
    created_people: int
    created_households: int
    created_cases: int
    dry_run: bool
    written: bool
    # Not fatal (unknown columns, a household without a lead row): shown, never blocking.
    warnings: list[RowError] = field(default_factory=list)
    # The people written (empty for a dry run or when nothing was written):
    # the web page links to them. Not part of ``as_dict``: ids are not a report.
    created_person_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicates

    @property
    def duplicate_rows(self) -> int:
        """Rows that duplicate someone: a row may match on several keys (A-number, phone,
        name and date of birth), each listed as a problem, but it is one row."""
        return len({problem.row for problem in self.duplicates})

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("created_person_ids")
        data["duplicate_rows"] = self.duplicate_rows
        return data


def row_error(exc: TableError) -> RowError:
    """The report line for a file that cannot be read (``lib.tabular``) or mapped."""
    return RowError(row=exc.row, column=exc.column, message=str(exc))


# ---------------------------------------------------------------------------------------
# Lookups (cached per import: a file of 100,000 rows names a handful of cities and venues)


def _ports_index() -> dict[str, Port]:
    from mppdesk.places.models import Port

    index: dict[str, Port] = {}
    for port in Port.objects.all():
        city = fold(port.mexican_city)
        keys = {
            city,
            fold(port.name),
            fold(port.code),
            fold(f"{port.mexican_city} {port.mexican_state}"),
        }
        if city.startswith("ciudad "):
            rest = city.removeprefix("ciudad ")
            keys |= {rest, f"cd {rest}"}
        for key in keys:
            index.setdefault(key, port)
    return index


def _venues_index() -> dict[str, Venue]:
    from mppdesk.places.models import Venue

    index: dict[str, Venue] = {}
    for venue in Venue.objects.all():
        for key in (fold(venue.name), fold(venue.code), venue.code):
            index.setdefault(key, venue)
    return index


# ---------------------------------------------------------------------------------------
# Validation


def _parse_contact(kind: str, value: str) -> tuple[str, str]:
    try:
        return ("ok", clean_contact(kind, value))
    except ValueError as exc:
        return ("error", str(exc))


def _parse_phones(values: list[str], language: str | None) -> list[tuple[str, str]]:
    """Run in the phone worker process: pure computation, no database.

    ``language`` is the caller's active language, passed explicitly so the messages read
    the same as those of the rows validated in the calling process.
    """
    with translation.override(language):
        return [_parse_contact(ContactPoint.Kind.PHONE, value) for value in values]


class _Cells(dict[str, Any]):
    """A row's stripped cells by canonical column; a column the file lacks reads as ""."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass
class Row:
    line: int
    person: PersonData | None = None
    contacts: list[ContactInput] = field(default_factory=list)
    a_number: str = ""
    household: str = ""  # folded household key
    household_label: str = ""  # as written, for messages
    relationship: str = ""
    port: Port | None = None
    venue: Venue | None = None
    program_version: str = ProgramVersion.CURRENT
    dedupe: str = ""
    bad: bool = False  # has an error
    duplicate: bool = False


class Validator:
    def __init__(self, table: Table, organization: Organization, date_order: Order | None) -> None:
        self.table = table
        self.organization = organization
        self.errors: list[RowError] = []
        self.duplicates: list[RowError] = []
        self.warnings: list[RowError] = []
        self.columns: dict[str, int] = {}
        self.header_of: dict[str, str] = {}
        self.date_order = date_order
        self.today = utc_today()
        self._contact_cache: dict[tuple[str, str], tuple[str, str]] = {}
        self._coded_cache: dict[
            tuple[Any, ...], tuple[PersonData | None, dict[str, list[str]]]
        ] = {}
        self._ports: dict[str, Port] | None = None
        self._venues: dict[str, Venue] | None = None
        self.rows: list[Row] = []
        # Lines whose date of birth contradicts the order the column proves.
        self._date_conflicts: dict[int, str] = {}

    # -- header ---------------------------------------------------------------------
    def map_headers(self) -> None:
        unknown: list[str] = []
        for index, header in enumerate(self.table.headers):
            if not header:
                continue
            column = _HEADER_INDEX.get(header_key(header))
            if column is None:
                unknown.append(header)
                continue
            if column in self.columns:
                raise TableError(
                    _("Columns %(first)s and %(second)s both mean %(column)s; keep one.")
                    % {
                        "first": repr(self.header_of[column]),
                        "second": repr(header),
                        "column": column,
                    },
                    row=1,
                    column=header,
                )
            self.columns[column] = index
            self.header_of[column] = header
        if unknown:
            self.warnings.append(
                RowError(
                    row=1,
                    column=", ".join(unknown),
                    message=_("Unknown column(s) ignored: %(columns)s.")
                    % {"columns": ", ".join(repr(u) for u in unknown)},
                )
            )
        if "given_names" not in self.columns:
            raise TableError(
                _("The file has no column for given names; name it given_names or nombre."),
                row=1,
            )
        if "family_names" in self.columns and (
            "paternal_name" in self.columns or "maternal_name" in self.columns
        ):
            raise TableError(
                _(
                    "Use either a family names column (apellidos) or "
                    "apellido_paterno/apellido_materno, not both."
                ),
                row=1,
                column=self.header_of["family_names"],
            )
        if "family_names" not in self.columns:
            # Errors about the combined family names point at the paternal column.
            for part in ("paternal_name", "maternal_name"):
                if part in self.columns:
                    self.header_of.setdefault("family_names", self.header_of[part])

    def col(self, column: str) -> str:
        return self.header_of.get(column, column)

    def _error(self, row: Row, column: str, message: str) -> None:
        row.bad = True
        self.errors.append(RowError(row=row.line, column=self.col(column), message=message))

    # -- date order -----------------------------------------------------------------
    def infer_date_order(self) -> None:
        index = self.columns.get("birth_date")
        if index is None:
            return
        proofs: dict[str, list[int]] = {"DMY": [], "MDY": []}
        for line, cells in self.table.rows:
            value = cells[index] if index < len(cells) else ""
            if isinstance(value, str):
                hint = slashed_order_hint(value)
                if hint:
                    proofs[hint].append(line)
        if self.date_order is not None:
            return  # the caller knows; rows that contradict it fail in parse_date
        dmy, mdy = proofs["DMY"], proofs["MDY"]
        if dmy and not mdy:
            self.date_order = "DMY"
        elif mdy and not dmy:
            self.date_order = "MDY"
        elif dmy and mdy:
            # Both orders are proven: the majority sets the order and the other rows are
            # errors; on a tie nothing is settled and every proving row is an error.
            if len(dmy) != len(mdy):
                self.date_order = "DMY" if len(dmy) > len(mdy) else "MDY"
            names = {"DMY": _("DD/MM/YYYY"), "MDY": _("MM/DD/YYYY")}
            for order, lines in proofs.items():
                other: Order = "MDY" if order == "DMY" else "DMY"
                if self.date_order == order:
                    continue
                sample = ", ".join(str(n) for n in proofs[other][:3])
                for line in lines:
                    self._date_conflicts[line] = _(
                        "This date can only be %(order)s but row(s) %(rows)s of this column "
                        "can only be %(other)s; write dates as YYYY-MM-DD."
                    ) % {"order": names[order], "rows": sample, "other": names[other]}

    # -- rows -----------------------------------------------------------------------
    def validate_rows(self, progress: Callable[[int, int], None] | None) -> None:
        total = len(self.table.rows)
        names = list(self.columns)
        pick = operator.itemgetter(*self.columns.values())
        needed = max(self.columns.values()) + 1
        typed = self.table.typed
        strip = str.strip

        def getter(cells: list[Any]) -> Callable[[str], Any]:
            # A row's cells by column, read about 20 times per row: one dict filled in C
            # (itemgetter, map) instead of a Python lookup per read.
            if len(cells) >= needed and not typed:  # CSV: every cell is text
                picked = pick(cells)
                values = _Cells(
                    zip(
                        names,
                        map(strip, picked) if len(names) > 1 else [strip(picked)],
                        strict=True,
                    )
                )
            else:  # a short row, or XLSX cells that may be dates
                width = len(cells)
                values = _Cells(
                    (name, cells[index].strip() if isinstance(cells[index], str) else cells[index])
                    for name, index in self.columns.items()
                    if index < width
                )
            return values.__getitem__

        # Parsing phone numbers is the slowest check (``phonenumbers`` tries several
        # regions per local number). For a large file the distinct numbers are parsed in
        # a second process while this one validates everything else.
        pending = self._start_phone_worker(getter)
        rows = self.table.rows
        for number, (line, cells) in enumerate(rows, start=1):
            get = getter(cells)
            row = Row(line=line)
            self.rows.append(row)
            self._validate_person(row, get)
            self._validate_case(row, get)
            if pending is None:
                self._validate_contacts(row, get)
            if progress is not None and number % 1000 == 0:
                progress(number, total)
        if pending is not None:
            self._contact_cache.update(pending())
            for row, (_line, cells) in zip(self.rows, rows, strict=True):
                self._validate_contacts(row, getter(cells))

    def _phone_parts(self, get: Callable[[str], Any]) -> Iterator[str]:
        for column in ("phone", "whatsapp"):
            if column in self.columns:
                raw = get(column)
                if raw:
                    yield from (p for p in LIST_SPLIT.split(str(raw)) if p)

    def _start_phone_worker(
        self, getter: Callable[[list[Any]], Callable[[str], Any]]
    ) -> Callable[[], dict[tuple[str, str], tuple[str, str]]] | None:
        if len(self.table.rows) < PARALLEL_MIN_ROWS or not _can_fork():
            return None
        if "phone" not in self.columns and "whatsapp" not in self.columns:
            return None
        distinct: set[str] = set()
        for _line, cells in self.table.rows:
            distinct.update(self._phone_parts(getter(cells)))
        values = sorted(distinct)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork")
        )
        future = executor.submit(_parse_phones, values, translation.get_language())

        def collect() -> dict[tuple[str, str], tuple[str, str]]:
            try:
                return {
                    ("phone", value): outcome
                    for value, outcome in zip(values, future.result(), strict=True)
                }
            finally:
                executor.shutdown()

        return collect

    def _validate_person(self, row: Row, get: Callable[[str], Any]) -> None:
        if "family_names" in self.columns:
            family = get("family_names")
        else:
            parts = (str(get("paternal_name")), str(get("maternal_name")))
            family = " ".join(p for p in parts if p)
        birth = get("birth_date")
        if row.line in self._date_conflicts:
            self._error(row, "birth_date", self._date_conflicts[row.line])
            birth = ""
        # clean_person is called twice: once for the fields unique to each person, and
        # once per distinct combination of the coded fields (sex, nationality, languages,
        # interpreter, vulnerabilities), which repeat from row to row and cost most of
        # the folding and lookups. Both calls are the shared validation, so the values and
        # messages are exactly those of the web form and the API.
        names = {
            "given_names": get("given_names"),
            "family_names": family,
            "other_names": get("other_names"),
            "birth_date": birth,
            "notes": get("notes"),
        }
        coded_key = (
            get("sex"),
            get("nationality"),
            get("languages"),
            get("needs_interpreter") if "needs_interpreter" in self.columns else False,
            get("vulnerabilities"),
        )
        coded = self._coded_cache.get(coded_key)
        if coded is None:
            sex, nationality, languages, interpreter, vulnerabilities = coded_key
            try:
                coded = (
                    clean_person(
                        {
                            "given_names": "x",
                            "sex": sex,
                            "nationality": nationality,
                            "languages": languages,
                            "needs_interpreter": interpreter,
                            "vulnerabilities": vulnerabilities,
                        }
                    ),
                    {},
                )
            except FieldErrors as exc:
                coded = (None, exc.errors)
            self._coded_cache[coded_key] = coded
        coded_data, coded_errors = coded
        errors: dict[str, list[str]] = {}
        person: PersonData | None = None
        try:
            person = clean_person(names, date_order=self.date_order, today=self.today)
        except FieldErrors as exc:
            errors.update(exc.errors)
        for name, messages in coded_errors.items():
            errors.setdefault(name, []).extend(messages)
        if errors or person is None or coded_data is None:
            for name, messages in errors.items():
                for message in messages:
                    self._error(row, _PERSON_FIELD_COLUMN.get(name, name), message)
            return
        person.sex = coded_data.sex
        person.nationality = coded_data.nationality
        # Shared between rows with the same codes; never mutated after validation.
        person.languages = coded_data.languages
        person.vulnerabilities = coded_data.vulnerabilities
        row.person = person
        if person.birth is not None:
            row.dedupe = dedupe_key(person.given_names, person.family_names, person.birth)

    def _validate_contacts(self, row: Row, get: Callable[[str], Any]) -> None:
        consent = False
        if "consent" in self.columns:
            try:
                consent = to_bool(get("consent"))
            except ValueError as exc:
                self._error(row, "consent", str(exc))
        seen: set[tuple[str, str]] = set()
        for column, kind in (
            ("phone", ContactPoint.Kind.PHONE),
            ("whatsapp", ContactPoint.Kind.WHATSAPP),
            ("email", ContactPoint.Kind.EMAIL),
        ):
            if column not in self.columns:
                continue
            raw = str(get(column))
            if not raw:
                continue
            # A cell may hold several numbers: "656 123 4567 / 915 555 0123".
            parts = (
                [p for p in LIST_SPLIT.split(raw) if p]
                if kind != ContactPoint.Kind.EMAIL
                else [p for p in re.split(r"[;,\s]+", raw) if p]
            )
            if kind == ContactPoint.Kind.WHATSAPP and fold(raw) in _NO:
                continue
            if kind == ContactPoint.Kind.WHATSAPP and fold(raw) in _YES:
                # "WhatsApp: sí" means the phone number is also on WhatsApp.
                phone = str(get("phone"))
                parts = [p for p in LIST_SPLIT.split(phone) if p] if phone else []
            # Phone and WhatsApp numbers parse the same way: one cache for both.
            cache_kind = "email" if kind == ContactPoint.Kind.EMAIL else "phone"
            for part in parts:
                outcome = self._contact_cache.get((cache_kind, part))
                if outcome is None:
                    outcome = _parse_contact(kind, part)
                    self._contact_cache[(cache_kind, part)] = outcome
                status, value = outcome
                if status == "error":
                    self._error(row, column, value)
                    continue
                if (kind, value) in seen:
                    continue
                seen.add((kind, value))
                row.contacts.append(ContactInput(kind=kind, value=value, consent=consent))

    def _validate_case(self, row: Row, get: Callable[[str], Any]) -> None:
        raw_anumber = str(get("a_number"))
        if raw_anumber:
            try:
                row.a_number = normalize_anumber(raw_anumber)
            except ANumberError as exc:
                self._error(row, "a_number", str(exc))
        label = str(get("household"))
        if label:
            row.household_label = label
            row.household = fold(label) or label
        raw_relationship = str(get("relationship"))
        if raw_relationship:
            relationship = _RELATIONSHIPS.get(fold(raw_relationship))
            if relationship is None:
                self._error(
                    row,
                    "relationship",
                    _(
                        "Unknown relationship %(value)s; use lead (titular), "
                        "spouse (esposa/o), child (hijo/a), stepchild, parent (madre/padre), "
                        "sibling (hermano/a), grandchild, "
                        "grandparent, other_relative or other."
                    )
                    % {"value": repr(raw_relationship)},
                )
            else:
                row.relationship = relationship
        city = str(get("city"))
        if city:
            if self._ports is None:
                self._ports = _ports_index()
            row.port = self._ports.get(fold(city))
            if row.port is None:
                known = sorted({p.mexican_city for p in self._ports.values()})
                self._error(
                    row,
                    "city",
                    _("Unknown border city %(value)s; use one of: %(allowed)s.")
                    % {"value": repr(city), "allowed": ", ".join(known)},
                )
        venue = str(get("venue"))
        if venue:
            if self._venues is None:
                self._venues = _venues_index()
            row.venue = self._venues.get(fold(venue)) or self._venues.get(venue)
            if row.venue is None:
                self._error(
                    row,
                    "venue",
                    _("Unknown hearing venue %(value)s; use its name or code.")
                    % {"value": repr(venue)},
                )
        version = str(get("program_version"))
        if version:
            code = _PROGRAM_VERSIONS.get(fold(version))
            if code is None:
                self._error(
                    row,
                    "program_version",
                    _("Unknown program version %(value)s; use 2019, 2021 or current.")
                    % {"value": repr(version)},
                )
            else:
                row.program_version = code

    # -- households -----------------------------------------------------------------
    def households(self) -> dict[str, list[Row]]:
        groups: dict[str, list[Row]] = {}
        for row in self.rows:
            if row.household:
                groups.setdefault(row.household, []).append(row)
        for rows in groups.values():
            leads = [r for r in rows if r.relationship == Relationship.LEAD]
            if len(leads) > 1:
                for extra in leads[1:]:
                    self._error(
                        extra,
                        "relationship",
                        _(
                            "Household %(household)s already has a lead in row %(row)s; "
                            "a household has one lead."
                        )
                        % {"household": repr(extra.household_label), "row": leads[0].line},
                    )
            elif not leads:
                first = rows[0]
                if len(rows) > 1 or first.relationship:
                    self.warnings.append(
                        RowError(
                            row=first.line,
                            column=self.col("relationship"),
                            message=_(
                                "No row of household %(household)s says lead; "
                                "row %(row)s is taken as the lead."
                            )
                            % {"household": repr(first.household_label), "row": first.line},
                        )
                    )
        return groups

    # -- duplicates -----------------------------------------------------------------
    def find_duplicates(self) -> None:
        by_anumber: dict[str, list[Row]] = {}
        by_key: dict[str, list[Row]] = {}
        for row in self.rows:
            if row.a_number:
                by_anumber.setdefault(row.a_number, []).append(row)
            if row.dedupe:
                by_key.setdefault(row.dedupe, []).append(row)
        for rows in by_anumber.values():
            if len(rows) > 1:
                for row in rows:
                    others = ", ".join(str(r.line) for r in rows if r is not row)
                    self._duplicate(
                        row, "a_number", _("Same A-number as row %(rows)s.") % {"rows": others}
                    )
        for rows in by_key.values():
            if len(rows) > 1:
                for row in rows:
                    others = ", ".join(str(r.line) for r in rows if r is not row)
                    self._duplicate(
                        row,
                        "given_names",
                        _("Same name and date of birth as row %(rows)s.") % {"rows": others},
                    )

        # The database holds blind indexes, not the values: look the file's values up by
        # their digests.
        org = self.organization
        existing_anumbers = _already_stored(
            Case.objects.filter(organization=org), "a_number_bidx",
            lookup_table(A_NUMBER_PURPOSE, by_anumber),
        )  # fmt: skip
        for number in existing_anumbers:
            for row in by_anumber[number]:
                self._duplicate(
                    row, "a_number", _("A case with this A-number is already registered.")
                )
        existing_keys = _already_stored(
            Person.objects.filter(organization=org), "dedupe_bidx",
            lookup_table(DEDUPE_PURPOSE, by_key),
        )  # fmt: skip
        for key in existing_keys:
            for row in by_key[key]:
                self._duplicate(
                    row,
                    "given_names",
                    _("A person with the same name and date of birth is already registered."),
                )
        self.duplicates.sort(key=lambda e: e.row)

    def _duplicate(self, row: Row, column: str, message: str) -> None:
        row.duplicate = True
        self.duplicates.append(RowError(row=row.line, column=self.col(column), message=message))


def _already_stored(queryset: Any, index_field: str, value_by_digest: dict[str, str]) -> set[str]:
    """The values whose blind-index digest ``index_field`` already holds in ``queryset``."""
    found: set[str] = set()
    for chunk in _chunks(list(value_by_digest), LOOKUP_CHUNK):
        digests = queryset.filter(**{f"{index_field}__in": chunk}).values_list(
            index_field, flat=True
        )
        found.update(value_by_digest[digest] for digest in digests.distinct())
    return found


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------------------------------
# Writing
#
# The write path uses mppdesk.core.bulk.BulkRows (executemany / COPY), see there why.
@dataclass
class _Plan:
    people: BulkRows
    name_tokens: BulkRows
    languages: BulkRows
    contacts: BulkRows
    households: BulkRows
    household_members: BulkRows
    cases: BulkRows
    case_members: BulkRows
    events: BulkRows
    person_ids: list[uuid.UUID] = field(default_factory=list)
    household_ids: list[uuid.UUID] = field(default_factory=list)
    case_ids: list[uuid.UUID] = field(default_factory=list)

    @classmethod
    def empty(cls) -> _Plan:
        # fmt: off
        return cls(
            people=BulkRows(Person, [
                "id", "created_at", "updated_at", "organization", "given_names", "family_names",
                "other_names", "birth_date", "birth_year", "sex", "nationality",
                "vulnerabilities", "notes", "dedupe_bidx", "created_by",
            ]),
            name_tokens=BulkRows(PersonNameToken, ["person", "bidx"]),
            languages=BulkRows(PersonLanguage, [
                "person", "code", "preferred", "needs_interpreter",
            ]),
            contacts=BulkRows(ContactPoint, [
                "created_at", "updated_at", "person", "kind", "value", "value_bidx", "consent",
                "consent_recorded_at", "opted_out", "opted_out_at",
            ]),
            households=BulkRows(Household, [
                "id", "created_at", "updated_at", "organization", "lead", "port",
            ]),
            household_members=BulkRows(HouseholdMember, ["household", "person", "relationship"]),
            cases=BulkRows(Case, [
                "id", "created_at", "updated_at", "organization", "a_number", "a_number_bidx",
                "a_number_p4_bidx", "a_number_p5_bidx", "a_number_p6_bidx", "a_number_p7_bidx",
                "lead", "venue",
                "port", "program_version", "status", "opened_on", "closed_on",
            ]),
            case_members=BulkRows(CaseMember, ["case", "person", "role"]),
            events=BulkRows(CaseEvent, [
                "case", "kind", "occurred_at", "summary", "actor", "data",
            ]),
        )
        # fmt: on

    def tables(self) -> list[BulkRows]:
        # Parents before children, so foreign keys hold at every statement.
        return [
            self.people, self.name_tokens, self.languages, self.contacts, self.households,
            self.household_members, self.cases, self.case_members, self.events,
        ]  # fmt: skip


def _count(units: list[list[Row]]) -> tuple[int, int, int]:
    people = sum(len(unit) for unit in units)
    households = sum(1 for unit in units if unit[0].household)
    cases = sum(1 for unit in units for row in unit if row.a_number)
    return people, households, cases


def _sorted_uuids(count: int) -> list[uuid.UUID]:
    """Random ids in ascending order (inserts then append to the primary-key index).

    Sorted on their integer value: comparing UUID objects runs Python-level ``__lt__``
    and cost about 1.4 s per 100,000 rows.
    """
    values = sorted(int.from_bytes(os.urandom(16)) for _ in range(count))
    return [uuid.UUID(int=v, version=4) for v in values]


def plan_import(units: list[list[Row]], organization: Organization, actor: User | None) -> _Plan:
    """The rows to insert for ``units`` (each a household's rows or one single person)."""
    plan = _Plan.empty()
    now = timezone.now()
    today = utc_today()
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    org_id = organization.pk
    add_person, add_language = plan.people.add, plan.languages.add
    add_contact, add_case_member = plan.contacts.add, plan.case_members.add
    add_token = plan.name_tokens.add
    lead_role, rider_role = CaseMember.Role.LEAD, CaseMember.Role.RIDER
    # Random uuid4 ids, handed out in ascending order: the primary and foreign key
    # indexes then grow at one end instead of at random pages, which keeps a large
    # import from thrashing the database cache. The ids stay random to anyone reading them.
    people, households, cases = _count(units)
    person_ids = iter(_sorted_uuids(people))
    household_ids = iter(_sorted_uuids(households))
    case_ids = iter(_sorted_uuids(cases))
    # Name-token digests per name: family names repeat within a household and given names
    # across the file, and folding plus phonetic keys cost more than a dict lookup. A
    # person's tokens are those of each name in turn without repeats, as
    # ``name_token_digests`` makes them for all the names at once.
    digests_of_name: dict[str, tuple[str, ...]] = {}

    def name_digests(name: str) -> tuple[str, ...]:
        found = digests_of_name.get(name)
        if found is None:
            found = digests_of_name[name] = tuple(name_token_digests(name, "", ()))
        return found

    for unit in units:
        ids: list[uuid.UUID] = []
        for row in unit:
            data = row.person
            assert data is not None  # noqa: S101 - only valid rows are planned
            pid = next(person_ids)
            ids.append(pid)
            birth = data.birth
            add_person(
                pid, now, now, org_id, data.given_names, data.family_names, data.other_names,
                birth.date if birth else None, birth.year if birth else None, data.sex,
                data.nationality, data.vulnerabilities, data.notes,
                dedupe_index(row.dedupe), user_id,
            )  # fmt: skip
            tokens = name_digests(data.given_names) + name_digests(data.family_names)
            for other in data.other_names:
                tokens += name_digests(other)
            for bidx in dict.fromkeys(tokens):
                add_token(pid, bidx)
            for lang in data.languages:
                add_language(pid, lang.code, lang.preferred, lang.needs_interpreter)
            for contact in row.contacts:
                add_contact(
                    now, now, pid, contact.kind, contact.value, contact_index(contact.value),
                    contact.consent,
                    now if contact.consent else None, False, None,
                )  # fmt: skip
        plan.person_ids.extend(ids)

        case_of: dict[int, uuid.UUID] = {}
        for index, row in enumerate(unit):
            if row.a_number:
                cid = next(case_ids)
                case_of[index] = cid
                plan.case_ids.append(cid)
                plan.cases.add(
                    cid, now, now, org_id, row.a_number, anumber_index(row.a_number),
                    *anumber_prefix_indexes(row.a_number), ids[index],
                    row.venue.pk if row.venue else None, row.port.pk if row.port else None,
                    row.program_version, CaseStatus.INTAKE, today, None,
                )  # fmt: skip
                add_case_member(cid, ids[index], lead_role)
        riders: dict[int, int] = {}
        if unit[0].household:
            lead = next((i for i, r in enumerate(unit) if r.relationship == Relationship.LEAD), 0)
            port = unit[lead].port or next((r.port for r in unit if r.port is not None), None)
            hid = next(household_ids)
            plan.household_ids.append(hid)
            plan.households.add(hid, now, now, org_id, ids[lead], port.pk if port else None)
            lead_case = case_of.get(lead)
            for index, row in enumerate(unit):
                relationship: str
                if index == lead:
                    relationship = Relationship.LEAD
                elif row.relationship and row.relationship != Relationship.LEAD:
                    relationship = row.relationship
                else:
                    relationship = Relationship.OTHER
                plan.household_members.add(hid, ids[index], relationship)
                # Family members without their own A-number ride on the lead's case.
                if index != lead and lead_case is not None and not row.a_number:
                    add_case_member(lead_case, ids[index], rider_role)
                    riders[lead] = riders.get(lead, 0) + 1
        for index, cid in case_of.items():
            plan.events.add(
                cid, CaseEvent.Kind.IMPORTED, now, "Imported from a file.", user_id,
                {"row": unit[index].line, "riders": riders.get(index, 0)},
            )  # fmt: skip
    return plan


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while importing (reference counting still frees).

    An import holds a few million young container objects (rows, cells, values); every
    run of the cyclic collector walks them all again, and the runs that reach the oldest
    generation made planning and preparing rows of a 100,000-row file twice as slow.
    The import makes almost no reference cycles, so nothing accumulates meanwhile. If
    another import paused the collector already, that one turns it back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with cached_birth_dates():
            yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _sqlite_page_cache(mebibytes: int = 64) -> Iterator[None]:
    """A larger SQLite page cache while importing, then the previous size again.

    The blind-index columns (name tokens, A-numbers, phones, duplicate keys) are random
    hex, so their index pages are hit at random: with SQLite's default 2 MiB cache a
    100,000-row import spends most of its time re-reading them.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-mebibytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def write_plan(plan: _Plan, organization: Organization, actor: User | None) -> None:
    with _sqlite_page_cache(), transaction.atomic():
        audit_chain = audit.BulkChain.start()
        entries = [
            audit_chain.entries(
                actor=actor,
                organization=organization,
                action=AuditAction.IMPORT,
                object_type=object_type,
                object_ids=ids,
                fields=fields,
            )  # fmt: skip
            for object_type, ids, fields in (
                (ObjectType.PERSON, plan.person_ids, PERSON_AUDIT_FIELDS),
                (ObjectType.HOUSEHOLD, plan.household_ids, HOUSEHOLD_AUDIT_FIELDS),
                (ObjectType.CASE, plan.case_ids, CASE_AUDIT_FIELDS),
            )
        ]
        # Preparing rows in a forked process, or writing on a second thread, measured
        # slower (pickling, copy-on-write faults, the GIL): one process, table by table.
        for table in [*plan.tables(), *entries]:
            table.insert(BATCH_SIZE)
        audit_chain.finish()


# ---------------------------------------------------------------------------------------
# Entry point


class ImportNotAllowed(PermissionDenied):
    """The actor's role in the organization does not allow importing people (``role``:
    that role, or ``None`` for no membership there)."""

    def __init__(self, role: str | None) -> None:
        super().__init__("this role may not import people")
        self.role = role


def check_import_allowed(actor: User, organization: Organization) -> None:
    """Raise ``ImportNotAllowed`` unless ``actor`` may import people into
    ``organization`` — the one check behind the web upload, the API and the CLI."""
    if not can(actor, Action.PERSON_IMPORT, organization.pk):
        raise ImportNotAllowed(role_in(actor, organization.pk))


@_cycle_collection_paused()
def import_people(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    filename: str | None = None,
    actor: User | None,
    organization: Organization,
    dry_run: bool = False,
    all_or_nothing: bool = True,
    date_order: Literal["DMY", "MDY"] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate a CSV/XLSX file of people and, unless told otherwise, write it.

    Every row is checked first; the report names each bad row and column. With
    ``all_or_nothing`` (the default) any error or duplicate writes nothing; otherwise
    valid rows are written and bad ones skipped, except that a household is written
    whole or not at all. ``dry_run`` validates and counts but never writes (not even
    audit entries). ``date_order`` settles slashed dates that the file itself leaves
    ambiguous. ``progress(done, total)`` is called as rows are validated.
    """
    max_rows = int(getattr(settings, "IMPORT_MAX_ROWS", 200_000))

    def failed(
        error: RowError, total: int = 0, warnings: list[RowError] | None = None
    ) -> ImportReport:
        return ImportReport(
            total_rows=total,
            valid_rows=0,
            errors=[error],
            duplicates=[],
            created_people=0,
            created_households=0,
            created_cases=0,
            dry_run=dry_run,
            written=False,
            warnings=warnings or [],
        )

    try:
        data, name = tabular.read_source(source, filename)
        table = tabular.read_table(data, name, max_rows)
    except TableError as exc:
        return failed(row_error(exc))
    except OSError as exc:
        return failed(
            RowError(
                row=0,
                column="",
                message=_("The file cannot be opened: %(reason)s.")
                % {"reason": exc.strerror or exc},
            )
        )
    del data

    validator = Validator(table, organization, date_order)
    try:
        validator.map_headers()
    except TableError as exc:
        return failed(row_error(exc), total=len(table.rows), warnings=validator.warnings)
    total = len(table.rows)
    if total == 0:
        return failed(
            RowError(row=0, column="", message=_("The file has a header but no rows.")),
            warnings=validator.warnings,
        )
    validator.infer_date_order()
    validator.validate_rows(progress)
    groups = validator.households()
    validator.find_duplicates()

    rows = validator.rows
    valid_rows = sum(1 for r in rows if not r.bad and not r.duplicate)
    # Units are written whole: a household's rows, or one person without a household.
    units: list[list[Row]] = []
    skipped: list[RowError] = []
    seen_households: set[str] = set()
    for row in rows:
        if row.household:
            if row.household in seen_households:
                continue
            seen_households.add(row.household)
            unit = groups[row.household]
        else:
            unit = [row]
        bad = [r for r in unit if r.bad or r.duplicate]
        if not bad:
            units.append(unit)
        elif not all_or_nothing:
            lines = ", ".join(str(r.line) for r in bad)
            for good in unit:
                if not good.bad and not good.duplicate:
                    skipped.append(
                        RowError(
                            row=good.line,
                            column=validator.col("household"),
                            message=_(
                                "Not imported: row(s) %(rows)s of household %(household)s "
                                "have problems, and a household is imported whole or not at all."
                            )
                            % {"rows": lines, "household": repr(good.household_label)},
                        )
                    )

    errors = sorted(validator.errors + skipped, key=lambda e: e.row)
    blocked = all_or_nothing and bool(validator.errors or validator.duplicates)
    report = ImportReport(
        total_rows=total,
        valid_rows=valid_rows,
        errors=errors,
        duplicates=validator.duplicates,
        created_people=0,
        created_households=0,
        created_cases=0,
        dry_run=dry_run,
        written=False,
        warnings=sorted(validator.warnings, key=lambda e: e.row),
    )
    if blocked or not units:
        if progress is not None:
            progress(total, total)
        return report
    if dry_run:
        counts = _count(units)
        report.created_people, report.created_households, report.created_cases = counts
        if progress is not None:
            progress(total, total)
        return report

    plan = plan_import(units, organization, actor)
    try:
        write_plan(plan, organization, actor)
    except IntegrityError:
        # Someone registered the same A-number between validation and writing; the
        # transaction rolled back, so nothing of this file is in the database.
        report.errors.append(
            RowError(
                row=0,
                column="",
                message=_(
                    "The records changed while the file was being imported; "
                    "nothing was written. "
                    "Run the import again to see what is now a duplicate."
                ),
            )
        )
        return report
    report.created_people = len(plan.person_ids)
    report.created_person_ids = list(plan.person_ids)
    report.created_households = len(plan.household_ids)
    report.created_cases = len(plan.case_ids)
    report.written = True
    if progress is not None:
        progress(total, total)
    return report

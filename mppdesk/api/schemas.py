"""Pydantic schemas of the REST API.

Input schemas forbid unknown fields and use strict strings and booleans, so a typo or a
wrong type is a 422 naming the field instead of a silently ignored value. Values that
need domain rules (names, dates of birth, phone numbers, A-numbers) are checked by the
services, which name the field the same way. Output schemas are built explicitly by the
routers from the models, never by exposing model attributes wholesale.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    field_validator,
)

from mppdesk.cases.models import CaseStatus, ProgramVersion
from mppdesk.lib import safetext
from mppdesk.people.models import Relationship, Sex, Vulnerability

ContactKind = Literal["phone", "whatsapp", "email"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Far beyond any list (71,000 people took part in the first program): a bigger offset
# is a mistake, and one past 2**63 does not fit the database's integers at all.
MAX_OFFSET = 10_000_000


#: A place's code in a URL (``/places/venues/{code}``): the slug the reference data uses.
CODE_PATTERN = r"^[-a-zA-Z0-9_]{1,120}$"


#: A place code as a path parameter: anything but a slug is a 422, not a lookup.
PlaceCode = Annotated[
    str, Path(..., pattern=CODE_PATTERN, description="The place's code (a slug).")
]


# A wall-clock time of day in a court's or port's own zone, as the API reads and writes
# it: "08:30" or "08:30:00". JSON Schema's format "time" (RFC 3339 full-time) requires
# an offset, which these times must not have: they follow the place's zone through
# daylight saving time.
WALL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _wall_time(value: Any) -> Any:
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise ValueError(_WALL_TIME_ERROR)
        return value
    if not isinstance(value, str):
        raise ValueError(_WALL_TIME_ERROR)
    text = value.strip()
    if not re.fullmatch(WALL_TIME_PATTERN, text):
        raise ValueError(_WALL_TIME_ERROR)
    return dt.time.fromisoformat(text)


_WALL_TIME_ERROR = (
    "A time of day as HH:MM (24 hours), without a time zone or offset: it is the "
    "local time of the court."
)

WallTime = Annotated[
    dt.time,
    BeforeValidator(_wall_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": WALL_TIME_PATTERN,
            "description": "Local time of day, `HH:MM` or `HH:MM:SS`, without an offset.",
            "example": "08:30",
        }
    ),
]


def reject_null(value: Any) -> Any:
    """For PATCH bodies: a field may be left out, but not sent as ``null``."""
    if value is None:
        raise ValueError("This field cannot be null.")
    return value


class CleanText(Schema):
    """No text anywhere in the input (strings, and strings inside lists and objects)
    carries a NUL or another control character (``lib.safetext``): a 422 naming the
    field, never a stored NUL or a database error."""

    @field_validator("*", mode="after")
    @classmethod
    def no_control_characters(cls, value: Any) -> Any:
        return safetext.check(value)


class StrictInput(CleanText):
    """Base of every request body: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class QueryIn(CleanText):
    """Base of the query parameters of an operation."""


# --- errors -----------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str = Field(..., description="The input field, e.g. `a_number` or `contacts[0].value`.")
    message: str


class ErrorOut(Schema):
    """The one error shape of the API (401, 404, 422 and the rest)."""

    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


# --- pagination -------------------------------------------------------------------------


class PageQuery(QueryIn):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class PageIn(StrictInput, PageQuery):
    """Pagination inside a JSON body (the search endpoints): strict integers, no extras."""

    limit: StrictInt = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    offset: StrictInt = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


def reject_blank(value: Any) -> Any:
    """A search for nothing would list everything; ask for a real search term instead."""
    if isinstance(value, str) and not value.strip():
        raise ValueError("Enter something to search for.")
    return value


class PageOut(Schema):
    count: int = Field(..., description="Items matching the filters, over all pages.")
    limit: int
    offset: int


# --- people -----------------------------------------------------------------------------


class LanguageIn(StrictInput):
    code: StrictStr = Field(..., max_length=40, description="ISO 639-3 code (`spa`) or a name.")
    preferred: StrictBool = False
    needs_interpreter: StrictBool = False


class LanguageOut(Schema):
    code: str
    preferred: bool
    needs_interpreter: bool


class ContactIn(StrictInput):
    kind: ContactKind
    value: StrictStr = Field(
        ..., max_length=254, description="Phone number (E.164 or national) or e-mail."
    )
    consent: StrictBool = Field(False, description="The person agreed to be contacted this way.")


class ContactUpdateIn(StrictInput):
    consent: StrictBool | None = None
    opted_out: StrictBool | None = None

    @field_validator("consent", "opted_out", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        return reject_null(value)


class ContactOut(Schema):
    id: int
    kind: ContactKind
    value: str
    consent: bool
    opted_out: bool


class PersonCreateIn(StrictInput):
    given_names: StrictStr = Field(..., max_length=200)
    family_names: StrictStr = Field("", max_length=200)
    other_names: list[StrictStr] = Field(default_factory=list, description="Aliases and spellings.")
    birth_date: StrictStr | None = Field(
        None,
        description="Date of birth `YYYY-MM-DD`, or only the year `YYYY` when the day is unknown.",
    )
    sex: Sex = Sex.UNKNOWN
    nationality: StrictStr | None = Field(
        None, description="ISO 3166-1 alpha-3 code (`HND`), alpha-2 or name."
    )
    languages: list[LanguageIn] = Field(default_factory=list)
    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    contacts: list[ContactIn] = Field(default_factory=list)


class PersonUpdateIn(StrictInput):
    """Only the fields sent are changed; `null` clears `birth_date` and `nationality`."""

    given_names: StrictStr | None = Field(None, max_length=200)
    family_names: StrictStr | None = Field(None, max_length=200)
    other_names: list[StrictStr] | None = None
    birth_date: StrictStr | None = None
    sex: Sex | None = None
    nationality: StrictStr | None = None
    languages: list[LanguageIn] | None = None
    vulnerabilities: list[Vulnerability] | None = None

    @field_validator(
        "given_names",
        "family_names",
        "other_names",
        "sex",
        "languages",
        "vulnerabilities",
        mode="before",
    )
    @classmethod
    def not_null(cls, value: Any) -> Any:
        return reject_null(value)


class PersonOut(Schema):
    id: uuid.UUID
    given_names: str
    family_names: str
    other_names: list[str]
    birth_date: dt.date | None = Field(..., description="Full date of birth, when known.")
    birth_year: int | None = Field(
        ..., description="Year of birth (also set when only the year is known)."
    )
    sex: Sex
    nationality: str = Field(..., description="ISO 3166-1 alpha-3, or empty.")
    languages: list[LanguageOut]
    vulnerabilities: list[Vulnerability]
    contact_points: list[ContactOut]
    household_id: uuid.UUID | None
    case_ids: list[uuid.UUID]
    created_at: dt.datetime
    updated_at: dt.datetime


class PersonFilters(PageQuery):
    """Query parameters of the people list: nothing that identifies a person.

    Searching by name, A-number or phone number is `POST /people/search`, so that personal
    data never appears in a URL.
    """

    nationality: str | None = Field(
        None,
        max_length=60,
        description="ISO 3166-1 code or name.",
        json_schema_extra={"example": "HND"},
    )
    has_case: bool | None = Field(
        None, description="Only people on (true) or not on (false) a case."
    )


class PersonSearchIn(PageIn):
    q: StrictStr = Field(
        ...,
        min_length=1,
        max_length=200,
        description="Name words (accents ignored), an exact A-number or an exact phone number.",
    )
    nationality: StrictStr | None = Field(
        None, max_length=60, description="ISO 3166-1 code or name."
    )
    has_case: StrictBool | None = Field(
        None, description="Only people on (true) or not on (false) a case."
    )

    @field_validator("q")
    @classmethod
    def not_blank(cls, value: Any) -> Any:
        return reject_blank(value)


class PersonPage(PageOut):
    items: list[PersonOut]


# --- households -------------------------------------------------------------------------


class HouseholdCreateIn(StrictInput):
    lead_id: uuid.UUID
    port: StrictStr | None = Field(None, description="Port of entry code, e.g. `el-paso`.")


class HouseholdUpdateIn(StrictInput):
    port: StrictStr | None = Field(None, description="Port of entry code; `null` clears it.")


class HouseholdMemberIn(StrictInput):
    person_id: uuid.UUID
    relationship: Relationship = Field(
        ..., description="Relationship to the lead respondent (not `lead`)."
    )


class HouseholdMemberOut(Schema):
    person_id: uuid.UUID
    relationship: Relationship


class HouseholdOut(Schema):
    id: uuid.UUID
    lead_id: uuid.UUID | None
    port: str | None = Field(..., description="Port of entry code.")
    members: list[HouseholdMemberOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class HouseholdFilters(PageQuery):
    port: str | None = Field(
        None,
        max_length=60,
        description="Port of entry code.",
        json_schema_extra={"example": "el-paso"},
    )


class HouseholdPage(PageOut):
    items: list[HouseholdOut]


# --- cases ------------------------------------------------------------------------------


class CaseCreateIn(StrictInput):
    a_number: StrictStr = Field(
        ..., max_length=20, description="8 or 9 digits; `A`, spaces and dashes allowed."
    )
    lead_id: uuid.UUID
    member_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Family members on the case."
    )
    venue: StrictStr | None = Field(None, description="Hearing venue code.")
    port: StrictStr | None = Field(None, description="Port of entry code.")
    program_version: ProgramVersion = ProgramVersion.CURRENT
    status: CaseStatus = CaseStatus.INTAKE


class CaseUpdateIn(StrictInput):
    """Only the fields sent are changed; `null` clears `venue` and `port`."""

    a_number: StrictStr | None = Field(None, max_length=20)
    venue: StrictStr | None = None
    port: StrictStr | None = None
    program_version: ProgramVersion | None = None
    status: CaseStatus | None = None

    @field_validator("a_number", "program_version", "status", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        return reject_null(value)


class CaseNoteIn(StrictInput):
    summary: StrictStr = Field(..., max_length=500)


class CaseEventOut(Schema):
    kind: str
    occurred_at: dt.datetime
    summary: str


class CaseOut(Schema):
    id: uuid.UUID
    a_number: str = Field(..., pattern=r"^\d{9}$")
    a_number_display: str = Field(..., description="`A012-345-678`")
    lead_id: uuid.UUID
    member_ids: list[uuid.UUID] = Field(..., description="Everyone on the case, the lead included.")
    venue: str | None = Field(..., description="Hearing venue code.")
    port: str | None = Field(..., description="Port of entry code.")
    program_version: ProgramVersion
    status: CaseStatus
    opened_on: dt.date | None
    closed_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CaseDetailOut(CaseOut):
    events: list[CaseEventOut] = Field(..., description="Timeline, newest first.")


class CaseFilters(PageQuery):
    """Query parameters of the case list; finding a case by A-number is `POST /cases/search`."""

    status: CaseStatus | None = None
    venue: str | None = Field(
        None,
        max_length=60,
        description="Hearing venue code.",
        json_schema_extra={"example": "el-paso-immigration-court"},
    )
    program_version: ProgramVersion | None = None


class CaseSearchIn(PageIn):
    a_number: StrictStr = Field(
        ...,
        min_length=1,
        max_length=20,
        description="Exact A-number, any common notation (`A 012-345-678`, `12345678`).",
    )
    status: CaseStatus | None = None
    venue: StrictStr | None = Field(None, max_length=60, description="Hearing venue code.")
    program_version: ProgramVersion | None = None


class CasePage(PageOut):
    items: list[CaseOut]

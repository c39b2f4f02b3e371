"""The published facts the simulator uses, read from the project's reference files.

Every input and calibration target of the simulator comes from
``places/reference/published_statistics.csv`` (one row per figure, with its source) or
from a sentence of ``places/reference/program_rules.md``, quoted in ``RULES``; the tests
check that each quoted sentence is in that file, so a figure cannot drift from its source.
Pure Python: no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "places" / "reference"
STATISTICS = REFERENCE_DIR / "published_statistics.csv"
PROGRAM_RULES = REFERENCE_DIR / "program_rules.md"
PORTS = REFERENCE_DIR / "ports_of_entry.csv"


@dataclass(frozen=True)
class Fact:
    """One row of ``published_statistics.csv``."""

    metric: str
    value: str
    as_of: str
    scope: str
    source: str

    @property
    def number(self) -> float:
        return float(self.value)

    @property
    def range(self) -> tuple[float, float]:
        """A value written ``low-high``."""
        low, high = self.value.split("-")
        return float(low), float(high)

    @property
    def cite(self) -> str:
        return f"{self.source} ({self.metric}, {self.as_of})"


@cache
def facts() -> tuple[Fact, ...]:
    with STATISTICS.open(encoding="utf-8", newline="") as handle:
        return tuple(Fact(**row) for row in csv.DictReader(handle))


def fact(metric: str, as_of: str | None = None) -> Fact:
    """The one row of ``metric`` (as of ``as_of`` when there are several)."""
    rows = [f for f in facts() if f.metric == metric and (as_of is None or f.as_of == as_of)]
    if len(rows) != 1:
        raise LookupError(f"{metric} as of {as_of}: {len(rows)} rows in {STATISTICS.name}")
    return rows[0]


def all_of(metric: str) -> list[Fact]:
    return [f for f in facts() if f.metric == metric]


@dataclass(frozen=True)
class Rule:
    """A fact from ``program_rules.md``: the sentence a value of the model comes from,
    quoted word for word (line breaks as spaces)."""

    name: str
    quote: str

    @property
    def cite(self) -> str:
        return f"program_rules.md: “{self.quote}”"


RULES = {
    name: Rule(name, quote)
    for name, quote in {
        "first_returns": "first returns at San Ysidro 2019-01-29",
        "enrolment_stopped": "New enrollments stopped 2021-01-20",
        "terminated": "program terminated 2021-06-01",
        "wind_down": "From 2021-02-19 people with active cases could enter the US after "
        "registration by UNHCR/IOM (about 11,200 by 2021-05-25; more than 13,000 by 2021-08)",
        "first_hearing": "The first hearing was typically about two months out",
        "postponed": "From March 2020 to April 2021 MPP hearings were postponed (COVID)",
        "in_absentia": "If the person does not appear and had written notice, the judge "
        "orders removal in absentia",
        "reopen": "motion to reopen within 180 days for exceptional circumstances",
        "reporting_times": "El Paso reporting times were about 03:45-04:30",
        "judges_2021": "22 dedicated immigration judges",
    }.items()
}

#: Values taken from the sentences above.
FIRST_RETURNS = dt.date(2019, 1, 29)
ENROLMENT_STOPPED = dt.date(2021, 1, 20)
TERMINATED = dt.date(2021, 6, 1)
WIND_DOWN_START = dt.date(2021, 2, 19)
WIND_DOWN_POINTS = ((dt.date(2021, 5, 25), 11_200), (dt.date(2021, 8, 31), 13_000))
FIRST_HEARING_WEEKS = 9  # "about two months": 61 days, rounded up to whole weeks
REOPEN_DAYS = 180


def rule_text() -> str:
    """``program_rules.md`` with every run of white space made one space (quotes span lines)."""
    return " ".join(PROGRAM_RULES.read_text(encoding="utf-8").split())


@dataclass(frozen=True)
class PortStart:
    name: str
    code: str
    began: dt.date | None  # None: "not confirmed"
    source: str


@cache
def port_starts() -> dict[str, PortStart]:
    """When returns began at each port (``ports_of_entry.csv``; a month means its first day)."""
    out = {}
    with PORTS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            began = row["mpp_returns_began"]
            day: dt.date | None
            try:
                day = dt.date.fromisoformat(began if len(began) == 10 else f"{began}-01")
            except ValueError:
                day = None
            code = row["port_of_entry"].lower().replace(" ", "-")
            out[code] = PortStart(row["port_of_entry"], code, day, row["source"])
    return out

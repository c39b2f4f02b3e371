"""What a hearings coordinator reads on the scheduling screens, in words rather than ids.

A program-wide coordinator places, moves and cancels hearings of cases of organizations
whose people they may not read. Their screens name a case by its lead respondent's name
when the viewer may read the case, and otherwise by a summary of program data only
("household of 4, Spanish, vulnerable": how many people, the language an interpreter is
needed for, whether anyone on it is vulnerable), never by an internal id. Venues and
ports are named, not given as codes, and the solver's summary is in the reader's
language. Each function here reads through access-checked queries and records what it
shows in the audit log, so the web pages only render.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mppdesk.audit import services as audit
from mppdesk.cases import queries as case_queries
from mppdesk.cases.models import Case, CaseMember
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.hearings import queries
from mppdesk.hearings.models import Hearing
from mppdesk.lib.labels import language_label
from mppdesk.places.models import Port, Venue

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.hearings.scheduling import ProposalRow

#: Fields recorded when a case is named (its lead respondent) on a scheduling screen.
NAMED_FIELDS = ["lead"]
#: Fields recorded when a case is only summarized (program data, nobody named).
SUMMARY_FIELDS = ["seats", "language", "vulnerable"]
#: What a program-wide coordinator reads of a hearing they may move but not read.
PROGRAM_HEARING_FIELDS = ["docket", "scheduled_at", "report_at", "seats", "language", "vulnerable"]


@dataclass(frozen=True)
class CaseSummary:
    """How a case is shown to one viewer: ``label`` is the lead respondent's name when
    ``readable`` (the viewer may open the case), else the household summary."""

    case_id: str
    label: str
    readable: bool
    summary: str
    #: The summary's facts, for the API: the language an interpreter is needed for (ISO
    #: 639-3, empty when unknown) and whether anyone on the case is vulnerable.
    language: str = ""
    vulnerable: bool = False


def household_summary(seats: int, language: str, vulnerable: bool) -> str:
    """The case summarized: "household of 4, Spanish, vulnerable", in the reader's language."""
    parts = [
        ngettext("one person", "household of %(count)d", seats) % {"count": seats}
        if seats > 0
        else _("nobody on the case")
    ]
    if language:
        parts.append(language_label(language))
    if vulnerable:
        parts.append(_("vulnerable"))
    return ", ".join(parts)


def _household_facts(case_ids: Sequence[Any]) -> dict[str, tuple[int, bool]]:
    """``{case id: (people on the case, anyone vulnerable)}``."""
    facts: dict[str, list[Any]] = defaultdict(lambda: [0, False])
    rows = CaseMember.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "person__vulnerabilities"
    )
    for case_id, vulnerabilities in rows:
        entry = facts[str(case_id)]
        entry[0] += 1
        entry[1] = entry[1] or bool(vulnerabilities)
    return {key: (int(value[0]), bool(value[1])) for key, value in facts.items()}


def case_summaries(
    user: User | None, case_ids: Iterable[Any], *, record: bool = True
) -> dict[str, CaseSummary]:
    """``{case id: CaseSummary}`` for ``case_ids`` (the caller has limited them to cases
    the user may schedule). With ``record``, one audit entry per organization for the
    cases named and one for those summarized."""
    ids = list(dict.fromkeys(str(pk) for pk in case_ids))
    if not ids:
        return {}
    readable = {str(case.pk): case for case in case_queries.cases_for(user).filter(pk__in=ids)}
    facts = _household_facts(ids)
    languages = {str(k): v for k, v in queries.lead_languages(ids).items()}
    summaries: dict[str, CaseSummary] = {}
    for pk in ids:
        seats, vulnerable = facts.get(pk, (0, False))
        summary = household_summary(seats, languages.get(pk, ""), vulnerable)
        case = readable.get(pk)
        label = (case.lead.full_name if case is not None and case.lead else "") or summary
        summaries[pk] = CaseSummary(
            case_id=pk,
            label=label,
            readable=case is not None,
            summary=summary,
            language=languages.get(pk, ""),
            vulnerable=vulnerable,
        )
    if record:
        _record(user, ids, set(readable))
    return summaries


def _record(user: User | None, ids: Sequence[str], named: set[str]) -> None:
    orgs = {
        str(pk): org
        for pk, org in Case.objects.filter(pk__in=ids).values_list("pk", "organization")
    }
    groups: dict[tuple[int, bool], list[str]] = defaultdict(list)
    for pk in ids:
        organization_id = orgs.get(pk)
        if organization_id is not None:
            groups[(organization_id, pk in named)].append(pk)
    from mppdesk.accounts.models import Organization

    organizations = Organization.objects.in_bulk({key[0] for key in groups})
    for (organization_id, is_named), object_ids in groups.items():
        audit.record_many(
            actor=user,
            organization=organizations[organization_id],
            action=AuditAction.VIEW,
            object_type=ObjectType.CASE,
            object_ids=object_ids,
            fields=NAMED_FIELDS if is_named else SUMMARY_FIELDS,
        )


# --- names of places ----------------------------------------------------------------------


def venue_names(codes: Iterable[str]) -> list[str]:
    """The venues' names, in the order of ``codes`` (a code no longer known as itself)."""
    codes = list(codes)
    names = dict(Venue.objects.filter(code__in=codes).values_list("code", "name"))
    return [names.get(code, code) for code in codes]


@dataclass(frozen=True)
class ReviewRow:
    """A proposal row as a coordinator reads it: the case named or summarized, the venue
    and the port by their names, the report time on the port's clock."""

    row: ProposalRow
    case: CaseSummary
    venue_name: str
    port: Port | None

    def __getattr__(self, name: str) -> Any:  # the row's own facts (docket, seats...)
        if name == "row":  # not set yet (copying): no recursion
            raise AttributeError(name)
        return getattr(self.row, name)


def review_rows(user: User | None, rows: Sequence[ProposalRow]) -> list[ReviewRow]:
    """``rows`` with their cases summarized for ``user`` (recorded in the audit log)."""
    summaries = case_summaries(user, [row.case_id for row in rows])
    venues = dict(
        Venue.objects.filter(code__in={r.venue_code for r in rows if r.venue_code}).values_list(
            "code", "name"
        )
    )
    ports = {p.code: p for p in Port.objects.filter(code__in={r.port_code for r in rows})}
    return [
        ReviewRow(
            row=row,
            case=summaries[row.case_id],
            venue_name=venues.get(row.venue_code, row.venue_code),
            port=ports.get(row.port_code),
        )
        for row in rows
    ]


# --- the solver's summary -----------------------------------------------------------------

_FALLBACK = re.compile(r"first-come-first-served kept in (\d+) component")
_LP_FAILED = re.compile(r"LP failed in (\d+) component")


def solver_summary(method: str) -> str:
    """The scheduler's ``method`` string (English, for the logs) in the reader's words."""
    if method.startswith("greedy"):
        return _("first come, first served")
    if not method.startswith("lp-relaxation"):
        return method
    parts = [_("linear programming relaxation, rounded (HiGHS)")]
    if match := _FALLBACK.search(method):
        count = int(match.group(1))
        parts.append(
            ngettext(
                "first come, first served kept in %(count)d group of dockets",
                "first come, first served kept in %(count)d groups of dockets",
                count,
            )
            % {"count": count}
        )
    if match := _LP_FAILED.search(method):
        count = int(match.group(1))
        parts.append(
            ngettext(
                "the linear program failed in %(count)d group of dockets: "
                "first come, first served there",
                "the linear program failed in %(count)d groups of dockets: "
                "first come, first served there",
                count,
            )
            % {"count": count}
        )
    return "; ".join(parts)


# --- a hearing the coordinator moves but may not read -------------------------------------


@dataclass
class ProgramHearing:
    """What a coordinator who may schedule a hearing's case, but not read it, sees of it."""

    hearing: Hearing
    case: CaseSummary
    port: Port | None
    may_change: bool
    extra: dict[str, Any] = field(default_factory=dict)


def program_hearing(user: User | None, pk: Any) -> ProgramHearing:
    """The read-only program view of a hearing ``user`` may schedule (else ``Http404``):
    docket, times, the case summarized, never a name or an A-number. Recorded in the
    audit log as a view of those fields, the same entry for the web page and the API's
    detail (``GET /api/v1/hearings/{id}`` of a program-wide token)."""
    hearing = queries.get_hearing_to_manage(user, pk)
    summary = case_summaries(user, [hearing.case_id], record=False)[str(hearing.case_id)]
    audit.record_view(
        actor=user, obj=hearing, object_type=ObjectType.HEARING, fields=PROGRAM_HEARING_FIELDS
    )
    port = hearing.port or (
        Port.objects.filter(pk=hearing.case.port_id).first() if hearing.case.port_id else None
    )
    return ProgramHearing(hearing=hearing, case=summary, port=port, may_change=hearing.is_open)


__all__ = [
    "CaseSummary",
    "ProgramHearing",
    "ReviewRow",
    "case_summaries",
    "household_summary",
    "program_hearing",
    "review_rows",
    "solver_summary",
    "venue_names",
]

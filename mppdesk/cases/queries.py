"""Reads of cases, always through the viewer's organization scope."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.audit.exports import ListExport, export_list
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.core.access import get_visible_or_404, require_owner_write
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.core.sorting import SortColumn, Sorting, choice_order

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person


#: The orders of the case list (``?sort=``): the A-number and the lead's name are
#: ciphertext in the database and cannot be sorted there.
CASES_SORTING = Sorting(
    [
        # In the order of the proceedings (intake first, closed last), not of the codes.
        SortColumn("status", _("Status"), (choice_order("status", CaseStatus.values),)),
        SortColumn("venue", _("Hearing venue"), ("venue__name",)),
        SortColumn("opened", _("Opened on"), ("opened_on",)),
        SortColumn("registered", _("Registered"), ("created_at",)),
    ],
    default="-registered",
)


def cases_for(user: User | None) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related("lead", "venue", "port")


def get_case(user: User | None, pk: Any) -> Case:
    return get_visible_or_404(Case.objects.select_related("lead", "venue", "port"), user, pk)


#: What a read of one case is filed as, on every channel (web, API).
CASE_VIEW_FIELDS = ["a_number", "lead", "members", "venue", "port", "status", "events"]


def get_case_for_view(
    actor: User | None, pk: Any, *, within: Callable[[Case], Case] | None = None
) -> Case:
    """One case (``Http404`` if not visible) for display; records the read in the audit log
    under the case's owning organization, so its auditor sees every channel's reads (web,
    a partner's API token). ``within`` narrows visibility further before anything is
    recorded (an API token's organization)."""
    case = get_case(actor, pk)
    if within is not None:
        case = within(case)
    audit.record_view(actor=actor, obj=case, object_type=ObjectType.CASE, fields=CASE_VIEW_FIELDS)
    return case


#: What a list or search result shows of each case.
CASE_LIST_FIELDS = ["a_number", "lead", "members", "venue", "port", "status"]


def record_cases_listed(actor: User | None, cases: Iterable[Case]) -> None:
    """The cases of a list or search page were shown: one view entry each, filed under
    each case's owning organization."""
    audit.record_list_view(
        actor=actor, objects=cases, object_type=ObjectType.CASE, fields=CASE_LIST_FIELDS
    )


def may_edit(user: User | None, case: Case) -> bool:
    """Whether ``user`` may change ``case``: a case shared with the user's organization by
    a referral is read-only there."""
    return can(user, Action.PERSON_WRITE, case.organization_id)


def get_case_for_update(user: User | None, pk: Any) -> Case:
    """The case if ``user`` may change it (owning organization); 404 or 403."""
    case: Case = require_owner_write(user, get_case(user, pk))
    return case


def cases_of(person: Person) -> QuerySet[Case]:
    return (
        Case.objects.filter(members__person=person, organization_id=person.organization_id)
        .select_related("venue", "port")
        .distinct()
    )


#: What a case export holds of each case (its audit entries name these fields).
CASE_EXPORT_FIELDS = ["a_number", "lead", "venue", "port", "status", "opened_on"]


def export_cases(actor: User | None, cases: QuerySet[Case]) -> ListExport:
    """The case list (``cases``: scoped, filtered and sorted like the page) as CSV: the
    cases of the organizations where ``actor`` may export, up to the cap, each recorded
    as exported (``audit.exports.export_list``)."""

    def cells(case: Case) -> list[Any]:
        return [
            case.pk, case.a_number_display, case.lead.full_name, case.get_status_display(),
            case.venue.name if case.venue else "", case.port.name if case.port else "",
            case.opened_on, case.get_program_version_display(),
        ]  # fmt: skip

    return export_list(
        actor=actor,
        rows=cases,
        filename="cases.csv",
        header=[
            "id",
            _("A-number"),
            _("Lead respondent"),
            _("Status"),
            _("Hearing venue"),
            _("port of entry"),
            _("Opened on"),
            _("program version"),
        ],  # fmt: skip
        cells=cells,
        object_type=ObjectType.CASE,
        fields=CASE_EXPORT_FIELDS,
    )

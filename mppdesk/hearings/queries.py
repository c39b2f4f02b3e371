"""Reads of dockets, hearings, notices and follow-ups, scoped to the viewer.

- Dockets and templates are program data, not personal data: any role with
  ``docket.read`` (in any organization) sees all of them; others see none.
- Hearings and follow-ups belong to the case's organization: ``visible_to`` (roles with
  ``person.read`` there, plus organizations a person on the case was referred to).
  A hearing that exists but is not visible is a 404, like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.audit.exports import ListExport, export_list
from mppdesk.cases.models import Case, CaseMember, CaseStatus
from mppdesk.core.access import get_visible_or_404, require_owner_write
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.sorting import SortColumn, Sorting
from mppdesk.hearings.models import (
    Docket,
    DocketTemplate,
    FollowUpStatus,
    Hearing,
    HearingStatus,
    InAbsentiaFollowUp,
    Notice,
)
from mppdesk.people.models import ContactPoint

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.hearings.evidence import EvidencePacket
    from mppdesk.places.models import Venue


# --- dockets ------------------------------------------------------------------------------


#: The orders of the hearing lists a case worker reads (upcoming, no confirmed contact):
#: the hearing's time, the court, the reporting time at the port.
HEARINGS_SORTING = Sorting(
    [
        SortColumn("hearing", gettext_lazy("Hearing (court's time)"), ("scheduled_at",)),
        SortColumn("court", gettext_lazy("Court"), ("docket__venue__name", "scheduled_at")),
        SortColumn("report", gettext_lazy("Report at the port (local time)"), ("report_at",)),
    ],
    default="hearing",
)


def may_read_dockets(user: User | None) -> bool:
    return can(user, Action.DOCKET_READ)


def dockets_for(user: User | None) -> QuerySet[Docket]:
    """Every docket, for a role with ``docket.read`` somewhere; none otherwise."""
    if not may_read_dockets(user):
        return Docket.objects.none()
    return Docket.objects.select_related("venue").order_by("date", "session", "venue", "courtroom")


def get_docket(user: User | None, pk: Any) -> Docket:
    try:
        key = int(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    docket = dockets_for(user).filter(pk=key).first()
    if docket is None:
        raise Http404
    return docket


def dockets_in(
    user: User | None,
    venue: Venue | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Docket]:
    """Dockets by venue and period (inclusive), each with ``booked`` and ``capacity``."""
    dockets = dockets_for(user)
    if venue is not None:
        dockets = dockets.filter(venue=venue)
    if start is not None:
        dockets = dockets.filter(date__gte=start)
    if end is not None:
        dockets = dockets.filter(date__lte=end)
    return dockets


def templates_for(user: User | None) -> QuerySet[DocketTemplate]:
    if not may_read_dockets(user):
        return DocketTemplate.objects.none()
    return DocketTemplate.objects.select_related("venue").order_by(
        "venue__name", "weekday", "session", "courtroom"
    )


def get_template(user: User | None, pk: Any) -> DocketTemplate:
    try:
        key = int(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    template = templates_for(user).filter(pk=key).first()
    if template is None:
        raise Http404
    return template


# --- who may schedule which cases ---------------------------------------------------------

#: Organizations whose ``docket.manage`` covers every organization's cases: the program
#: coordinator (and a court, which sets its own calendar). Elsewhere ``docket.manage``
#: covers the organization's own cases only.
PROGRAM_WIDE_SCHEDULERS = frozenset({"coordinator", "court"})


def schedulable_org_ids(user: User | None) -> list[int]:
    """Organizations whose cases ``user`` may schedule, reschedule or cancel."""
    from mppdesk.accounts.models import Organization
    from mppdesk.accounts.permissions import any_program_wide, orgs_where

    own = orgs_where(user, Action.DOCKET_MANAGE)
    if not own:
        return []
    if any_program_wide(own, PROGRAM_WIDE_SCHEDULERS):
        return list(Organization.objects.filter(is_active=True).values_list("pk", flat=True))
    return own


def may_schedule(user: User | None, organization_id: int) -> bool:
    return organization_id in schedulable_org_ids(user)


def may_manage_hearing(user: User | None, hearing: Hearing) -> bool:
    """May ``user`` reschedule, continue or cancel ``hearing`` (if it is still open): the
    one rule, for the web, the API and the CLI (``schedulable_org_ids``)."""
    return may_schedule(user, hearing.organization_id)


def acts_program_wide(user: User | None, organization: Organization) -> bool:
    """``user`` schedules for ``organization`` and it is a program-wide scheduler
    (``PROGRAM_WIDE_SCHEDULERS``): an API token of the program coordinator or a court."""
    return organization.kind in PROGRAM_WIDE_SCHEDULERS and can(
        user, Action.DOCKET_MANAGE, organization.pk
    )


def may_manage_dockets(user: User | None) -> bool:
    """``docket.manage`` in any organization: templates, dockets, closure days."""
    return can(user, Action.DOCKET_MANAGE)


def may_record(user: User | None, organization_id: int) -> bool:
    """May ``user`` record notices, outcomes and follow-ups of ``organization_id``'s
    cases (``person.write`` there; shared records are read-only)."""
    return can(user, Action.PERSON_WRITE, organization_id)


def recording_org_ids(user: User | None) -> list[int]:
    """Organizations whose hearings ``user`` records on (``person.write``)."""
    return orgs_where(user, Action.PERSON_WRITE)


def own_org_ids(user: User | None) -> list[int]:
    """Organizations whose people ``user`` reads as their own (not shared by referral)."""
    return orgs_where(user, Action.PERSON_READ)


def get_case_to_schedule(user: User | None, pk: Any) -> Case:
    """A case ``user`` may schedule (see ``schedulable_org_ids``), or ``Http404``."""
    if not _is_uuid(pk):
        raise Http404
    case = Case.objects.filter(pk=pk, organization_id__in=schedulable_org_ids(user)).first()
    if case is None:
        raise Http404
    return case


def get_hearing_to_manage(user: User | None, pk: Any) -> Hearing:
    """A hearing ``user`` may reschedule, continue or cancel, or ``Http404``."""
    if not _is_uuid(pk):
        raise Http404
    hearing = (
        _with_relations(Hearing.objects.all())
        .filter(pk=pk, organization_id__in=schedulable_org_ids(user))
        .first()
    )
    if hearing is None:
        raise Http404
    return hearing


def lead_languages(case_ids: Iterable[Any]) -> dict[Any, str]:
    """``{case id: ISO 639-3 code}``: each case's lead respondent's preferred language.

    What a scheduler needs to place a case of an organization whose people they may not
    read (the docket's interpreters); it names nobody. The caller has already limited
    ``case_ids`` to cases it may schedule."""
    rows = (
        Case.objects.filter(pk__in=list(case_ids))
        .order_by("pk", "-lead__languages__preferred", "lead__languages__code")
        .values_list("pk", "lead__languages__code")
    )
    languages: dict[Any, str] = {}
    for case_id, code in rows:  # the preferred language first; None when there is none
        languages.setdefault(case_id, code or "")
    return languages


# --- hearings -----------------------------------------------------------------------------

# Field names recorded in the audit log for each kind of read (names, never values): the
# same for the web, the API and the CLI.
HEARING_LIST_FIELDS = [
    "case", "lead", "a_number", "docket", "scheduled_at", "report_at", "status", "outcome",
]  # fmt: skip
HEARING_DETAIL_FIELDS = [*HEARING_LIST_FIELDS, "notices", "continuance_reason", "chain"]
ROLL_CALL_FIELDS = ["case", "lead", "members", "a_number", "status", "outcome"]
#: What a program-wide coordinator sees of a hearing they may move but not read.
PROGRAM_VIEW_FIELDS = ["docket", "scheduled_at", "report_at", "seats", "language", "vulnerable"]
NOTICE_VIEW_FIELDS = ["hearing", "kind", "method", "address", "language", "served_at", "served_by"]
NOTICE_PDF_FIELDS = ["lead", "a_number", "scheduled_at", "report_at", "report_place", "notice"]
FOLLOW_UP_FIELDS = ["hearing", "status", "deadlines", "notes", "notices", "contact_points"]
FOLLOW_UP_LIST_FIELDS = ["hearing", "lead", "a_number", "status", "deadlines", "notes"]

_Row = TypeVar("_Row", Hearing, InAbsentiaFollowUp)


def _record_views(
    actor: User | None, rows: Iterable[_Row], object_type: str, fields: Sequence[str]
) -> None:
    """One "view" entry per row shown, filed under each row's owning organization."""
    by_org: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        by_org[row.organization].append(row.pk)
    for organization, ids in by_org.items():
        audit.record_many(
            actor=actor,
            organization=organization,
            action=AuditAction.VIEW,
            object_type=object_type,
            object_ids=ids,
            fields=fields,
        )


def hearings_shown(
    actor: User | None, hearings: Iterable[Hearing], *, fields: Sequence[str] = ()
) -> list[Hearing]:
    """Hearings as shown in a list (a page of the web's or the API's lists, a docket, a
    roll-call): records one view of each under its owning organization, the same entries
    on every channel; returns them. ``fields`` default: ``HEARING_LIST_FIELDS``."""
    rows = list(hearings)
    _record_views(actor, rows, ObjectType.HEARING, fields or HEARING_LIST_FIELDS)
    return rows


def export_hearings(actor: User | None, hearings: QuerySet[Hearing], name: str) -> ListExport:
    """A hearing list (``hearings``: scoped, filtered and sorted like the page) as CSV
    named ``name``: the hearings of the organizations where ``actor`` may export, up to
    the cap, each recorded as exported (``audit.exports.export_list``). Times are written
    with their offset in the court's (hearing) and the port's (reporting) zone."""
    from zoneinfo import ZoneInfo

    def local(at: dt.datetime | None, zone: str | None) -> str:
        if at is None:
            return ""
        return at.astimezone(ZoneInfo(zone)).isoformat() if zone else at.isoformat()

    def cells(hearing: Hearing) -> list[Any]:
        venue = hearing.docket.venue
        port = hearing.port or hearing.case.port
        return [
            hearing.pk, local(hearing.scheduled_at, venue.timezone), venue.name,
            hearing.get_kind_display(), hearing.get_status_display(),
            hearing.case.lead.full_name, hearing.case.a_number_display,
            local(hearing.report_at, port.timezone if port else None),
            hearing.report_place_display,
        ]  # fmt: skip

    return export_list(
        actor=actor,
        rows=hearings.select_related("docket__venue", "port", "case__lead", "case__port"),
        filename=name,
        header=[
            "id",
            gettext_lazy("Hearing (court's time)"),
            gettext_lazy("Court"),
            gettext_lazy("kind"),
            gettext_lazy("status"),
            gettext_lazy("Person"),
            gettext_lazy("A-number"),
            gettext_lazy("Report at the port (local time)"),
            gettext_lazy("reporting place"),
        ],  # fmt: skip
        cells=cells,
        object_type=ObjectType.HEARING,
        fields=HEARING_LIST_FIELDS,
    )


def roll_call_hearings(user: User | None, docket: Docket) -> QuerySet[Hearing]:
    """The hearings on ``docket`` the user records attendance for: their own
    organizations' (``person.write``), scheduled or held."""
    return hearings_for(user).filter(
        docket=docket,
        organization_id__in=recording_org_ids(user),
        status__in=[HearingStatus.SCHEDULED, HearingStatus.HELD],
    )


def _with_relations(hearings: QuerySet[Hearing]) -> QuerySet[Hearing]:
    return hearings.select_related("docket", "docket__venue", "port", "case", "organization")


def hearings_for(user: User | None) -> QuerySet[Hearing]:
    """Hearings the user may read (owning organization or shared by referral)."""
    return _with_relations(Hearing.objects.visible_to(user)).order_by("scheduled_at", "id")


#: What a docket's row shows of a hearing the viewer may read (hearings/docket.html), and
#: the owning organization its view is recorded under.
DOCKET_ROW_FIELDS = (
    "id", "organization", "case", "scheduled_at", "seats", "status", "outcome",
    "case__a_number", "case__lead", "case__lead__given_names", "case__lead__family_names",
)  # fmt: skip


def docket_hearings_for(user: User | None, docket: Docket) -> QuerySet[Hearing]:
    """The hearings on ``docket`` the user may read, each with only what its row shows: the
    case's A-number and its lead's names. The docket, its venue and the port are the
    page's own, so they are not joined again (a join of seven tables cost PostgreSQL
    1.7 ms to plan), and no other personal field of the lead is read or decrypted."""
    return (
        Hearing.objects.visible_to(user)
        .filter(docket=docket)
        .select_related("case__lead", "organization")
        .only(*DOCKET_ROW_FIELDS)
        .order_by("scheduled_at", "id")
    )


#: What the evidence packet holds, as filed in the audit log on every channel.
EVIDENCE_FIELDS = [
    "hearing", "chain", "notices", "people", "contact_points", "a_number", "follow_up",
]  # fmt: skip


def get_evidence_for_view(
    actor: User | None, hearing_pk: Any, *, within: Callable[[Hearing], Hearing] | None = None
) -> tuple[Hearing, EvidencePacket]:
    """A hearing (``Http404`` if not visible) and its in absentia evidence packet, built in
    the active language; records one "export" of the hearing's evidence under its owning
    organization — the same entry for the web's PDF/ZIP and the API's JSON. ``within``
    narrows visibility further before anything is recorded (an API token's organization).
    """
    from mppdesk.hearings.evidence import evidence_for

    hearing = get_hearing(actor, hearing_pk)
    if within is not None:
        hearing = within(hearing)
    packet = evidence_for(hearing)
    audit.record(
        actor=actor,
        organization=hearing.organization,
        action=AuditAction.EXPORT,
        object_type=ObjectType.HEARING,
        object_id=hearing.pk,
        fields=EVIDENCE_FIELDS,
    )
    return hearing, packet


def get_hearing(user: User | None, pk: Any) -> Hearing:
    hearing: Hearing = get_visible_or_404(
        Hearing.objects.select_related("docket", "docket__venue", "port", "case", "organization"),
        user,
        pk,
    )
    return hearing


def get_hearing_for_view(
    actor: User | None, pk: Any, *, within: Callable[[Hearing], Hearing] | None = None
) -> Hearing:
    """One hearing for its page or the API's detail (``Http404`` if not visible); records
    one view of it under its owning organization, the same entry on every channel.
    ``within`` narrows visibility first (an API token's organization)."""
    hearing = get_hearing(actor, pk)
    if within is not None:
        hearing = within(hearing)
    hearings_shown(actor, [hearing], fields=HEARING_DETAIL_FIELDS)
    return hearing


def get_hearing_for_update(user: User | None, pk: Any) -> Hearing:
    """The hearing if ``user`` may record on it (``person.write`` in the owning
    organization); 404 if not visible, 403 if only shared."""
    hearing: Hearing = require_owner_write(user, get_hearing(user, pk))
    return hearing


def hearings_of_case(user: User | None, case: Case) -> QuerySet[Hearing]:
    return hearings_for(user).filter(case=case)


def chain_of(hearing: Hearing) -> list[Hearing]:
    """Every hearing of ``hearing``'s chain of reschedules and continuances, oldest first
    (the ones it replaced and the ones that replaced it). Unscoped: the caller already
    holds a visible hearing, and the chain is of the same case."""
    first = hearing
    seen = {first.pk}
    while first.replaces_id is not None and first.replaces_id not in seen:
        first = _with_relations(Hearing.objects.filter(pk=first.replaces_id)).get()
        seen.add(first.pk)
    chain = [first]
    while True:
        following = _with_relations(Hearing.objects.filter(replaces=chain[-1])).first()
        if following is None or following.pk in {h.pk for h in chain}:
            break
        chain.append(following)
    return chain


def filter_hearings(
    hearings: QuerySet[Hearing],
    *,
    case: Case | None = None,
    venue: Venue | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str | None = None,
) -> QuerySet[Hearing]:
    """Narrow hearings by case, venue, docket dates (inclusive) and status."""
    if case is not None:
        hearings = hearings.filter(case=case)
    if venue is not None:
        hearings = hearings.filter(docket__venue=venue)
    if start is not None:
        hearings = hearings.filter(docket__date__gte=start)
    if end is not None:
        hearings = hearings.filter(docket__date__lte=end)
    if status:
        hearings = hearings.filter(status=status)
    return hearings


def upcoming_for(
    user: User | None, days: int = 14, now: dt.datetime | None = None
) -> QuerySet[Hearing]:
    """The user's hearings ahead in the next ``days`` days: scheduled, no outcome yet,
    in the organizations where they read people (an attorney's or case worker's list)."""
    now = now or timezone.now()
    return hearings_for(user).filter(
        status=HearingStatus.SCHEDULED,
        outcome="",
        scheduled_at__gte=now,
        scheduled_at__lt=now + dt.timedelta(days=days),
    )


def confirmed_contacts() -> QuerySet[ContactPoint]:
    """Contact points that may be used: the person consented and has not opted out.

    (The messaging issue may add a verified flag; until then consent is the confirmation.)
    """
    return ContactPoint.objects.filter(consent=True, opted_out=False)


def without_confirmed_contact(
    user: User | None, days: int | None = None, now: dt.datetime | None = None
) -> QuerySet[Hearing]:
    """Hearings ahead in the next ``days`` days (default ``MPPDESK_NO_CONTACT_DAYS``, 14)
    where nobody on the case has a confirmed contact point: no way to remind them."""
    days = days if days is not None else settings.MPPDESK_NO_CONTACT_DAYS
    reachable_member = CaseMember.objects.filter(
        case_id=OuterRef("case_id"),
        person__in=confirmed_contacts().values("person_id"),
    )
    return upcoming_for(user, days=days, now=now).filter(~Exists(reachable_member))


def follow_ups_for(user: User | None) -> QuerySet[InAbsentiaFollowUp]:
    return (
        InAbsentiaFollowUp.objects.visible_to(user)
        .select_related("hearing", "hearing__docket", "hearing__docket__venue", "hearing__case")
        .order_by("exceptional_circumstances_deadline", "id")
    )


def open_follow_ups(user: User | None) -> QuerySet[InAbsentiaFollowUp]:
    """Follow-ups still open (no motion filed yet), nearest deadline first."""
    return follow_ups_for(user).filter(status=FollowUpStatus.OPEN)


def get_follow_up(user: User | None, pk: Any) -> InAbsentiaFollowUp:
    follow_up: InAbsentiaFollowUp = get_visible_or_404(
        InAbsentiaFollowUp.objects.select_related("hearing"), user, pk
    )
    return follow_up


def get_follow_up_for_view(actor: User | None, pk: Any) -> InAbsentiaFollowUp:
    """One follow-up for its page (``Http404`` if not visible); records one view of it
    under its owning organization."""
    follow_up = get_follow_up(actor, pk)
    audit.record_view(
        actor=actor,
        obj=follow_up,
        object_type=ObjectType.IN_ABSENTIA_FOLLOW_UP,
        fields=FOLLOW_UP_FIELDS,
    )
    return follow_up


def get_follow_up_for_update(user: User | None, pk: Any) -> InAbsentiaFollowUp:
    """The follow-up if ``user`` may change it (``person.write`` in the owning
    organization); 404 if not visible, 403 if only shared."""
    follow_up: InAbsentiaFollowUp = require_owner_write(user, get_follow_up(user, pk))
    return follow_up


def follow_ups_shown(
    actor: User | None, follow_ups: Sequence[InAbsentiaFollowUp]
) -> list[InAbsentiaFollowUp]:
    """A page of follow-ups as shown (web list, API list): records one view of each under
    its owning organization, the same entries on every channel; returns them."""
    _record_views(actor, follow_ups, ObjectType.IN_ABSENTIA_FOLLOW_UP, FOLLOW_UP_LIST_FIELDS)
    return list(follow_ups)


def notices_for_view(actor: User | None, hearing: Hearing) -> list[Notice]:
    """The notices of an already visible hearing, oldest first; records one view of each
    under the hearing's owning organization."""
    notices = list(notices_of(hearing))
    if notices:
        audit.record_many(
            actor=actor,
            organization=hearing.organization,
            action=AuditAction.VIEW,
            object_type=ObjectType.NOTICE,
            object_ids=[n.pk for n in notices],
            fields=NOTICE_VIEW_FIELDS,
        )
    return notices


def export_notice_pdf(
    actor: User | None, hearing_pk: Any, notice_pk: Any, language: str | None = None
) -> tuple[Hearing, Notice, bytes]:
    """A hearing's printed notice as a PDF in ``language`` (default and fallback: the
    notice's own); records one "export" of the notice under the hearing's owning
    organization. ``Http404`` if not visible; ``notices.NoticeUnavailable`` (nothing
    recorded) when it cannot be printed."""
    from mppdesk.hearings import notices as notice_pdf
    from mppdesk.hearings.pdf.texts import NOTICE_LANGUAGES

    hearing = get_hearing(actor, hearing_pk)
    notice = get_notice(hearing, notice_pk)
    notice.hearing = hearing  # already loaded with its docket, venue, port and case
    if language not in NOTICE_LANGUAGES:
        language = notice.language
    pdf = notice_pdf.render_notice_pdf(notice, language)
    audit.record(
        actor=actor,
        organization=hearing.organization,
        action=AuditAction.EXPORT,
        object_type=ObjectType.NOTICE,
        object_id=notice.pk,
        fields=NOTICE_PDF_FIELDS,
    )
    return hearing, notice, pdf


def notices_of(hearing: Hearing) -> QuerySet[Notice]:
    """The notices of one (already visible) hearing, oldest first."""
    return Notice.objects.filter(hearing=hearing).select_related("served_by", "recorded_by")


def get_notice(hearing: Hearing, pk: Any) -> Notice:
    notice = notices_of(hearing).filter(pk=pk).first() if _is_uuid(pk) else None
    if notice is None:
        raise Http404
    return notice


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- cases waiting for a hearing ----------------------------------------------------------


def pending_cases(user: User | None = None) -> QuerySet[Case]:
    """Cases in proceedings (intake or active) with no hearing ahead: what the scheduler
    places. ``user=None`` is every organization (the system scheduler); otherwise the
    cases ``user`` may schedule (``schedulable_org_ids``)."""
    open_hearing = Hearing.objects.filter(
        case_id=OuterRef("pk"), status=HearingStatus.SCHEDULED, outcome=""
    )
    cases = Case.objects.filter(status__in=[CaseStatus.INTAKE, CaseStatus.ACTIVE]).filter(
        ~Exists(open_hearing)
    )
    if user is not None:
        cases = cases.filter(organization_id__in=schedulable_org_ids(user))
    return cases.order_by("opened_on", "created_at", "id")

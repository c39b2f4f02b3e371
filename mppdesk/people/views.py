"""Web pages for the registry: people, their contact points and households.

Reads go through ``people.queries`` / ``cases.queries`` (another organization's record
is a 404, like a missing one); writes go through the services, whose ``FieldErrors``
are shown next to the form fields. Pages that show personal data are marked
``never_cache`` so a shared phone or proxy does not keep a copy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mppdesk.accounts.permissions import Action
from mppdesk.cases import queries as case_queries
from mppdesk.cases import services as case_services
from mppdesk.cases.models import Case, CaseEvent, CaseMember, CaseStatus, ProgramVersion
from mppdesk.core.access import active_membership
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.core.pagination import CappedPaginator
from mppdesk.core.sorting import Sort
from mppdesk.people import queries, services
from mppdesk.people.forms import ContactPointForm, FamilyMemberForm, PersonCreateForm, PersonForm
from mppdesk.people.models import Person, Relationship
from mppdesk.web.access import requires
from mppdesk.web.request import current_user, export_response, htmx_target

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

PAGE_SIZE = 25
MAX_QUERY = 100
TIMELINE_ON_PERSON_PAGE = 10


def current_organization(request: HttpRequest) -> Organization:
    """The organization new records belong to; a user without one may not create any."""
    membership = active_membership(current_user(request))
    if membership is None or not queries.may_edit(
        current_user(request), membership.organization_id
    ):
        raise PermissionDenied
    return membership.organization


# --- list and search -------------------------------------------------------------------


@dataclass
class PeopleSelection:
    """What the people list shows, from the request: the search, the filter, the order."""

    people: QuerySet[Person]
    q: str
    mine: bool
    sort: Sort
    search_error: str
    #: Some of ``people`` that are cheap to count (``queries.Found.sample``), or None.
    sample: QuerySet[Person] | None = None

    def at_least(self, count: int) -> bool:
        return queries.Found(self.people, self.sample).at_least(count)


def _people_selection(request: HttpRequest) -> PeopleSelection:
    user = current_user(request)
    # Searches arrive by POST only: search words are personal data and must stay out of URLs.
    source = request.POST if request.method == "POST" else request.GET
    q = (request.POST.get("q") or "").strip()[:MAX_QUERY] if request.method == "POST" else ""
    search_error = ""
    try:
        found = queries.find_people(user, q)
    except FieldErrors as exc:
        # Too short to narrow anything: say so instead of listing the whole scope.
        search_error = " ".join(exc.errors.get("q", []))
        found = queries.Found(queries.people_for(user).none())
    sample = found.sample
    people = found.people
    mine = source.get("mine") == "1"
    if mine:
        from mppdesk.casework.queries import mine_filter

        my_cases = case_queries.cases_for(user).filter(mine_filter(user))
        on_my_cases = Q(pk__in=CaseMember.objects.filter(case__in=my_cases).values("person_id"))
        people = people.filter(on_my_cases)
        sample = None if sample is None else sample.filter(on_my_cases)
    # The sort key is no personal data: it is in the URL even for a POSTed search.
    sort = queries.PEOPLE_SORTING.parse(request.GET.get("sort"))
    people = queries.PEOPLE_SORTING.apply(people, sort)
    return PeopleSelection(people, q, mine, sort, search_error, sample)


@requires(Action.PERSON_READ)
def person_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    selection = _people_selection(request)
    source = request.POST if request.method == "POST" else request.GET
    # A row shows each case's A-number only: nothing else of the case is read or decrypted.
    # (The export reads its people's cases itself: queries.export_people.)
    visible_memberships = (
        CaseMember.objects.filter(case__in=case_queries.cases_for(user))
        .select_related("case")
        .only("case", "person", "case__a_number")
    )
    people = selection.people.only(*queries.PERSON_ROW_FIELDS).prefetch_related(
        Prefetch(
            "case_memberships", queryset=visible_memberships, to_attr="visible_case_memberships"
        )
    )
    page = CappedPaginator(people, PAGE_SIZE, at_least=selection.at_least).get_page(
        source.get("page")
    )
    # The names shown are on record, like a page of the API's list.
    queries.record_people_listed(user, page.object_list)
    context = {
        "q": selection.q,
        "page": page,
        "mine": selection.mine,
        "search_error": selection.search_error,
        "sort": selection.sort,
        "sorting": queries.PEOPLE_SORTING,
    }
    # The live search swaps only the results table; a plain GET renders the whole page.
    template = "people/_results.html" if htmx_target(request) == "results" else "people/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@requires(Action.LIST_EXPORT)
@require_POST
def person_export(request: HttpRequest) -> HttpResponse:
    """The people list as CSV: the same search (POSTed, never in the URL), filter and
    sort as the page, every person of the user's own organizations up to the cap."""
    selection = _people_selection(request)
    if selection.search_error:
        messages.error(request, selection.search_error)
        return redirect("people:list")
    return export_response(
        request,
        lambda: queries.export_people(current_user(request), selection.people),
        reverse("people:list"),
    )


# --- person page -----------------------------------------------------------------------


#: A person named on the person page (household, members of a case): ``person__`` and the
#: fields of ``queries.PERSON_NAME_FIELDS``.
_PERSON_NAME = tuple(f"person__{name}" for name in queries.PERSON_NAME_FIELDS)
#: What a timeline row shows of a case event (cases/_timeline.html): the actor's user name,
#: not the rest of the account (its password hash, e-mail, dates).
TIMELINE_EVENT_FIELDS = (
    "case", "kind", "occurred_at", "summary", "data", "actor", "actor__username",
)  # fmt: skip


def case_timeline(events: list[CaseEvent], names: dict[str, str]) -> list[dict[str, Any]]:
    """Timeline rows for templates; a member added is named only if the viewer sees the case."""

    def status_label(value: Any) -> str:
        try:
            return str(CaseStatus(value).label)
        except ValueError:
            return str(value)

    rows = []
    for event in events:
        data = event.data or {}
        detail = ""
        if event.kind == CaseEvent.Kind.STATUS_CHANGED:
            detail = f"{status_label(data.get('from'))} → {status_label(data.get('to'))}"
        elif event.kind == CaseEvent.Kind.MEMBER_ADDED:
            detail = names.get(str(data.get("person")), "")
        elif event.kind == CaseEvent.Kind.UPDATED:
            labels = []
            for name in data.get("fields", []):
                try:
                    field = Case._meta.get_field(name)
                except FieldDoesNotExist:  # an old event may name a field since renamed
                    field = None
                labels.append(str(getattr(field, "verbose_name", name)))
            detail = ", ".join(labels)
        elif event.kind == CaseEvent.Kind.HEARING:
            from mppdesk.hearings.display import case_event_detail

            detail = case_event_detail(data)
        rows.append({"event": event, "detail": detail, "person_id": data.get("person")})
    return rows


@functools.lru_cache(maxsize=8)
def blank_contact_fields(language: str | None) -> str:
    """The person page's "Add a contact point" fields, blank: the same HTML on every
    person's page in a language (``language``, the active one, is the cache's key), so
    rendered once per language in a process. Rendering the form's three widgets was
    about 2 ms, a twentieth of a person page's Python (docs/benchmarks.md)."""
    return render_to_string("people/_contact_point_fields.html", {"form": ContactPointForm()})


@requires(Action.PERSON_READ)
def person_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    # A page view of personal data is on record, like an API read.
    person = queries.get_person_for_view(user, pk)
    household = queries.household_of(person)
    if household is not None and not queries.households_for(user).filter(pk=household.pk).exists():
        household = None  # shared by referral: the household stays with its owner
    membership = getattr(person, "household_membership", None)
    members = (
        list(
            household.members.select_related("person")
            .only("household", "person", "relationship", *_PERSON_NAME)
            .order_by("id")
        )
        if household
        else []
    )
    cases = list(
        case_queries.cases_of(person).prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor")
                .only(*TIMELINE_EVENT_FIELDS)
                .order_by("-occurred_at", "-id")[:TIMELINE_ON_PERSON_PAGE],
                to_attr="recent_events",
            ),
            # For the names of members added (case_timeline): their names only.
            Prefetch(
                "members",
                queryset=CaseMember.objects.select_related("person").only(
                    "case", "person", *_PERSON_NAME
                ),
            ),
        )
    )
    for case in cases:
        names = {str(m.person_id): m.person.full_name for m in case.members.all()}
        case.timeline = case_timeline(case.recent_events, names)  # type: ignore[attr-defined]
    duplicates = queries.possible_duplicates(person).filter(
        pk__in=queries.people_for(user).values("pk")
    )
    context = {
        "person": person,
        "age": person.age_on(utc_today()),
        "languages": list(person.languages.all()),
        "contacts": list(person.contact_points.all()),
        "household": household,
        "household_membership": membership,
        "members": members,
        "cases": cases,
        "duplicates": list(duplicates[:10]),
        "can_add_family": membership is None or membership.relationship == Relationship.LEAD,
        "can_edit": queries.may_edit(user, person.organization_id),
        "contact_fields": blank_contact_fields(get_language()),
    }
    return render(request, "people/detail.html", context)


# --- create and edit -------------------------------------------------------------------


def _create_person_and_case(
    form: PersonCreateForm, user: User, organization: Organization
) -> Person:
    """Create the person and (optionally) their case in one transaction.

    Both sets of field errors are collected before anything is kept, so a bad A-number
    does not leave a person behind and the user sees every problem at once.
    """
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        person: Person | None = None
        try:
            person = services.create_person(
                actor=user,
                organization=organization,
                data=form.person_data(),
                contacts=form.contacts(),
            )
        except FieldErrors as exc:
            errors.update(exc.errors)
        if form.wants_case():
            data = form.cleaned_data
            try:
                if person is None:
                    case_services.clean_anumber(data.get("a_number") or "")
                else:
                    case_services.open_case(
                        actor=user,
                        organization=organization,
                        a_number=data.get("a_number") or "",
                        lead=person,
                        venue=data.get("venue"),
                        port=data.get("port"),
                        program_version=data.get("program_version") or ProgramVersion.CURRENT,
                    )
            except FieldErrors as exc:
                for name, messages_ in exc.errors.items():
                    errors.setdefault(name, []).extend(messages_)
        if errors or person is None:
            # Raising inside ``atomic`` rolls back the person if only the case failed.
            raise FieldErrors(errors)
        return person


@requires(Action.PERSON_WRITE)
def person_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    organization = current_organization(request)
    if request.method == "POST":
        form = PersonCreateForm(request.POST)
        if form.is_valid():
            try:
                person = _create_person_and_case(form, user, organization)
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors, form.error_aliases)
            else:
                messages.success(request, _("Person registered."))
                return redirect("people:detail", pk=person.pk)
    else:
        form = PersonCreateForm()
    return render(request, "people/form.html", {"form": form, "creating": True})


@requires(Action.PERSON_WRITE)
def person_edit(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = queries.get_person_for_update(user, pk)
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                services.update_person(actor=user, person=person, data=form.person_data())
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors, form.error_aliases)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("people:detail", pk=person.pk)
    else:
        form = PersonForm(initial=PersonForm.initial_for(person))
    return render(request, "people/form.html", {"form": form, "person": person, "creating": False})


@requires(Action.PERSON_WRITE)
def family_member_create(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Register a relative of the lead respondent ``pk`` (household and case follow)."""
    user = current_user(request)
    lead = queries.get_person_for_update(user, pk)
    if request.method == "POST":
        form = FamilyMemberForm(request.POST)
        if form.is_valid():
            # A new household takes the border city of the lead's case, if it has one.
            port = next((case.port for case in case_queries.cases_of(lead) if case.port_id), None)
            try:
                services.create_family_member(
                    actor=user,
                    lead=lead,
                    relationship=form.cleaned_data.get("relationship") or "",
                    data=form.person_data(),
                    contacts=form.contacts(),
                    port=port,
                )
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors, form.error_aliases)
            else:
                messages.success(request, _("Family member added."))
                return redirect("people:detail", pk=lead.pk)
    else:
        form = FamilyMemberForm()
    return render(request, "people/family_form.html", {"form": form, "lead": lead})


# --- contact points --------------------------------------------------------------------


@requires(Action.PERSON_WRITE)
def contact_create(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = queries.get_person_for_update(user, pk)
    if request.method == "POST":
        form = ContactPointForm(request.POST)
        if form.is_valid():
            try:
                services.add_contact_point(
                    actor=user,
                    person=person,
                    kind=form.cleaned_data["kind"],
                    value=form.cleaned_data.get("value") or "",
                    consent=bool(form.cleaned_data.get("consent")),
                )
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors)
            else:
                messages.success(request, _("Contact point added."))
                return redirect("people:detail", pk=person.pk)
    else:
        form = ContactPointForm()
    return render(request, "people/contact_form.html", {"form": form, "person": person})


def _posted_flag(request: HttpRequest, name: str) -> bool | None:
    value = request.POST.get(name)
    if value is None:
        return None
    return value in {"1", "true", "on"}


@require_POST
@requires(Action.PERSON_WRITE)
def contact_preferences(request: HttpRequest, pk: UUID, contact_id: int) -> HttpResponse:
    """Record consent or an opt-out; htmx swaps the one contact row."""
    user = current_user(request)
    person = queries.get_person_for_update(user, pk)
    contact = get_object_or_404(person.contact_points.all(), pk=contact_id)
    services.set_contact_preferences(
        actor=user,
        contact=contact,
        consent=_posted_flag(request, "consent"),
        opted_out=_posted_flag(request, "opted_out"),
    )
    if htmx_target(request):
        return render(request, "people/_contact.html", {"person": person, "contact": contact})
    messages.success(request, _("Contact preferences saved."))
    return HttpResponseRedirect(person_url(person))


def person_url(person: Person) -> str:
    return reverse("people:detail", kwargs={"pk": person.pk})


# --- households ------------------------------------------------------------------------


@requires(Action.PERSON_READ)
def household_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    household = queries.get_household_for_view(user, pk)
    members = list(household.members.select_related("person").order_by("id"))
    # Lead first, then in the order people were added.
    members.sort(key=lambda m: m.relationship != Relationship.LEAD)
    cases = list(case_queries.cases_of(household.lead)) if household.lead else []
    return render(
        request,
        "people/household.html",
        {"household": household, "members": members, "cases": cases},
    )

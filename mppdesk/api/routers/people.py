"""People: the registry of respondents and family members, with languages and contacts."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from mppdesk.api.schemas import (
    ContactIn,
    ContactKind,
    ContactOut,
    ContactUpdateIn,
    LanguageOut,
    PersonCreateIn,
    PersonFilters,
    PersonOut,
    PersonPage,
    PersonSearchIn,
    PersonUpdateIn,
)
from mppdesk.core.errors import FieldErrors
from mppdesk.lib.countries import CountryError, normalize_country
from mppdesk.people import queries, services
from mppdesk.people.models import ContactPoint, Person, Sex

router = Router()


def _with_relations(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.select_related("household_membership__household").prefetch_related(
        "languages", "contact_points", "case_memberships"
    )


def _load(request: HttpRequest, person_id: uuid.UUID) -> Person:
    person: Person = common.check_token_scope(
        request, queries.get_person(common.actor(request), person_id)
    )
    return person


def _load_for_update(request: HttpRequest, person_id: uuid.UUID) -> Person:
    """Like ``_load``, but only a record the token's organization owns (shared: 403)."""
    return common.check_token_owner(request, _load(request, person_id))


def person_out(person: Person) -> PersonOut:
    household = queries.household_of(person)
    return PersonOut(
        id=person.id,
        given_names=person.given_names,
        family_names=person.family_names,
        other_names=list(person.other_names or []),
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        sex=Sex(person.sex),
        nationality=person.nationality,
        languages=[
            LanguageOut(
                code=lang.code, preferred=lang.preferred, needs_interpreter=lang.needs_interpreter
            )
            for lang in person.languages.all()
        ],
        vulnerabilities=list(person.vulnerabilities or []),
        contact_points=[contact_out(c) for c in person.contact_points.all()],
        household_id=household.pk if household else None,
        case_ids=sorted({m.case_id for m in person.case_memberships.all()}, key=str),
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


def contact_out(contact: ContactPoint) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        kind=cast(ContactKind, contact.kind),
        value=contact.value,
        consent=contact.consent,
        opted_out=contact.opted_out,
    )


def _current_record(person: Person) -> dict[str, Any]:
    """The person's registry fields as raw input, so a PATCH can be applied as a full record."""
    return {
        "given_names": person.given_names,
        "family_names": person.family_names,
        "other_names": list(person.other_names or []),
        "birth_date": person.birth_display or None,
        "sex": person.sex,
        "nationality": person.nationality,
        "languages": [
            {
                "code": lang.code,
                "preferred": lang.preferred,
                "needs_interpreter": lang.needs_interpreter,
            }
            for lang in person.languages.all()
        ],
        "vulnerabilities": list(person.vulnerabilities or []),
        "notes": person.notes,
    }


def _page_of_people(
    request: HttpRequest,
    people: QuerySet[Person],
    filters: PersonFilters | PersonSearchIn,
) -> PersonPage:
    """Scope ``people`` to the token, apply the non-personal filters and record the views."""
    people = common.in_token_scope(request, people)
    if filters.nationality:
        try:
            people = people.filter(nationality=normalize_country(filters.nationality))
        except CountryError as exc:
            raise FieldErrors({"nationality": [str(exc)]}) from exc
    if filters.has_case is not None:
        people = people.filter(case_memberships__isnull=not filters.has_case)
    people = _with_relations(people.distinct().order_by("-created_at", "id"))
    count, items = common.page(people, filters)
    queries.record_people_listed(common.actor(request), items)
    return PersonPage(**common.page_meta(count, filters), items=[person_out(p) for p in items])


@router.get("", auth=role(Action.PERSON_READ), response={200: PersonPage, **LIST_ERRORS})
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> PersonPage:
    """List the people of the token's organization, a page at a time.

    Only filters that identify nobody are accepted here; to find someone by name,
    A-number or phone number use `POST /people/search`. Each person returned is recorded
    in the audit log as viewed.
    """
    return _page_of_people(request, queries.people_for(common.actor(request)), filters)


# Declared before the "/{person_id}" routes: Django tries the URL patterns in order, and
# "search" would otherwise be taken for a person id.
@router.post("/search", auth=role(Action.PERSON_READ), response={200: PersonPage, **LIST_ERRORS})
def search_people(request: HttpRequest, payload: PersonSearchIn) -> PersonPage:
    """Find people of the token's organization by name, A-number or phone number.

    A search is a POST with the terms in the JSON body, not a GET with query parameters,
    because URLs end up in server access logs, proxy logs and browser history, and
    names, A-numbers and phone numbers are personal data that must never appear there.

    `q` searches like the web interface: every word of a name (accents ignored; a whole
    word, or its first 3 letters or more), an A-number in any notation (whole, or its
    first 4 to 7 digits), or an exact phone number. A query too short to narrow anything
    (only words of 1-2 letters, fewer than 4 digits) is a 422 on `q`. `nationality` and
    `has_case` narrow the results as on the list. Each person returned is recorded in
    the audit log as viewed; the search terms are not recorded.
    """
    people = queries.search_people(common.actor(request), payload.q)
    return _page_of_people(request, people, payload)


@router.get("/{person_id}", auth=role(Action.PERSON_READ), response={200: PersonOut, **READ_ERRORS})
def get_person(request: HttpRequest, person_id: uuid.UUID) -> PersonOut:
    """One person, with languages, contact points, household and cases.

    The read is recorded in the audit log. A person of another organization is a 404,
    exactly like a missing one.
    """
    person = queries.get_person_for_view(
        common.actor(request), person_id, within=lambda p: common.check_token_scope(request, p)
    )
    return person_out(person)


@router.post("", auth=role(Action.PERSON_WRITE), response={201: PersonOut, **CREATE_ERRORS})
def create_person(request: HttpRequest, payload: PersonCreateIn) -> Status[PersonOut]:
    """Register a person owned by the token's organization, with contact points.

    Names, date of birth, nationality, languages and phone numbers are validated as in
    the web form; each problem is reported under its field (`contacts[0].value`).
    """
    data = payload.model_dump(mode="json", exclude={"contacts"})
    contacts = [c.model_dump(mode="json") for c in payload.contacts]
    person = services.create_person(
        actor=common.actor(request),
        organization=common.organization(request),
        data=data,
        contacts=contacts,
    )
    return Status(201, person_out(_load(request, person.pk)))


@router.patch(
    "/{person_id}", auth=role(Action.PERSON_WRITE), response={200: PersonOut, **WRITE_ERRORS}
)
def update_person(request: HttpRequest, person_id: uuid.UUID, payload: PersonUpdateIn) -> PersonOut:
    """Change the fields sent; the others keep their values."""
    person = _load_for_update(request, person_id)
    data = _current_record(person) | payload.model_dump(mode="json", exclude_unset=True)
    services.update_person(actor=common.actor(request), person=person, data=data)
    return person_out(_load(request, person_id))


@router.post(
    "/{person_id}/contacts",
    auth=role(Action.PERSON_WRITE),
    response={201: ContactOut, **WRITE_ERRORS},
)
def add_contact(
    request: HttpRequest, person_id: uuid.UUID, payload: ContactIn
) -> Status[ContactOut]:
    """Add a phone number, WhatsApp number or e-mail address to a person."""
    person = _load_for_update(request, person_id)
    contact = services.add_contact_point(
        actor=common.actor(request),
        person=person,
        kind=payload.kind,
        value=payload.value,
        consent=payload.consent,
    )
    return Status(201, contact_out(contact))


@router.patch(
    "/{person_id}/contacts/{contact_id}",
    auth=role(Action.PERSON_WRITE),
    response={200: ContactOut, **WRITE_ERRORS},
)
def update_contact(
    request: HttpRequest, person_id: uuid.UUID, contact_id: int, payload: ContactUpdateIn
) -> ContactOut:
    """Record consent to be contacted, or an opt-out, for one contact point."""
    person = _load_for_update(request, person_id)
    contact = person.contact_points.filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    contact = services.set_contact_preferences(
        actor=common.actor(request),
        contact=contact,
        consent=payload.consent,
        opted_out=payload.opted_out,
    )
    return contact_out(contact)

"""Helpers shared by the routers: the token's scope, pagination and reference lookups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from mppdesk.api.schemas import PageQuery
from mppdesk.people import queries as people_queries
from mppdesk.people.validation import FieldErrors
from mppdesk.places.models import Port, Venue

if TYPE_CHECKING:
    from mppdesk.accounts.models import ApiToken, Organization, User
    from mppdesk.people.models import Person

M = TypeVar("M", bound=Model)


def token(request: HttpRequest) -> ApiToken:
    return request.api_token  # type: ignore[attr-defined]


def actor(request: HttpRequest) -> User:
    return token(request).user


def organization(request: HttpRequest) -> Organization:
    """The organization the token acts for: owner of what it creates, scope of what it reads."""
    return token(request).organization


def in_token_scope(request: HttpRequest, queryset: QuerySet[M]) -> QuerySet[M]:
    """Narrow an already user-scoped queryset to the token's organization.

    The queries scope to every organization of the user; a token is issued for one of them,
    so a token for one organization never reads another's records.
    """
    return queryset.filter(organization_id=token(request).organization_id)


def check_token_scope(request: HttpRequest, obj: M) -> M:
    """``Http404`` (the same as missing) if ``obj`` belongs to another organization."""
    if obj.organization_id != token(request).organization_id:  # type: ignore[attr-defined]
        raise Http404
    return obj


def page(queryset: QuerySet[M], query: PageQuery) -> tuple[int, list[M]]:
    """Total count and one page of ``queryset`` (which must have a total ordering)."""
    return queryset.count(), list(queryset[query.offset : query.offset + query.limit])


def page_meta(count: int, query: PageQuery) -> dict[str, Any]:
    return {"count": count, "limit": query.limit, "offset": query.offset}


def referenced_person(request: HttpRequest, pk: Any, field: str) -> Person:
    """A person named in a request body; unknown and not visible are the same field error."""
    try:
        person: Person = check_token_scope(request, people_queries.get_person(actor(request), pk))
    except Http404 as exc:
        raise FieldErrors({field: ["No such person."]}) from exc
    return person


def port_by_code(code: str | None, field: str = "port") -> Port | None:
    if code is None:
        return None
    port = Port.objects.filter(code=code).first()
    if port is None:
        raise FieldErrors({field: [f"Unknown port of entry code {code!r}."]})
    return port


def venue_by_code(code: str | None, field: str = "venue") -> Venue | None:
    if code is None:
        return None
    venue = Venue.objects.filter(code=code).first()
    if venue is None:
        raise FieldErrors({field: [f"Unknown hearing venue code {code!r}."]})
    return venue

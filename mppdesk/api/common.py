"""Helpers shared by the routers: the token's scope, pagination and reference lookups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from ninja.errors import HttpError

from mppdesk.api.schemas import PageQuery
from mppdesk.core.errors import FieldErrors
from mppdesk.core.models import owned_or_shared_scope
from mppdesk.people import queries as people_queries
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


def _token_org_scope(request: HttpRequest, model: type[Model]) -> Q:
    return owned_or_shared_scope(model, [token(request).organization_id])


def in_token_scope(request: HttpRequest, queryset: QuerySet[M]) -> QuerySet[M]:
    """Narrow an already user-scoped queryset to the token's organization.

    The queries scope to every organization of the user; a token is issued for one of them,
    so a token for one organization never reads another's records — except those shared
    with its organization through an accepted referral.
    """
    return queryset.filter(_token_org_scope(request, queryset.model))


def check_token_scope(request: HttpRequest, obj: M) -> M:
    """``Http404`` (the same as missing) if ``obj`` is neither the token organization's
    nor shared with it."""
    if obj.organization_id == token(request).organization_id:  # type: ignore[attr-defined]
        return obj
    model = type(obj)
    if not model._default_manager.filter(_token_org_scope(request, model), pk=obj.pk).exists():
        raise Http404
    return obj


def check_token_owner(request: HttpRequest, obj: M) -> M:
    """``obj`` if the token's organization owns it: records shared with it by a referral
    are read-only (403); others are 404, the same as missing."""
    check_token_scope(request, obj)
    if obj.organization_id != token(request).organization_id:  # type: ignore[attr-defined]
        raise HttpError(403, "Records shared with your organization are read-only.")
    return obj


def page(queryset: QuerySet[M], query: PageQuery) -> tuple[int, list[M]]:
    """Total count and one page of ``queryset`` (which must have a total ordering)."""
    return queryset.count(), list(queryset[query.offset : query.offset + query.limit])


def page_meta(count: int, query: PageQuery) -> dict[str, Any]:
    return {"count": count, "limit": query.limit, "offset": query.offset}


def referenced_person(request: HttpRequest, pk: Any, field: str) -> Person:
    """A person named in a request body, owned by the token's organization; unknown, not
    visible and only shared are the same field error."""
    try:
        person: Person = check_token_scope(request, people_queries.get_person(actor(request), pk))
    except Http404 as exc:
        raise FieldErrors({field: ["No such person."]}) from exc
    if person.organization_id != token(request).organization_id:
        raise FieldErrors({field: ["This person is shared with your organization: read-only."]})
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

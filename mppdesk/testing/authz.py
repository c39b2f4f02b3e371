"""Helpers of the authorization-matrix test (``web/tests/test_authorization_matrix.py``).

``url_patterns()`` lists every URL pattern the project serves, walked from the root
resolver (included apps, the admin site and the API's Django patterns too), so that a view
added later is found without anyone remembering to list it. ``api_operations()`` maps each
API pattern to the django-ninja operations it dispatches to, with the role action of each
(``api.auth.role``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from ninja.operation import Operation, PathView

from mppdesk.accounts.permissions import Action

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^()]*\)")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern, with the resolvers that lead to it."""

    levels: tuple[URLResolver | URLPattern, ...]
    namespace: str | None

    @property
    def leaf(self) -> URLPattern:
        leaf = self.levels[-1]
        assert isinstance(leaf, URLPattern)  # noqa: S101 - built that way by url_patterns()
        return leaf

    @property
    def route(self) -> str:
        """The route as Django's ``ResolverMatch.route`` spells it."""
        route = ""
        for level in self.levels:
            part = str(level.pattern)
            route = route + part.removeprefix("^") if route else part
        return route

    @property
    def name(self) -> str | None:
        """The qualified name (``people:detail``), or ``None`` for an unnamed pattern."""
        if self.leaf.name is None:
            return None
        return f"{self.namespace}:{self.leaf.name}" if self.namespace else self.leaf.name

    @property
    def key(self) -> str:
        """How the test names the pattern: its qualified name, else its route."""
        return self.name or self.route

    @property
    def callback(self) -> Callable[..., Any]:
        return self.leaf.callback

    @property
    def view(self) -> str:
        callback = self.callback
        return f"{callback.__module__}.{getattr(callback, '__qualname__', repr(callback))}"

    @property
    def params(self) -> list[str]:
        """The names of the URL's parameters (path converters and regex groups)."""
        names: list[str] = []
        for level in self.levels:
            pattern = level.pattern
            if isinstance(pattern, RoutePattern):
                names += [m["name"] for m in _ROUTE_PARAM.finditer(str(pattern))]
            elif isinstance(pattern, RegexPattern):
                names += list(pattern.regex.groupindex)
        return names

    def url(self, values: Mapping[str, object] | None = None) -> str:
        """A concrete path for this pattern, its parameters filled from ``values``.

        Raises ``ValueError`` if a parameter has no value, or if the path would not resolve
        to this very pattern (a value of the wrong kind, or a pattern shadowed by another).
        """
        values = dict(values or {})
        missing = [name for name in self.params if name not in values]
        if missing:
            raise ValueError(f"{self.key}: no value for {', '.join(missing)}")
        path = "/"
        for level in self.levels:
            pattern = level.pattern
            if isinstance(pattern, RoutePattern):
                path += _fill_route(pattern, values)
            else:
                text = _REGEX_GROUP.sub(lambda m: str(values[m["name"]]), str(pattern))
                text = text.removeprefix("^").removesuffix("$")
                if re.search(r"[()\[\]*+?\\|^$]", text):
                    raise ValueError(f"{self.key}: cannot fill the regex {pattern}")
                path += text
        match = resolve(path)
        if match.route != self.route:
            raise ValueError(f"{self.key}: {path} resolves to {match.route!r}, not to it")
        return path


def _fill_route(pattern: RoutePattern, values: Mapping[str, object]) -> str:
    converters = pattern.converters

    def one(match: re.Match[str]) -> str:
        return str(converters[match["name"]].to_url(values[match["name"]]))

    return _ROUTE_PARAM.sub(one, str(pattern))


def _walk(
    patterns: list[URLResolver | URLPattern],
    parents: tuple[URLResolver, ...],
    namespace: str | None,
) -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, (*parents, entry), inner)
        else:
            yield Pattern(levels=(*parents, entry), namespace=namespace)


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, in resolution order."""
    return list(_walk(get_resolver().url_patterns, (), None))


def path_view(pattern: Pattern) -> PathView | None:
    """The django-ninja ``PathView`` a pattern dispatches to, or ``None`` for other views.

    Ninja serves each path with a closure over its ``PathView``; reading the closure finds
    the operations as they run (with the API's default ``auth`` applied), which is what the
    test must check rather than what the routers were declared with.
    """
    callback = pattern.callback
    if not inspect.isfunction(callback):
        return None
    owner = inspect.getclosurevars(callback).nonlocals.get("self")
    return owner if isinstance(owner, PathView) else None


@dataclass(frozen=True)
class ApiOperation:
    """One method of one API path as served, with the actions its ``auth`` requires."""

    method: str
    openapi_path: str  # "/api/v1/people/{person_id}"
    operation: Operation

    @property
    def actions(self) -> list[Action | None]:
        """The ``action`` of each auth callback (``None`` for one without a role check)."""
        return [getattr(auth, "action", None) for auth in self.operation.auth_callbacks]

    @property
    def view(self) -> str:
        func = self.operation.view_func
        return f"{func.__module__}.{func.__qualname__}"


def openapi_path(route: str) -> str:
    """``api/v1/people/<person_id>`` → ``/api/v1/people/{person_id}`` (OpenAPI's spelling)."""
    return "/" + _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", route)


def api_operations(patterns: list[Pattern]) -> dict[tuple[str, str], ApiOperation]:
    """``{(METHOD, openapi path): operation}`` over every ninja pattern in ``patterns``."""
    found: dict[tuple[str, str], ApiOperation] = {}
    for pattern in patterns:
        view = path_view(pattern)
        if view is None:
            continue
        path = openapi_path(pattern.route)
        for operation in view.operations:
            for method in operation.methods:
                found[(method.upper(), path)] = ApiOperation(method.upper(), path, operation)
    return found

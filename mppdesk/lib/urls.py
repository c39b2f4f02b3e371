"""URL reversing that does Django's work once per view, not once per link.

``django.urls.reverse`` walks the namespaces, picks the pattern, converts and checks
each argument against the pattern's regular expression and quotes the result on every
call: about 30 µs here. A docket page of 40 hearings makes 120 such calls and the base
layout 29, so reversing cost about 15 % of a docket page's Python (docs/benchmarks.md).

:func:`reverse` reverses a view once for each *shape* (view name, argument names and
kinds, URL configuration, script prefix, language, current application) with two sets
of sample values, keeps the literal text around the places the values went, and then
builds each URL by putting the values' text in those places. It does so only for
arguments whose text in a URL is exactly their ``str()`` under Django's built-in
converters: a ``uuid.UUID`` and a non-negative ``int``. Anything else (a string, a
negative number, a custom converter that writes a value differently, a pattern that
does not accept the samples) goes to ``django.urls.reverse`` unchanged, errors included;
so does a route with a ``re_path`` or a converter of its own, which may refuse values the
samples passed, and a view name that more than one route carries or whose route adds
arguments of its own (Django picks among those by the values, not only by their kinds).

The ``url`` tag here replaces Django's in every template (``TEMPLATES`` ``builtins``):
it parses the same syntax and renders the same text.
"""

from __future__ import annotations

import re
import uuid
import weakref
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django import template
from django.template import defaulttags
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    resolve,
)
from django.urls import reverse as django_reverse
from django.urls.converters import IntConverter, UUIDConverter, get_converters
from django.utils.html import conditional_escape
from django.utils.translation import get_language

# A shape that cannot be built from samples: its links go to Django's reverse each time.
_BY_DJANGO = ("django",)
# A route's parameters, ``<converter:name>`` (as django.urls.resolvers reads them).
_PARAMETER = re.compile(r"<(?:([^>:]+):)?([^>]+)>")
# (literal pieces, index of the value that goes after each piece but the last)
Shape = tuple[tuple[str, ...], tuple[int, ...]]
_shapes: dict[tuple[Any, ...], Shape | tuple[str]] = {}
#: The shapes kept at most, then the cache starts again. The project needs a few thousand
#: (each view's shapes per language and per namespace of the page that links to it); only
#: a script prefix that changed with every request could ask for more.
MAX_SHAPES = 20_000
# How many routes carry each full view name ("namespace:name"), per URL configuration.
_names: weakref.WeakKeyDictionary[URLResolver, Counter[str]] = weakref.WeakKeyDictionary()


def _kind(value: object) -> type | None:
    """The kinds of value whose text in a URL is their ``str()``, or None."""
    kind = type(value)
    if kind is uuid.UUID or (kind is int and value >= 0):  # type: ignore[operator]
        return kind
    return None


def _sample(kind: type, position: int, which: int) -> object:
    """A value of ``kind``, different for each position and for each of the two sets, whose
    text is found nowhere else in a URL (16 digits; a UUID of a reserved variant)."""
    if kind is int:
        return 7_318_000_000_000_000 + 1000 * which + position
    return uuid.UUID(int=(0x5A17 << 112) | (which << 16) | position)


def _call(names: tuple[str, ...] | None, values: Sequence[object]) -> dict[str, Any]:
    if names is None:
        return {"args": list(values)}
    return {"kwargs": dict(zip(names, values, strict=True))}


def _fill(shape: Shape, values: Sequence[object]) -> str:
    pieces, order = shape
    parts = [pieces[0]]
    for index, piece in zip(order, pieces[1:], strict=True):
        parts.append(str(values[index]))
        parts.append(piece)
    return "".join(parts)


def _routes_named(resolver: URLResolver) -> Counter[str]:
    counts = _names.get(resolver)
    if counts is None:
        counts = Counter()

        def walk(node: URLResolver, space: str) -> None:
            for entry in node.url_patterns:
                if isinstance(entry, URLResolver):
                    walk(entry, f"{space}{entry.namespace}:" if entry.namespace else space)
                elif name := getattr(entry, "name", None):
                    counts[space + name] += 1

        walk(resolver, "")
        _names[resolver] = counts
    return counts


def _one_route_for_every_value(
    resolver: URLResolver, viewname: str, url: str, names: tuple[str, ...] | None, count: int
) -> bool:
    """Whether every value of the samples' kinds comes out as the samples did: ``url``
    resolves back to ``viewname``, the only route of that name, which adds no arguments of
    its own (Django would pick a route with defaults for the values equal to them), and
    takes each argument through Django's ``int`` or ``uuid`` converter, whose patterns
    accept every value of their kind. A ``re_path`` or another converter may refuse some
    values (or write them its own way), so its links are left to Django."""
    prefix = get_script_prefix()
    try:
        match = resolve("/" + url[len(prefix) :] if url.startswith(prefix) else url)
    except Resolver404:
        return False
    # extra_kwargs: the route's own arguments (django-stubs do not know the attribute yet).
    if match.view_name != viewname or getattr(match, "extra_kwargs", None):
        return False
    if _routes_named(resolver)[viewname] != 1:
        return False
    builtin = {"int": IntConverter, "uuid": UUIDConverter}
    converters = get_converters()
    found = _PARAMETER.findall(match.route)
    if len(found) != count or (names is not None and {p for _c, p in found} != set(names)):
        return False
    return all(
        kind in builtin and type(converters.get(kind)) is builtin[kind] for kind, _p in found
    )


def _build(
    resolver: URLResolver,
    viewname: str,
    names: tuple[str, ...] | None,
    kinds: tuple[type, ...],
    current_app: str | None,
) -> Shape | tuple[str]:
    samples = [[_sample(kind, i, which) for i, kind in enumerate(kinds)] for which in (0, 1)]
    try:
        first, second = (
            django_reverse(viewname, current_app=current_app, **_call(names, values))
            for values in samples
        )
    except Exception:  # noqa: BLE001 - Django's own call says what is wrong, each time
        return _BY_DJANGO
    if not _one_route_for_every_value(resolver, viewname, first, names, len(kinds)):
        return _BY_DJANGO
    places = []
    for index, value in enumerate(samples[0]):
        text = str(value)
        if first.count(text) != 1:
            return _BY_DJANGO  # the converter writes the value some other way
        places.append((first.index(text), index, len(text)))
    places.sort()
    pieces, start = [], 0
    for at, _index, length in places:
        pieces.append(first[start:at])
        start = at + length
    pieces.append(first[start:])
    shape: Shape = (tuple(pieces), tuple(index for _at, index, _length in places))
    # The second set must come out exactly as Django writes it, or the shape is not used.
    return shape if _fill(shape, samples[1]) == second else _BY_DJANGO


def reverse(
    viewname: str,
    args: Sequence[object] | None = None,
    kwargs: dict[str, object] | None = None,
    current_app: str | None = None,
) -> str:
    """``django.urls.reverse(viewname, args=..., kwargs=..., current_app=...)``, the same
    text or the same ``NoReverseMatch``, from the view's cached shape where it has one."""
    args = tuple(args or ())  # a generator is read once, here
    kwargs = kwargs or {}
    if (args and kwargs) or not isinstance(viewname, str):
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    names = tuple(kwargs) if kwargs else None
    values = tuple(kwargs.values()) if kwargs else args
    kinds = tuple(_kind(value) for value in values)
    if None in kinds:
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        # A new resolver (another ROOT_URLCONF) gets new shapes; the old one is not kept.
        weakref.ref(resolver := get_resolver(get_urlconf())),
        get_script_prefix(),
        get_language(),
        current_app,
        viewname,
        names,
        kinds,
    )
    shape = _shapes.get(key)
    if shape is None:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        shape = _shapes[key] = _build(resolver, viewname, names, kinds, current_app)  # type: ignore[arg-type]
    if shape is _BY_DJANGO:
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _fill(shape, values)  # type: ignore[arg-type]


register = template.Library()


class URLNode(defaulttags.URLNode):
    """Django's ``{% url %}`` node, reversing through :func:`reverse`."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    """``{% url %}`` with Django's syntax (``defaulttags.url`` parses it)."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)

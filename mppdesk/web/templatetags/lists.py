"""Sortable column headers for list pages (``core.sorting``).

``{% sort_header sort "created" %}`` renders the ``<th>`` of that column: a link that
sorts by it (or reverses the order when it is the current column), an arrow and
``aria-sort`` on the current column. The link keeps the page's other query parameters
(filters) and drops ``page``: a new order starts at the first page.

A list whose search words are POSTed (the people list) passes ``form="<form id>"``: the
header is then a submit button of that form whose ``formaction`` carries the sort, so
the search words are sent again in the body and never enter the URL.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def sort_query(request: Any, value: str) -> str:
    """The request's query string with ``sort=value`` and without ``page``."""
    params = request.GET.copy() if request is not None else None
    if params is None:
        from django.http import QueryDict

        params = QueryDict(mutable=True)
    params["sort"] = value
    params.pop("page", None)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_header(context: Any, sort: Any, key: str, form: str = "", css: str = "") -> str:
    """The ``<th>`` of the column ``key`` of a list sorted by ``sort`` (a ``core.sorting
    .Sort``; its ``column`` tells the current one and the label comes from the list's
    ``Sorting``, found as ``sorting`` in the context)."""
    sorting = context["sorting"]
    column = sorting.by_key[key]
    current = sort.key == key
    value = sort.toggled() if current else key
    arrow = ""
    aria = ""
    if current:
        aria = "descending" if sort.descending else "ascending"
        arrow = "↓" if sort.descending else "↑"
    hint = _("Sort by %(column)s") % {"column": column.label}
    request = context.get("request")
    query = sort_query(request, value)
    if form:
        path = request.path if request is not None else ""
        control = format_html(
            '<button type="submit" class="link sort" form="{}" formaction="{}?{}" title="{}">'
            '{} <span aria-hidden="true">{}</span></button>',
            form, path, query, hint, column.label, arrow,
        )  # fmt: skip
    else:
        control = format_html(
            '<a class="sort" href="?{}" title="{}">{} <span aria-hidden="true">{}</span></a>',
            query, hint, column.label, arrow,
        )  # fmt: skip
    if aria:
        return format_html('<th class="{}" aria-sort="{}">{}</th>', css, aria, control)
    return format_html('<th class="{}">{}</th>', css, control)


@register.simple_tag(takes_context=True)
def keep_query(context: Any, **changes: Any) -> str:
    """The request's query string with ``changes`` (``None`` removes a key), for
    pagination and export links that must keep the filters and the sort."""
    request = context.get("request")
    from django.http import QueryDict

    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = str(value)
    return params.urlencode()

"""Django's PostgreSQL backend, with parameters bound by the server.

With ``server_side_binding`` psycopg sends a statement's values apart from its text, so
PostgreSQL can keep the statement prepared and stop planning it on every run
(``prepare_threshold``). The protocol counts a statement's values in 16 bits, though, and
Django does not split an ``__in`` list or a ``bulk_update`` on PostgreSQL (a
``bulk_create`` sends one array per column): a statement with more values than that is
sent the way Django sends every statement by default, its values quoted into the SQL by
psycopg's client-side binding, and is not prepared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import psycopg
from django.db.backends.postgresql import base

#: The most values one statement may carry to the server (a 16-bit count).
MAX_BOUND_PARAMS = 65535


if TYPE_CHECKING:  # Django's class is defined where psycopg 3 is installed: it is here.
    _ServerBindingCursor = psycopg.Cursor[Any]
else:
    _ServerBindingCursor = base.ServerBindingCursor


def _quoted_if_too_many(cursor: Any, query: Any, params: Any) -> tuple[Any, Any]:
    """``(query, params)`` as given, or the query with its values quoted in and no
    parameters when they are more than the protocol can carry."""
    if params is not None and len(params) > MAX_BOUND_PARAMS:
        return psycopg.ClientCursor(cursor.connection).mogrify(query, params), None
    return query, params


class BoundUnlessTooManyCursor(_ServerBindingCursor):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        query, params = _quoted_if_too_many(self, query, params)
        if params is None:
            kwargs["prepare"] = False  # a statement too big to bind is not kept either
        return super().execute(query, params, **kwargs)


class BoundUnlessTooManyServerCursor(psycopg.ServerCursor[Any]):
    """The same for the server-side cursors ``QuerySet.iterator()`` reads through."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        return super().execute(*_quoted_if_too_many(self, query, params), **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = BoundUnlessTooManyCursor
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if conn_params.get("cursor_factory") is BoundUnlessTooManyCursor:
            connection.server_cursor_factory = BoundUnlessTooManyServerCursor
        return connection

"""Fast bulk inserts for large writes (imports, audit entries of an import).

``bulk_create`` builds a model instance per row and costs 90-200 µs per row here; for
100,000-row imports that alone exceeds the budget. ``BulkRows`` takes plain tuples,
converts each value with its field's own ``get_db_prep_save`` (so the stored form is
exactly what the ORM would write) and sends them with ``executemany`` on SQLite and
``COPY`` on PostgreSQL. It bypasses ``save()`` and signals: callers are services that
write their own audit entries.

Encrypted fields (``core.fields``) are encrypted here with the row they are bound to:
the row's primary key, or the parent key named by the field's ``bind_to``, which must
then be one of the columns. Blind-index columns are plain values the caller computes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections

from mppdesk.core.fields import EncryptedMixin, row_key

_T = TypeVar("_T")

_PASS_THROUGH = {
    "CharField",
    "TextField",
    "SlugField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "AutoField",
    "BigAutoField",
}


def field_converter(field: Any) -> Callable[[Any], Any] | None:
    """How to turn a Python value into the database value; None when it is the same."""
    target = field.target_field if field.is_relation else field
    internal = target.get_internal_type()
    if internal in _PASS_THROUGH:
        return None
    if internal == "UUIDField":
        # UUIDField.get_db_prep_value for a UUID: itself where the database has a uuid
        # type (PostgreSQL), else its 32 hex digits (SQLite).
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: value.hex if value is not None else None
    # The wrapper itself, not the ``django.db.connection`` proxy: every attribute read on
    # the proxy goes through asgiref's context-local lookup (about 10 µs a row here).
    real = connections[DEFAULT_DB_ALIAS]
    if internal == "JSONField":
        adapt, encoder = real.ops.adapt_json_value, field.encoder
        return _memoized(lambda value: adapt(value, encoder), None)
    return _memoized(lambda value: field.get_db_prep_save(value, real), None)


def _memoized(prep: Callable[[Any], _T], none: _T) -> Callable[[Any], _T]:
    """``prep`` for values other than None (``none`` for None), each distinct value once.

    Dates and times repeat a lot (one "now" for the whole file) and so do short JSON
    lists ("[]" for most people). Lists are keyed as tuples; unhashable values (nested
    JSON) are prepared every time.
    """
    memo: dict[Any, _T] = {}
    get = memo.get

    def convert(value: Any) -> _T:
        if value is None:
            return none
        key = tuple(value) if isinstance(value, list) else value
        try:
            found = get(key)
        except TypeError:  # unhashable (nested JSON)
            return prep(value)
        if found is None:
            found = memo[key] = prep(value)
        return found

    return convert


# COPY's text format: one line per row, tab between columns, ``\\N`` for NULL, and a
# backslash escape for backslash, tab, newline and carriage return inside values.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_NULL = "\\N"
# Rows per ``copy.write``: large enough that the per-call cost vanishes, small enough that
# the server parses one block while the next is being formatted.
_COPY_BLOCK_ROWS = 2000


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value


def copy_formatter(field: Any) -> Callable[[Any], str]:
    """How to write a Python value of ``field`` in COPY's text format (PostgreSQL).

    The text is what the ORM would bind as a parameter, so the stored value is the same:
    a UUID's canonical form, ISO dates and timestamps (with their offset), ``t``/``f``,
    JSON as ``json.dumps`` with the field's encoder (as Django's ``adapt_json_value``), and
    strings as they are. Values that repeat in a column (one ``now`` per import, a
    person's id on each of their name tokens, the same short JSON lists) are formatted once.
    """
    from mppdesk.core.fields import BlindIndexField

    target = field.target_field if field.is_relation else field
    internal = target.get_internal_type()
    if isinstance(field, EncryptedMixin | BlindIndexField):
        # Ciphertexts are base64 and digests hex: nothing in them needs escaping.
        return lambda value: _COPY_NULL if value is None else value
    if internal in ("CharField", "TextField", "SlugField"):
        # str() as the ORM's to_python would, for a number given to a text column.
        return lambda value: (
            _COPY_NULL if value is None else _copy_text(value if type(value) is str else str(value))
        )
    if internal == "BooleanField":
        return lambda value: _COPY_NULL if value is None else ("t" if value else "f")
    if internal in _PASS_THROUGH:  # the integer types
        return lambda value: _COPY_NULL if value is None else str(value)
    text: Callable[[Any], str]
    if internal == "UUIDField":
        text = str
    elif internal in ("DateTimeField", "DateField"):
        real = connections[DEFAULT_DB_ALIAS]

        def text(value: Any) -> str:
            # Through the field, as the ORM does (a naive datetime is made aware there).
            return field.get_db_prep_save(value, real).isoformat()
    elif internal == "JSONField":
        encoder = field.encoder

        def text(value: Any) -> str:
            return _copy_text(json.dumps(value, cls=encoder))
    else:
        real = connections[DEFAULT_DB_ALIAS]

        def text(value: Any) -> str:
            prepared = field.get_db_prep_save(value, real)
            if prepared is None:
                return _COPY_NULL
            if isinstance(prepared, bool):
                return "t" if prepared else "f"
            return _copy_text(str(prepared))

    return _memoized(text, _COPY_NULL)


def uses_copy() -> bool:
    """Whether bulk rows go in with COPY (PostgreSQL through psycopg 3)."""
    real = connections[DEFAULT_DB_ALIAS]
    return real.vendor == "postgresql" and hasattr(getattr(real, "Database", None), "Copy")


class BulkRows:
    """Rows for one model: the column names and one tuple of Python values per row."""

    def __init__(self, model: type[Any], columns: Sequence[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns]
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> None:
        self.rows.append(values)

    def _bound_column(self, field: EncryptedMixin) -> int:
        for index, candidate in enumerate(self.fields):
            if (field.bind_to == "pk" and candidate.primary_key) or (
                candidate.attname == field.bind_to
            ):
                return index
        raise ValueError(
            f"{self.model.__name__}.{field.name} is bound to {field.bind_to}: add that column"  # type: ignore[attr-defined]
        )

    def _encrypted_columns(self) -> list[list[Any]]:
        """The values column by column, with the encrypted fields encrypted.

        Column by column because ``map`` over a column runs the loop in C: going row by
        row with a Python loop over the fields cost about a third of the write. Encryption
        comes first, while the bound column still holds the Python value (a UUID); its
        text form is computed once per row for all the encrypted fields.
        """
        if not self.rows:
            return [[] for _ in self.fields]
        columns = [list(column) for column in zip(*self.rows, strict=True)]
        keys: dict[int, list[str]] = {}
        for index, field in enumerate(self.fields):
            if isinstance(field, EncryptedMixin):
                bound = self._bound_column(field)
                if bound not in keys:
                    keys[bound] = list(map(row_key, columns[bound]))
                columns[index] = list(map(field.bulk_converter(), columns[index], keys[bound]))
        return columns

    def prepare(self) -> tuple[str, list[tuple[Any, ...]]]:
        """The INSERT head and the database values of every row (encrypted, converted)."""
        quote = connection.ops.quote_name
        columns = self._encrypted_columns()
        for index, field in enumerate(self.fields):
            if isinstance(field, EncryptedMixin):
                continue
            convert = field_converter(field)
            if convert is not None:
                columns[index] = list(map(convert, columns[index]))
        names = ", ".join(quote(f.column) for f in self.fields)
        table = quote(self.model._meta.db_table)
        head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from model metadata
        return head, list(zip(*columns, strict=True))

    def copy_blocks(self) -> Iterator[bytes]:
        """The rows in COPY's text format (PostgreSQL), encrypted, in blocks of lines."""
        columns = self._encrypted_columns()
        for index, field in enumerate(self.fields):
            columns[index] = list(map(copy_formatter(field), columns[index]))
        lines = list(map("\t".join, zip(*columns, strict=True)))
        for start in range(0, len(lines), _COPY_BLOCK_ROWS):
            yield ("\n".join(lines[start : start + _COPY_BLOCK_ROWS]) + "\n").encode()

    def copy_statement(self) -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        return f"COPY {quote(self.model._meta.db_table)} ({columns}) FROM STDIN"

    @property
    def _marks(self) -> str:
        return "(" + ", ".join(["%s"] * len(self.fields)) + ")"

    def insert(self, batch_size: int) -> None:
        if not self.rows:
            return
        if uses_copy():
            # COPY is the bulk path of PostgreSQL: measured ten times faster than
            # multi-row INSERT here. The rows are formatted here rather than by psycopg's
            # ``write_row``, which costs a Python call per row and per UUID or JSON value.
            with connection.cursor() as cursor, cursor.cursor.copy(self.copy_statement()) as copy:
                for block in self.copy_blocks():
                    copy.write(block)
            return
        head, prepared = self.prepare()
        marks = self._marks
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # SQLite runs in-process: one prepared statement reused for every row is
                # the fastest way in, and never nears the bound-variable limit.
                for start in range(0, len(prepared), batch_size):
                    cursor.executemany(head + marks, prepared[start : start + batch_size])
                return
            # Other client/server databases would pay a round trip per row with
            # executemany; send multi-row VALUES, under a 65,535 parameter limit.
            per_statement = max(1, min(batch_size, 60_000 // len(self.fields)))
            for start in range(0, len(prepared), per_statement):
                chunk = prepared[start : start + per_statement]
                sql = head + ", ".join([marks] * len(chunk))
                cursor.execute(sql, [value for values in chunk for value in values])

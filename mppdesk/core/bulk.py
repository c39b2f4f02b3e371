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

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

from mppdesk.core.fields import EncryptedMixin, row_key

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
    memo: dict[Any, Any] = {}
    # The wrapper itself, not the ``django.db.connection`` proxy: every attribute read on
    # the proxy goes through asgiref's context-local lookup (about 10 µs a row here).
    real = connections[DEFAULT_DB_ALIAS]
    prep: Callable[[Any], Any]
    if internal == "JSONField":
        adapt, encoder = real.ops.adapt_json_value, field.encoder

        def prep(value: Any) -> Any:
            return adapt(value, encoder)
    else:

        def prep(value: Any) -> Any:
            return field.get_db_prep_save(value, real)

    def convert(value: Any) -> Any:
        if value is None:
            return None
        # Dates and times repeat a lot (one "now" for the whole file) and so do short
        # JSON lists ("[]" for most people).
        key = tuple(value) if isinstance(value, list) else value
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # unhashable (nested JSON)
            return prep(value)
        result = memo[key] = prep(value)
        return result

    return convert


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

    def prepare(self) -> tuple[str, list[list[Any]]]:
        """The INSERT head and the database values of every row (encrypted, converted)."""
        quote = connection.ops.quote_name
        encrypted = [
            (i, self._bound_column(f), f.bulk_converter())
            for i, f in enumerate(self.fields)
            if isinstance(f, EncryptedMixin)
        ]
        converters = [
            (i, c)
            for i, f in enumerate(self.fields)
            if not isinstance(f, EncryptedMixin) and (c := field_converter(f)) is not None
        ]
        columns = ", ".join(quote(f.column) for f in self.fields)
        table = quote(self.model._meta.db_table)
        head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from model metadata
        prepared: list[list[Any]] = []
        append = prepared.append
        bound_columns = sorted({bound for _, bound, _ in encrypted})
        if not encrypted:
            for row in self.rows:
                values = list(row)
                for index, convert in converters:
                    values[index] = convert(values[index])
                append(values)
            return head, prepared
        for row in self.rows:
            values = list(row)
            # Encrypt first, while the bound column still holds the Python value (a UUID);
            # its text form is computed once per row for all the encrypted fields.
            keys = {bound: row_key(values[bound]) for bound in bound_columns}
            for index, bound, encrypt in encrypted:
                values[index] = encrypt(values[index], keys[bound])
            for index, convert in converters:
                values[index] = convert(values[index])
            append(values)
        return head, prepared

    @property
    def _marks(self) -> str:
        return "(" + ", ".join(["%s"] * len(self.fields)) + ")"

    def insert(self, batch_size: int) -> None:
        if not self.rows:
            return
        head, prepared = self.prepare()
        self.execute(head, prepared, batch_size)

    def execute(self, head: str, prepared: list[list[Any]], batch_size: int) -> None:
        """Send rows made by ``prepare``."""
        marks = self._marks
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        table = quote(self.model._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # SQLite runs in-process: one prepared statement reused for every row is
                # the fastest way in, and never nears the bound-variable limit.
                for start in range(0, len(prepared), batch_size):
                    cursor.executemany(head + marks, prepared[start : start + batch_size])
                return
            raw = cursor.cursor
            if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                # COPY is the bulk path of PostgreSQL: measured ten times faster than
                # multi-row INSERT here. psycopg 3 adapts the same values as INSERT.
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in prepared:
                        copy.write_row(values)
                return
            # Other client/server databases would pay a round trip per row with
            # executemany; send multi-row VALUES, under a 65,535 parameter limit.
            per_statement = max(1, min(batch_size, 60_000 // len(self.fields)))
            for start in range(0, len(prepared), per_statement):
                chunk = prepared[start : start + per_statement]
                sql = head + ", ".join([marks] * len(chunk))
                cursor.execute(sql, [value for values in chunk for value in values])

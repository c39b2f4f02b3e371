"""Server-side sort of a list page: ``?sort=<key>`` or ``?sort=-<key>``.

Each list declares the columns it may be sorted by (a whitelist): a key names a column,
never a database field, so a request cannot order by a field of its choosing (an
encrypted name, a blind index, ``organization__name``). Anything else in ``sort`` (an
unknown key, an injection attempt, a list of keys) gives the list's default order, never
an error. Only plaintext columns can be sorted in the database: names, A-numbers and the
other encrypted fields are ciphertext there and are never offered.

The sort key is not personal data, so it may travel in URLs (links, the ``action`` of a
search form), unlike the search words, which are POSTed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

if TYPE_CHECKING:
    from django.db.models import Model
    from django.utils.functional import Promise

M = TypeVar("M", bound="Model")
T = TypeVar("T")

#: The longest ``sort`` value read; anything longer is not a key.
MAX_SORT_PARAM = 40


@dataclass(frozen=True)
class SortColumn:
    """A column a list may be sorted by: its key in URLs, its header, how it orders.

    ``fields`` order a queryset (field names or expressions such as ``choice_order``;
    ascending, a descending sort reverses each, empty values last either way); ``value``
    orders a list computed in Python instead.
    """

    key: str
    label: Promise | str
    fields: tuple[Any, ...] = ()
    value: Callable[[Any], Any] | None = None


def choice_order(field_name: str, values: Sequence[str]) -> Case:
    """An expression that orders ``field_name`` by the position of its value in
    ``values`` (a status in the order of its workflow, not of its code)."""
    return Case(
        *(When(**{field_name: value}, then=Value(i)) for i, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Sort:
    """The order a page is shown in."""

    column: SortColumn
    descending: bool

    @property
    def key(self) -> str:
        return self.column.key

    @property
    def param(self) -> str:
        """The ``sort`` value of this order."""
        return f"-{self.key}" if self.descending else self.key

    def toggled(self) -> str:
        """The ``sort`` value a click on this column's header asks for."""
        return self.key if self.descending else f"-{self.key}"


def _nullable(model: Any, path: str) -> bool:
    """Whether ``path`` (``field`` or ``relation__field``) can be NULL on ``model``'s rows:
    any nullable step makes it so; a path that cannot be resolved counts as nullable."""
    current = model
    try:
        for part in path.split("__"):
            field_ = current._meta.get_field(part)
            if getattr(field_, "null", True) or not getattr(field_, "concrete", False):
                return True
            if field_.is_relation:
                current = field_.related_model
    except Exception:  # noqa: BLE001 - unknown path: be safe, keep NULLs last
        return True
    return False


@dataclass(frozen=True)
class Sorting:
    """The columns of one list and its default order (``-key`` for descending)."""

    columns: Sequence[SortColumn]
    default: str
    #: Appended to every order so pages do not overlap or skip rows with equal values.
    tiebreak: tuple[str, ...] = ("pk",)
    by_key: dict[str, SortColumn] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})
        if self.default.lstrip("-") not in self.by_key:
            raise ValueError(f"default sort {self.default!r} is not one of the columns")

    def parse(self, raw: Any) -> Sort:
        """The order asked for by ``raw`` (a ``sort`` parameter), or the default."""
        text = raw if isinstance(raw, str) and len(raw) <= MAX_SORT_PARAM else ""
        descending = text.startswith("-")
        column = self.by_key.get(text[1:] if descending else text)
        if column is None:
            descending = self.default.startswith("-")
            column = self.by_key[self.default.lstrip("-")]
        return Sort(column, descending)

    def apply(self, queryset: QuerySet[M], sort: Sort) -> QuerySet[M]:
        """``queryset`` in the order of ``sort``, ties broken by ``tiebreak``."""
        order = []
        for f in sort.column.fields:
            expression = F(f) if isinstance(f, str) else f
            # NULLS LAST only where a NULL can occur: on a NOT NULL column it would keep
            # PostgreSQL from walking an index in that order (the people list's
            # ``person_newest_first``: a sort of 1,000,000 rows on every search instead).
            nulls = (
                {"nulls_last": True}
                if not isinstance(f, str) or _nullable(queryset.model, f)
                else {}
            )
            order.append(expression.desc(**nulls) if sort.descending else expression.asc(**nulls))
        return queryset.order_by(*order, *self.tiebreak)

    def sort_rows(self, rows: Iterable[T], sort: Sort) -> list[T]:
        """A list computed in Python, in the order of ``sort`` (stable: rows with equal
        values keep the order they came in). Empty values go last either way."""
        value = sort.column.value
        if value is None:
            raise ValueError(f"column {sort.key!r} has no value for rows")
        items = list(rows)
        present = [row for row in items if value(row) is not None]
        missing = [row for row in items if value(row) is None]
        present.sort(key=value, reverse=sort.descending)
        return present + missing

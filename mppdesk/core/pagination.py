"""Pages of a list whose total is counted only up to a cap.

Django's ``Paginator`` counts every matching row (``SELECT COUNT(*)``) to number its
pages. On a list of a million people that count, not the page itself, is the cost of
opening the list. ``CappedPaginator`` counts at most ``cap + 1`` rows (``COUNT`` over a
``LIMIT``): the pages stop at the cap and ``more`` says that more rows match, so the page
can ask for a narrower search instead of offering page 20,000.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

#: Rows a list page numbers at most; past it the page asks for a narrower search.
LIST_CAP = 500


class CappedPaginator(Paginator):
    def __init__(
        self,
        object_list: Any,
        per_page: int,
        cap: int | None = None,
        *,
        at_least: Callable[[int], bool] | None = None,
        **kwargs: Any,
    ):
        """``at_least(n)``: a cheaper test that ``n`` or more rows match, tried before
        counting (True: they do; False: it cannot tell, count)."""
        super().__init__(object_list, per_page, **kwargs)
        self.at_least = at_least
        cap = LIST_CAP if cap is None else cap
        if cap < per_page:
            raise ValueError("cap must hold at least one page")
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        """Matching rows, counted up to ``cap + 1``.

        How many of the rows there are, up to the cap, does not depend on their order, so
        a query set is counted without its ``ORDER BY``: the database may then stop at the
        first ``cap + 1`` rows any index gives instead of walking the list's order. A
        surname search at 1,000,000 people walked 7,700 people newest first to count 501
        (33 ms); docs/benchmarks.md. The lists order by their own columns or forward keys
        (``core.sorting``), which never change the number of rows. Kept ordered: a
        ``DISTINCT`` or grouped query (the order's columns may take part in what is
        distinct or in the groups) and one already sliced (it cannot be reordered).
        """
        if self.at_least is not None and self.at_least(self.cap + 1):
            return self.cap + 1
        rows = self.object_list
        if isinstance(rows, QuerySet) and not (
            rows.query.distinct or rows.query.group_by or rows.query.is_sliced
        ):
            rows = rows.order_by()
        window = rows[: self.cap + 1]
        counter = getattr(window, "count", None)
        if callable(counter) and not isinstance(window, list | tuple):
            return int(counter())
        return len(window)

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def more(self) -> bool:
        """More rows match than the pages hold."""
        return self.counted > self.cap

"""The people list counts at most ``LIST_CAP`` rows and then asks for a narrower search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mppdesk.core import pagination
from mppdesk.core.pagination import CappedPaginator
from mppdesk.people.models import Person
from mppdesk.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_50(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pagination, "LIST_CAP", 50)


def test_past_the_cap_the_list_says_more_match_in_both_languages(
    personas, caseworker_client, cap_of_50
):
    PersonFactory.create_batch(51, organization=personas.org)
    response = caseworker_client.get(reverse("people:list"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.context["page"]
    assert page.paginator.more is True
    assert page.paginator.count == 50
    assert page.paginator.num_pages == 2
    assert "More than 50 people match" in response.text
    spanish = caseworker_client.get(reverse("people:list"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Coinciden más de 50 personas" in spanish.text


def test_at_the_cap_the_count_is_exact(personas, caseworker_client, cap_of_50):
    PersonFactory.create_batch(50, organization=personas.org)
    response = caseworker_client.get(reverse("people:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["page"].paginator.more is False
    assert "50 people" in response.text
    assert "More than" not in response.text


def test_a_page_past_the_cap_shows_the_last_page_not_an_error(
    personas, caseworker_client, cap_of_50
):
    PersonFactory.create_batch(60, organization=personas.org)
    response = caseworker_client.get(reverse("people:list"), {"page": 9999})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 25


def test_the_count_reads_at_most_cap_plus_one_rows(personas):
    PersonFactory.create_batch(12, organization=personas.org)
    paginator = CappedPaginator(Person.objects.order_by("id"), 5, cap=10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 10
        assert paginator.more is True
    assert len(queries) == 1
    assert "LIMIT 11" in queries[0]["sql"].upper()


def test_a_cap_below_one_page_is_refused():
    with pytest.raises(ValueError):
        CappedPaginator([], 25, cap=10)


def test_plain_lists_are_capped_too():
    paginator = CappedPaginator(list(range(30)), 5, cap=20)
    assert (paginator.count, paginator.more, paginator.num_pages) == (20, True, 4)


def test_the_capped_count_does_not_sort(personas):
    """How many rows there are up to the cap does not depend on their order: the count
    leaves the ``ORDER BY`` out, and still counts what the ordered list holds."""
    PersonFactory.create_batch(12, organization=personas.org)
    ordered = Person.objects.filter(organization=personas.org).order_by("-created_at", "id")
    for cap, expected in ((10, (10, True)), (12, (12, False)), (20, (12, False))):
        paginator = CappedPaginator(ordered, 5, cap=cap)
        with CaptureQueriesContext(connection) as queries:
            assert (paginator.count, paginator.more) == expected
        assert "ORDER BY" not in queries[0]["sql"].upper()
        # The page itself keeps the order.
        with CaptureQueriesContext(connection) as queries:
            page = paginator.page(1)
            assert [p.pk for p in page.object_list] == [p.pk for p in ordered[:5]]
        assert "ORDER BY" in queries[-1]["sql"].upper()


def test_a_distinct_list_is_counted_with_its_order(personas):
    """``DISTINCT`` with an order over a related column selects that column too, so what
    is distinct depends on the order: such a list keeps its ``ORDER BY`` when counted."""
    PersonFactory.create_batch(3, organization=personas.org)
    rows = Person.objects.filter(organization=personas.org).distinct().order_by("-created_at")
    paginator = CappedPaginator(rows, 2, cap=2)
    with CaptureQueriesContext(connection) as queries:
        assert (paginator.count, paginator.more) == (2, True)
    assert "ORDER BY" in queries[0]["sql"].upper()


def test_a_sliced_or_grouped_list_is_counted_with_its_order(personas):
    """A list already sliced cannot be reordered, and a grouped one may group by its
    order's columns: both are counted as they are, and counted right."""
    from django.db.models import Count

    PersonFactory.create_batch(4, organization=personas.org)
    ordered = Person.objects.filter(organization=personas.org).order_by("-created_at")
    sliced = CappedPaginator(ordered[:3], 2, cap=2)
    assert (sliced.count, sliced.more) == (2, True)
    grouped = (
        Person.objects.filter(organization=personas.org)
        .values("nationality")
        .annotate(n=Count("id"))
        .order_by("nationality")
    )
    paginator = CappedPaginator(grouped, 2, cap=2)
    with CaptureQueriesContext(connection) as queries:
        expected = min(len(list(grouped)), 2)
        assert paginator.count == expected
    assert "ORDER BY" in queries[-1]["sql"].upper()

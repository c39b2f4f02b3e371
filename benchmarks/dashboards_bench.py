"""Dashboards page time against the statistics page, on the database of DATABASE_URL.

Signs in a program-wide analyst and times ``GET /stats/dashboards/`` — counted afresh
(cache emptied before each request) and from the cache of published panels — and, as the
baseline, ``GET /stats/`` in the same process: best and median of ``--repeat``, after
one warm-up request each. Load the data first (``mppdesk demo --people N``).

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m benchmarks.dashboards_bench
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from benchmarks.common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from mppdesk.accounts.models import Membership, Organization
    from mppdesk.accounts.testing import verified_login
    from mppdesk.people.models import Person
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    setup_test_environment()
    from django.conf import settings

    # No collected static files here: plain storage for the page's CSS link.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    org = Organization.objects.filter(slug="bench-coord").first() or OrganizationFactory(
        name="Bench coordination", slug="bench-coord", kind=Organization.Kind.COORDINATOR
    )
    user = UserFactory(username=f"bench-analyst-{time.time_ns()}")
    MembershipFactory(user=user, organization=org, role=Membership.Role.ANALYST)
    client = verified_login(Client(HTTP_ACCEPT_LANGUAGE="en", SERVER_NAME="localhost"), user)
    result: dict[str, object] = {"people": Person.objects.count()}
    from django.core.cache import cache

    pages = (
        ("dashboards, counted (cache emptied first)", "/stats/dashboards/", True),
        ("dashboards, from the cache", "/stats/dashboards/", False),
        ("stats (baseline)", "/stats/", False),
    )
    for name, url, cold in pages:
        assert client.get(url).status_code == 200  # noqa: S101 - warm-up
        times = []
        for _ in range(args.repeat):
            if cold:
                cache.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200  # noqa: S101
        result[name] = {
            "best_ms": round(min(times) * 1000, 1),
            "median_ms": round(statistics.median(times) * 1000, 1),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

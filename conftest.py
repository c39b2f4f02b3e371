"""Shared fixtures: personas in two organizations, a network guard, fast hashing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from mppdesk.testing import network

network.install()

# Property tests check behaviour, not speed: on a loaded 2-core CI machine a single
# example may take longer than hypothesis's default 200 ms deadline.
settings.register_profile("mppdesk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mppdesk")


@pytest.fixture(autouse=True)
def _fast_settings(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The self-service lookup pads each answer to a fixed time against timing probes;
    # its own tests inject the clock, everything else need not wait.
    settings.MPPDESK_SELFSERVICE_MIN_RESPONSE_MS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _sequences_follow_restored_rows(request):  # type: ignore[no-untyped-def]
    """After a transactional test's ``serialized_rollback`` restore on PostgreSQL, move
    every id sequence past the restored rows.

    The restore inserts the migrated data (places, screening versions, reminder rules)
    with their ids and does not touch the sequences; one left behind by an earlier test's
    flush would hand out an id that exists, and the next ``create()`` fails.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _english_outside_requests():  # type: ignore[no-untyped-def]
    """Code run outside a request (services, lib, importer) speaks English in tests.

    Messages are translated when raised, into the active language; with nothing
    active that is ``LANGUAGE_CODE`` (Spanish). Requests through the test client are
    unaffected: ``LocaleMiddleware`` activates their own language.
    """
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_common_words_remembered():  # type: ignore[no-untyped-def]
    """Each test plans its name searches from its own people: a word another test made
    common is not remembered as common (``people.queries._COMMON``)."""
    from mppdesk.people.queries import forget_common_words

    forget_common_words()


@dataclass
class Personas:
    org: object
    other_org: object
    caseworker: object
    coordinator: object
    outsider: object  # a case worker of another organization


@pytest.fixture
def personas(db):  # type: ignore[no-untyped-def]
    from mppdesk.accounts.models import Membership, Organization
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    org = OrganizationFactory(
        name="Asistencia Legal Frontera", slug="alf", kind=Organization.Kind.LEGAL_SERVICES
    )
    other = OrganizationFactory(name="Red de Albergues", slug="red", kind=Organization.Kind.SHELTER)
    caseworker = UserFactory(username="caseworker")
    MembershipFactory(user=caseworker, organization=org, role=Membership.Role.CASEWORKER)
    coordinator = UserFactory(username="coordinator")
    MembershipFactory(user=coordinator, organization=org, role=Membership.Role.COORDINATOR)
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, organization=other, role=Membership.Role.CASEWORKER)
    return Personas(
        org=org, other_org=other, caseworker=caseworker, coordinator=coordinator, outsider=outsider
    )


@pytest.fixture
def caseworker_client(personas) -> Client:  # type: ignore[no-untyped-def]
    """Signed in as the case worker, second factor verified (``accounts.testing``)."""
    from mppdesk.accounts.testing import verified_login

    return verified_login(Client(), personas.caseworker)


@pytest.fixture
def outsider_client(personas) -> Client:  # type: ignore[no-untyped-def]
    from mppdesk.accounts.testing import verified_login

    return verified_login(Client(), personas.outsider)


@pytest.fixture
def coordinator_client(personas) -> Client:  # type: ignore[no-untyped-def]
    from mppdesk.accounts.testing import verified_login

    return verified_login(Client(), personas.coordinator)

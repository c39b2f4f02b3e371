import datetime as dt

import pytest
from django.utils import timezone, translation

from mppdesk.accounts import services
from mppdesk.accounts.models import ApiToken, Membership, Organization, User
from mppdesk.audit.models import AuditEntry
from mppdesk.core.errors import FieldErrors
from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "river lantern copper 42"


@pytest.fixture(autouse=True)
def _english():
    # Django's own validator messages are translated; the default language is Spanish.
    with translation.override("en"):
        yield


# --- organizations -------------------------------------------------------------------


def test_create_organization(personas):
    org = services.create_organization(
        actor=personas.coordinator, name="  Casa del  Migrante ", kind="shelter"
    )
    assert (org.name, org.slug, org.kind, org.is_active) == (
        "Casa del Migrante",
        "casa-del-migrante",
        "shelter",
        True,
    )
    entry = AuditEntry.objects.get(object_type="organization")
    assert (entry.action, entry.object_id) == ("create", str(org.pk))


def test_create_organization_with_explicit_slug():
    org = services.create_organization(
        actor=None, name="Asistencia Jurídica", kind="legal_services", slug="AJ Norte"
    )
    assert org.slug == "aj-norte"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "", "kind": "shelter"}, "name"),
        ({"name": "   ", "kind": "shelter"}, "name"),
        ({"name": "x" * 201, "kind": "shelter"}, "name"),
        ({"name": "Casa", "kind": "church"}, "kind"),
        ({"name": "!!!", "kind": "shelter"}, "slug"),
    ],
)
def test_create_organization_errors_name_the_field(kwargs, field):
    before = Organization.objects.count()
    with pytest.raises(FieldErrors) as excinfo:
        services.create_organization(actor=None, **kwargs)
    assert field in excinfo.value.errors
    assert Organization.objects.count() == before


def test_create_organization_duplicates(personas):
    with pytest.raises(FieldErrors) as excinfo:
        services.create_organization(actor=None, name="Asistencia Legal Frontera", kind="shelter")
    assert "already exists" in excinfo.value.errors["name"][0]
    with pytest.raises(FieldErrors) as excinfo:
        services.create_organization(actor=None, name="Otra", kind="shelter", slug="alf")
    assert "already exists" in excinfo.value.errors["slug"][0]


# --- users ---------------------------------------------------------------------------


def test_create_user(personas):
    user = services.create_user(
        actor=personas.coordinator,
        username="attorney1",
        password=GOOD_PASSWORD,
        organization=personas.org,
        role="attorney",
        email="abogada@example.org",
    )
    assert user.check_password(GOOD_PASSWORD)
    assert user.password != GOOD_PASSWORD
    assert Membership.objects.get(user=user).role == "attorney"
    entry = AuditEntry.objects.get(object_type="user")
    assert (entry.action, entry.organization) == ("create", personas.org)
    assert GOOD_PASSWORD not in repr(AuditEntry.objects.filter(pk=entry.pk).values().get())


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pw 1", "at least 12"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
        ("", "at least 12"),
    ],
)
def test_password_policy(personas, password, message):
    with pytest.raises(FieldErrors) as excinfo:
        services.create_user(
            actor=None,
            username="newuser",
            password=password,
            organization=personas.org,
            role="caseworker",
        )
    assert any(message in m for m in excinfo.value.errors["password"])
    assert not User.objects.filter(username="newuser").exists()


def test_password_check_can_be_skipped_for_fixtures(personas):
    user = services.create_user(
        actor=None,
        username="demo",
        password="demo",
        organization=personas.org,
        role="caseworker",
        check_password=False,
    )
    assert user.check_password("demo")


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "required"),
        ("   ", "required"),
        ("caseworker", "already exists"),
        ("CaseWorker", "already exists"),
        ("two words", "valid username"),
    ],
)
def test_username_errors(personas, username, message):
    before = (User.objects.count(), Membership.objects.count())
    with pytest.raises(FieldErrors) as excinfo:
        services.create_user(
            actor=None,
            username=username,
            password=GOOD_PASSWORD,
            organization=personas.org,
            role="caseworker",
        )
    assert any(message in m for m in excinfo.value.errors["username"])
    assert (User.objects.count(), Membership.objects.count()) == before


def test_role_and_email_errors(personas):
    with pytest.raises(FieldErrors) as excinfo:
        services.create_user(
            actor=None,
            username="u1",
            password=GOOD_PASSWORD,
            organization=personas.org,
            role="boss",
            email="nope",
        )
    assert set(excinfo.value.errors) == {"role", "email"}


# --- API tokens ----------------------------------------------------------------------


def test_create_api_token_stores_only_a_hash(personas):
    token, secret = services.create_api_token(
        actor=personas.caseworker, user=personas.caseworker, name="script"
    )
    assert secret.startswith(ApiToken.PREFIX)
    assert len(secret) > 40
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in repr(row)
    assert secret[len(ApiToken.PREFIX) :] not in repr(row)
    assert row["key_hash"] == ApiToken.hash_secret(secret) != secret
    assert token.organization == personas.org
    assert token.expires_at > timezone.now() + dt.timedelta(days=30)
    entry = AuditEntry.objects.get(object_type="api_token")
    assert secret not in repr(AuditEntry.objects.filter(pk=entry.pk).values().get())


def test_two_tokens_have_different_secrets(personas):
    _, first = services.create_api_token(actor=None, user=personas.caseworker, name="a")
    _, second = services.create_api_token(actor=None, user=personas.caseworker, name="b")
    assert first != second


def test_create_api_token_requires_membership(personas):
    loner = UserFactory()
    with pytest.raises(FieldErrors) as excinfo:
        services.create_api_token(actor=None, user=loner, name="x")
    assert "user" in excinfo.value.errors
    with pytest.raises(FieldErrors) as excinfo:
        services.create_api_token(
            actor=None, user=personas.caseworker, name="x", organization=personas.other_org
        )
    assert "organization" in excinfo.value.errors
    assert not ApiToken.objects.exists()


def test_authenticate_token(personas):
    token, secret = services.create_api_token(actor=None, user=personas.caseworker, name="script")
    found = services.authenticate_token(secret)
    assert found == token
    assert found.user == personas.caseworker
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize(
    "secret", ["", "mppd_", "mppd_unknown", "Bearer mppd_x", "not-a-token", None]
)
def test_authenticate_unknown_token(personas, secret):
    services.create_api_token(actor=None, user=personas.caseworker, name="script")
    assert services.authenticate_token(secret) is None


def test_authenticate_rejects_a_near_miss(personas):
    _, secret = services.create_api_token(actor=None, user=personas.caseworker, name="script")
    assert services.authenticate_token(secret[:-1]) is None
    assert services.authenticate_token(secret + "x") is None


def test_authenticate_rejects_expired_token(personas):
    _, secret = services.create_api_token(
        actor=None,
        user=personas.caseworker,
        name="old",
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert services.authenticate_token(secret) is None


def test_authenticate_rejects_revoked_token(personas):
    token, secret = services.create_api_token(actor=None, user=personas.caseworker, name="script")
    services.revoke_api_token(actor=personas.caseworker, token=token)
    assert services.authenticate_token(secret) is None
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    services.revoke_api_token(actor=personas.caseworker, token=token)  # idempotent
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert AuditEntry.objects.filter(object_type="api_token", action="update").count() == 1


def test_authenticate_rejects_inactive_user(personas):
    _, secret = services.create_api_token(actor=None, user=personas.caseworker, name="script")
    User.objects.filter(pk=personas.caseworker.pk).update(is_active=False)
    assert services.authenticate_token(secret) is None


def test_authenticate_rejects_token_of_inactive_organization(personas):
    _, secret = services.create_api_token(actor=None, user=personas.caseworker, name="script")
    Organization.objects.filter(pk=personas.org.pk).update(is_active=False)
    assert services.authenticate_token(secret) is None


def test_authenticate_rejects_token_after_membership_ends(personas):
    org = OrganizationFactory()
    MembershipFactory(user=personas.caseworker, organization=org)
    _, secret = services.create_api_token(
        actor=None, user=personas.caseworker, name="script", organization=org
    )
    assert services.authenticate_token(secret) is not None
    Membership.objects.filter(user=personas.caseworker, organization=org).delete()
    assert services.authenticate_token(secret) is None

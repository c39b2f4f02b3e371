"""Organizations, users, memberships and API tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mppdesk.accounts.models import ApiToken, Membership, Organization, User, default_token_expiry
from mppdesk.audit import services as audit
from mppdesk.people.validation import FieldErrors


@transaction.atomic
def create_organization(
    *, actor: User | None, name: str, kind: str, slug: str = ""
) -> Organization:
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("This field is required.")]
    if kind not in Organization.Kind.values:
        errors["kind"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Organization.Kind.values)}
        ]
    elif len(name) > 200:
        errors["name"] = [_("At most %(count)s characters.") % {"count": 200}]
    slug = slugify(slug or name)[:60]
    if name and Organization.objects.filter(name=name).exists():
        errors.setdefault("name", []).append(_("An organization with this name already exists."))
    elif name and not slug:
        # A name of only punctuation or symbols slugifies to "", which is not a short name.
        errors.setdefault("slug", []).append(_("Give a short name with letters or digits."))
    elif slug and Organization.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(
            _("An organization with this short name already exists.")
        )
    if errors:
        raise FieldErrors(errors)
    org = Organization.objects.create(name=name, kind=kind, slug=slug)
    audit.record(
        actor=actor,
        organization=org,
        action="create",
        object_type="organization",
        object_id=org.pk,
        fields=["name", "kind", "slug"],
    )
    return org


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    organization: Organization,
    role: str,
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    check_password: bool = True,
) -> User:
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("This field is required.")]
    else:
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors["username"] = list(exc.messages)
        if User.objects.filter(username__iexact=username).exists():
            errors.setdefault("username", []).append(_("A user with this username already exists."))
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Not a valid e-mail address.")]
    if role not in Membership.Role.values:
        errors["role"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Membership.Role.values)}
        ]
    user = User(username=username, email=email, is_staff=is_staff, is_superuser=is_superuser)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise FieldErrors(errors)
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, organization=organization, role=role)
    audit.record(
        actor=actor,
        organization=organization,
        action="create",
        object_type="user",
        object_id=user.pk,
        fields=["username", "role"],
    )
    return user


@transaction.atomic
def create_api_token(
    *,
    actor: User | None,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    organization: Organization | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret; only the secret's hash is stored."""
    if organization is None:
        membership = user.memberships.select_related("organization").order_by("id").first()
        if membership is None:
            raise FieldErrors({"user": [_("This user belongs to no organization.")]})
        organization = membership.organization
    elif not user.memberships.filter(organization=organization).exists():
        raise FieldErrors({"organization": [_("This user is not a member of that organization.")]})
    secret = ApiToken.generate_secret()
    token = ApiToken.objects.create(
        user=user,
        organization=organization,
        name=(name or "API token")[:100],
        key_prefix=secret[: len(ApiToken.PREFIX) + 6],
        key_hash=ApiToken.hash_secret(secret),
        expires_at=expires_at or default_token_expiry(),
    )
    audit.record(
        actor=actor,
        organization=organization,
        action="create",
        object_type="api_token",
        object_id=token.pk,
        fields=["name", "expires_at"],
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            organization=token.organization,
            action="update",
            object_type="api_token",
            object_id=token.pk,
            fields=["revoked_at"],
        )
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """The usable token for ``secret``, or None (unknown, expired or revoked look the same)."""
    if not secret or not secret.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "organization")
        .filter(key_hash=ApiToken.hash_secret(secret))
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    # A token acts for one membership: it dies with the organization or the membership.
    if (
        not token.organization.is_active
        or not Membership.objects.filter(
            user_id=token.user_id, organization_id=token.organization_id
        ).exists()
    ):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token

"""Organizations, users, memberships, API tokens, two-factor devices and login lockout."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from mppdesk.accounts.models import (
    ApiToken,
    LoginFailure,
    Membership,
    Organization,
    TokenScope,
    User,
    default_token_expiry,
)
from mppdesk.accounts.permissions import Action, can, role_in
from mppdesk.audit import services as audit
from mppdesk.core.errors import FieldErrors


def import_refusal(actor: User, organization: Organization) -> tuple[bool, str | None]:
    """Whether ``actor``'s role in ``organization`` forbids importing people, and that
    role (which the refusal names). Asked before a file is read, so that a refused
    import stops before any row is checked."""
    if can(actor, Action.PERSON_IMPORT, organization.pk):
        return False, None
    return True, role_in(actor, organization.pk)


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
    scopes: Iterable[str] | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret; only the secret's hash is stored.

    ``scopes`` limits what the token may do (``read``, ``write``, ``import``); by default
    it may do everything its user may.
    """
    scope_list = _clean_scopes(scopes)
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
        scopes=scope_list,
    )
    audit.record(
        actor=actor,
        organization=organization,
        action="create",
        object_type="api_token",
        object_id=token.pk,
        fields=["name", "expires_at", "scopes"],
    )
    return token, secret


def _clean_scopes(scopes: Iterable[str] | None) -> list[str]:
    if scopes is None:
        return list(TokenScope.values)
    if isinstance(scopes, str):
        scopes = scopes.split(",")
    wanted = {s.strip().lower() for s in scopes if s and s.strip()}
    unknown = sorted(wanted - set(TokenScope.values))
    if unknown or not wanted:
        raise FieldErrors(
            {
                "scopes": [
                    _("Choose one or more of: %(choices)s.")
                    % {"choices": ", ".join(TokenScope.values)}
                ]
            }
        )
    # Keep the canonical order so that equal scope sets look equal.
    return [s for s in TokenScope.values if s in wanted]


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


# --- login lockout -------------------------------------------------------------------


def _username_key(username: str) -> str:
    return salted_hmac(
        "mppdesk.accounts.login-failure", (username or "").strip().lower(), algorithm="sha256"
    ).hexdigest()


def login_is_locked(*, username: str, ip: str | None) -> bool:
    """Too many recent failures for this user name or from this address.

    Known and unknown user names are counted alike, so the lock says nothing about
    whether an account exists.
    """
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    if limit > 0 and recent.filter(username_hash=_username_key(username)).count() >= limit:
        return True
    ip_limit = settings.LOGIN_FAILURE_IP_LIMIT
    return bool(ip and ip_limit > 0 and recent.filter(ip=ip).count() >= ip_limit)


def record_login_failure(*, username: str, ip: str | None) -> None:
    now = timezone.now()
    # Rows older than the window count for nothing; drop them as we go.
    LoginFailure.objects.filter(
        created_at__lt=now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    ).delete()
    LoginFailure.objects.create(username_hash=_username_key(username), ip=ip or None)


def clear_login_failures(*, username: str) -> None:
    """A successful sign-in forgives the user name's failures (not the address's)."""
    LoginFailure.objects.filter(username_hash=_username_key(username)).delete()


# --- two-factor (TOTP) ---------------------------------------------------------------


def two_factor_required(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor (``MPPDESK_2FA_REQUIRED_ROLES``)."""
    roles = set(settings.MPPDESK_2FA_REQUIRED_ROLES)
    if not roles or not user.is_authenticated:
        return False
    # Superusers reach everything through the admin, whatever their memberships say.
    if user.is_superuser:
        return True
    return user.memberships.filter(role__in=roles).exists()


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()
    )
    return device


def _org_of(user: User) -> Organization | None:
    membership = user.memberships.select_related("organization").order_by("id").first()
    return membership.organization if membership else None


@transaction.atomic
def start_totp_enrolment(*, actor: User, user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first call; confirmed with a first code.

    Refused while a confirmed device exists: a stolen password alone must not be enough
    to add a device. Remove the device first (with a code) or ask an administrator.
    """
    if confirmed_totp_device(user) is not None:
        raise FieldErrors({"device": [_("Two-factor sign-in is already set up.")]})
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False)
        .select_for_update()
        .order_by("id")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, actor: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm an enrolment with a first code from the authenticator app."""
    token = "".join((token or "").split())
    if device.confirmed or not device.verify_token(token):
        raise FieldErrors({"token": [_("That code is not valid. Enter the current code.")]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Unconfirmed leftovers (a second browser tab) must not become a back door.
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    audit.record(
        actor=actor,
        organization=_org_of(device.user),
        action="create",
        object_type="totp_device",
        object_id=device.pk,
        fields=["confirmed"],
    )
    return device


@dataclass(frozen=True)
class TotpCheck:
    """The outcome of a code: ``device`` when it was accepted. ``waited``: the device was
    still in its wait after an earlier wrong code, so this code was not checked (the right
    one would have been refused too); ``wait_now``: the wait a wrong code has just started.
    django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s...)."""

    device: TOTPDevice | None
    waited: int = 0
    wait_now: int = 0


def _wait_seconds(device: TOTPDevice) -> int:
    allowed, data = device.verify_is_allowed()
    locked_until = (data or {}).get("locked_until")
    if allowed or locked_until is None:
        return 0
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def check_totp(*, user: User, token: str) -> TotpCheck:
    """Check ``token`` against the user's confirmed device (one read of the device)."""
    device = confirmed_totp_device(user)
    token = "".join((token or "").split())
    if device is None:
        return TotpCheck(None)
    waited = _wait_seconds(device)
    if waited:
        return TotpCheck(None, waited=waited)
    if token and device.verify_token(token):
        return TotpCheck(device)
    return TotpCheck(None, wait_now=_wait_seconds(device))


@transaction.atomic
def remove_totp_devices(*, actor: User, user: User) -> int:
    """Remove every TOTP device of ``user``; they enrol again at their next page."""
    devices = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
    TOTPDevice.objects.filter(pk__in=devices).delete()
    for pk in devices:
        audit.record(
            actor=actor,
            organization=_org_of(user),
            action="delete",
            object_type="totp_device",
            object_id=pk,
        )
    return len(devices)

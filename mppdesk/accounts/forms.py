from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mppdesk.accounts import services


def client_ip(request: Any) -> str | None:
    """The address the lockout counts by. Behind a proxy named in MPPDESK_TRUSTED_PROXIES,
    ``mppdesk.ops.proxy`` has already put the client's address in REMOTE_ADDR."""
    if request is None:
        return None
    ip: str | None = request.META.get("REMOTE_ADDR") or None
    return ip


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with a lockout after repeated failures.

    Every refusal looks the same: wrong password, unknown user, inactive account and a
    locked user name or address all get one message, and all of them check a password
    hash first, so neither the answer nor its timing tells whether an account exists.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name and password did not match, or there were too many attempts. "
            "Check them and try again, or wait a few minutes."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            raise self.get_invalid_login_error()
        ip = client_ip(self.request)
        locked = services.login_is_locked(username=username, ip=ip)
        # Check the password even when locked: the same work, so the same timing.
        user = authenticate(self.request, username=username, password=password)
        if locked or user is None:
            services.record_login_failure(username=username, ip=ip)
            self.user_cache = None
            raise self.get_invalid_login_error()
        self.user_cache = user
        self.confirm_login_allowed(user)
        services.clear_login_failures(username=username)
        return self.cleaned_data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

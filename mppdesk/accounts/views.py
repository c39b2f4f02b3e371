"""Sign-in, two-factor enrolment and verification, device removal."""

from __future__ import annotations

from base64 import b32encode
from typing import cast
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from mppdesk.accounts import services
from mppdesk.accounts.forms import LockoutAuthenticationForm, TokenForm
from mppdesk.accounts.models import User
from mppdesk.core.errors import FieldErrors


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _grouped(secret: str) -> str:
    """``ABCD EFGH ...``: easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_refused_message(waited: int, wait_now: int) -> str:
    """Why a code was refused (``services.TotpCheck``: a wait not yet over, or a wrong code
    and the wait it started)."""
    if waited:
        return ngettext(
            "Too many wrong codes: wait %(seconds)d second, then enter the current code.",
            "Too many wrong codes: wait %(seconds)d seconds, then enter the current code.",
            waited,
        ) % {"seconds": waited}
    message = _("That code is not valid. Enter the current code.")
    if wait_now:
        message += " " + ngettext(
            "You can try again in %(seconds)d second.",
            "You can try again in %(seconds)d seconds.",
            wait_now,
        ) % {"seconds": wait_now}
    return message


def _is_verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


class LoginView(auth_views.LoginView):
    """Password first; then the code page (or enrolment) when the role needs two-factor."""

    form_class = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        user = cast(User, self.request.user)
        if services.confirmed_totp_device(user) is not None:
            return _with_next("two_factor_verify", url)
        if services.two_factor_required(user):
            return _with_next("two_factor_setup", url)
        return url


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app, or (once enrolled and verified) see and remove it."""
    user = cast(User, request.user)
    next_url = _next_url(request)
    if services.confirmed_totp_device(user) is not None:
        if not _is_verified(request):
            return redirect(_with_next("two_factor_verify", next_url))
        return render(
            request,
            "accounts/two_factor_status.html",
            {"form": TokenForm(), "required": services.two_factor_required(user)},
        )
    device = services.start_totp_enrolment(actor=user, user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_totp_device(
                actor=user, device=device, token=form.cleaned_data["token"]
            )
        except FieldErrors as exc:
            form.add_error("token", exc.errors["token"])
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return HttpResponseRedirect(next_url)
    uri = device.config_url
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, omitsize=True, title=_("QR code")
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "otpauth_uri": uri,
            # segno writes only the QR code's own markup; nothing here comes from the user.
            "qr_svg": mark_safe(qr_svg),  # noqa: S308
            "secret": _grouped(b32encode(device.bin_key).decode("ascii")),
            "next": next_url,
            "required": services.two_factor_required(user),
        },
    )


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code step after the password."""
    user = cast(User, request.user)
    next_url = _next_url(request)
    if services.confirmed_totp_device(user) is None:
        return redirect(_with_next("two_factor_setup", next_url))
    if _is_verified(request):
        return HttpResponseRedirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.check_totp(user=user, token=form.cleaned_data["token"])
        if check.device is not None:
            otp_login(request, check.device)
            return HttpResponseRedirect(next_url)
        form.add_error("token", code_refused_message(check.waited, check.wait_now))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Remove one's own device with a current code (administrators: the Django admin)."""
    user = cast(User, request.user)
    if not _is_verified(request):
        return redirect(_with_next("two_factor_verify", reverse("two_factor_setup")))
    form = TokenForm(request.POST)
    if form.is_valid():
        check = services.check_totp(user=user, token=form.cleaned_data["token"])
        if check.device is not None:
            services.remove_totp_devices(actor=user, user=user)
            messages.success(request, _("Two-factor sign-in was removed."))
            return redirect("two_factor_setup")
        form.add_error("token", code_refused_message(check.waited, check.wait_now))
    return render(
        request,
        "accounts/two_factor_status.html",
        {"form": form, "required": services.two_factor_required(user)},
        status=400,
    )

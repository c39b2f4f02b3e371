"""TOTP two-factor: enrolment, the code step after the password, removal, enforcement."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from mppdesk.accounts import services
from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import confirmed_device, current_code, verified_login
from mppdesk.audit.models import AuditEntry
from mppdesk.testing.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
SETUP = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"
REMOVE = "/accounts/two-factor/remove/"


def _password_login(client: Client, username: str, next_url: str = "") -> str:
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302, response.content
    return str(response["Location"])


def _analyst():  # type: ignore[no-untyped-def]
    user = UserFactory(username="analyst")
    MembershipFactory(user=user, role=Membership.Role.ANALYST)
    return user


def test_first_login_without_a_device_goes_to_enrolment(personas):
    client = Client()
    location = _password_login(client, "caseworker", "/cases/")
    assert location == f"{SETUP}?next=%2Fcases%2F"
    # Every other page sends them back there.
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fpeople%2F"


def test_enrolment_shows_the_uri_and_a_qr_code_and_confirms_with_a_first_code(personas):
    client = Client()
    _password_login(client, "caseworker")
    page = client.get(SETUP, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "otpauth://totp/MPP%20Desk%3Acaseworker?secret=" in html
    assert "<svg" in html and "</svg>" in html
    assert page["Cache-Control"].startswith("max-age=0")
    device = TOTPDevice.objects.get(user=personas.caseworker)
    assert not device.confirmed

    wrong = client.post(SETUP, {"token": "000000" if current_code(device) != "000000" else "1"})
    assert wrong.status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    response = client.post(SETUP, {"token": current_code(device), "next": "/cases/"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/people/").status_code == 200
    assert AuditEntry.objects.filter(object_type="totp_device", action="create").exists()


def test_enrolment_reuses_the_pending_device(personas):
    client = Client()
    _password_login(client, "caseworker")
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=personas.caseworker).count() == 1


def test_login_with_a_device_asks_for_the_code(personas):
    device = confirmed_device(personas.caseworker)
    client = Client()
    location = _password_login(client, "caseworker", "/cases/")
    assert location == f"{VERIFY}?next=%2Fcases%2F"
    assert client.get("/people/")["Location"] == f"{VERIFY}?next=%2Fpeople%2F"
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # no second device on a password

    bad = client.post(VERIFY, {"token": "12345", "next": "/cases/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200
    assert "not valid" in bad.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    good = client.post(VERIFY, {"token": current_code(device), "next": "/cases/"})
    assert good.status_code == 302
    assert good["Location"] == "/cases/"
    assert client.get("/people/").status_code == 200


def test_verify_refuses_an_offsite_next(personas):
    device = confirmed_device(personas.caseworker)
    client = Client()
    _password_login(client, "caseworker")
    response = client.post(VERIFY, {"token": current_code(device), "next": "https://evil.test/"})
    assert response["Location"] == "/"  # the home page (LOGIN_REDIRECT_URL)


def test_open_pages_stay_open_before_verification(personas):
    client = Client()
    _password_login(client, "caseworker")
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/people").status_code == 401  # the API wants a token, not 2FA
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302


def test_htmx_requests_are_sent_to_the_code_page_with_a_full_reload(personas):
    confirmed_device(personas.caseworker)
    client = Client()
    _password_login(client, "caseworker")
    response = client.post("/people/", {"q": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(VERIFY)


def test_roles_without_personal_data_are_not_asked(personas):
    _analyst()
    client = Client()
    assert _password_login(client, "analyst") == "/"


def test_anyone_with_a_device_must_use_it(personas):
    confirmed_device(_analyst())
    client = Client()
    assert _password_login(client, "analyst").startswith(VERIFY)


def test_required_roles_come_from_the_setting(personas, settings):
    settings.MPPDESK_2FA_REQUIRED_ROLES = []
    client = Client()
    assert _password_login(client, "caseworker") == "/"
    assert client.get("/cases/").status_code == 200
    settings.MPPDESK_2FA_REQUIRED_ROLES = ["analyst"]
    assert not services.two_factor_required(personas.caseworker)
    assert services.two_factor_required(_analyst())


def test_superusers_need_two_factor_for_the_admin(personas):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith(SETUP)
    verified_login(client, admin)
    assert client.get("/admin/").status_code == 200


def test_user_removes_their_device_with_a_code_and_enrols_again(personas):
    client = verified_login(Client(), personas.caseworker)
    device = TOTPDevice.objects.get(user=personas.caseworker)
    status = client.get(SETUP, HTTP_ACCEPT_LANGUAGE="en")
    assert "Remove the device" in status.content.decode()

    refused = client.post(REMOVE, {"token": "nope"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    response = client.post(REMOVE, {"token": current_code(device)})
    assert response["Location"] == SETUP
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEntry.objects.filter(object_type="totp_device", action="delete").exists()
    # The session is no longer verified: back to enrolment for any page.
    assert client.get("/people/")["Location"].startswith(SETUP)


def test_admin_can_reset_a_users_device(personas):
    confirmed_device(personas.caseworker)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = verified_login(Client(), admin)
    device = TOTPDevice.objects.get(user=personas.caseworker)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.caseworker).exists()


def test_enrolment_is_refused_while_a_device_is_confirmed(personas):
    confirmed_device(personas.caseworker)
    with pytest.raises(services.FieldErrors):
        services.start_totp_enrolment(actor=personas.caseworker, user=personas.caseworker)


def test_verified_login_helper_gives_a_verified_session(caseworker_client):
    assert caseworker_client.get("/people/").status_code == 200


def test_a_mistyped_code_says_how_long_to_wait_and_the_right_one_then_works(personas):
    """django-otp refuses every code for a moment after a wrong one: the page says so and
    for how long, instead of calling the right code "not valid"."""
    import datetime as dt

    from django.utils import timezone

    device = confirmed_device(personas.caseworker)
    client = Client()
    _password_login(client, "caseworker", "/cases/")
    # The clock stands still from the wrong code to the right one: the wait is one second,
    # and on a loaded machine two requests can take longer than that (this test once
    # failed so, the right code signing in because the wait had already passed).
    with time_machine.travel(timezone.now(), tick=False):
        wrong = "000000" if current_code(device) != "000000" else "111111"
        bad = client.post(VERIFY, {"token": wrong, "next": "/cases/"}, HTTP_ACCEPT_LANGUAGE="en")
        html = bad.content.decode()
        assert "That code is not valid" in html and "You can try again in 1 second." in html

        device.refresh_from_db()
        right = client.post(
            VERIFY, {"token": current_code(device), "next": "/cases/"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert right.status_code == 200  # still inside the wait: not checked, and it says so
    html = right.content.decode()
    assert "Too many wrong codes: wait 1 second, then enter the current code." in html
    assert "not valid" not in html

    # Once the wait is over, the current code signs in.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=5)
    )
    device.refresh_from_db()
    good = client.post(VERIFY, {"token": current_code(device), "next": "/cases/"})
    assert good.status_code == 302 and good["Location"] == "/cases/"


def test_the_wait_message_is_in_spanish():
    from django.utils import translation

    from mppdesk.accounts.views import code_refused_message

    with translation.override("es"):
        assert "espere 8 segundos" in code_refused_message(8, 0)
        assert "Puede volver a intentarlo en 2 segundos." in code_refused_message(0, 2)

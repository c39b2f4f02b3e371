"""Lockout after repeated failed sign-ins, without revealing whether an account exists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import LoginFailure
from mppdesk.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str, ip: str = "203.0.113.5"):  # type: ignore[no-untyped-def]
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _fail(client: Client, username: str, times: int, ip: str = "203.0.113.5") -> None:
    for _ in range(times):
        assert _login(client, username, "wrong password!", ip).status_code == 200


def test_correct_password_signs_in(personas):
    response = _login(Client(), "caseworker", PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


def test_five_failures_lock_the_user_name_even_with_the_right_password(personas):
    client = Client()
    _fail(client, "caseworker", 5)
    response = _login(client, "caseworker", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "too many attempts" in response.content.decode()


def test_four_failures_do_not_lock_and_success_forgives_them(personas):
    client = Client()
    _fail(client, "caseworker", 4)
    assert _login(client, "caseworker", PASSWORD).status_code == 302
    _fail(Client(), "caseworker", 4)
    assert _login(Client(), "caseworker", PASSWORD).status_code == 302


def test_the_lock_counts_the_user_name_in_any_case(personas):
    _fail(Client(), "CaseWorker", 5)
    assert _login(Client(), "caseworker", PASSWORD).status_code == 200


def test_the_lock_expires(personas):
    _fail(Client(), "caseworker", 5)
    LoginFailure.objects.update(created_at=timezone.now() - dt.timedelta(minutes=16))
    assert _login(Client(), "caseworker", PASSWORD).status_code == 302
    assert not LoginFailure.objects.exists()  # old rows are cleaned up as we go


def test_one_address_is_locked_after_too_many_failures_across_names(personas, settings):
    settings.LOGIN_FAILURE_IP_LIMIT = 6
    for index in range(6):
        _fail(Client(), f"guess{index}", 1, ip="198.51.100.7")
    assert _login(Client(), "caseworker", PASSWORD, ip="198.51.100.7").status_code == 200
    assert _login(Client(), "caseworker", PASSWORD, ip="198.51.100.8").status_code == 302


def test_unknown_and_locked_accounts_answer_exactly_like_a_wrong_password(personas):
    wrong = _login(Client(), "outsider", "wrong password!")
    unknown = _login(Client(), "nobody-here", "wrong password!")
    _fail(Client(), "coordinator", 5)
    locked = _login(Client(), "coordinator", PASSWORD)

    def page(response) -> str:  # type: ignore[no-untyped-def]
        """The page without what differs by design: the typed name and the CSRF token."""
        html = response.content.decode()
        html = re.sub(r'name="username" ([^>]*)value="[^"]*"', r"\1", html)
        html = re.sub(r'"X-CSRFToken": "\w+"', "", html)
        return re.sub(r'value="[A-Za-z0-9]{64}"', "", html)

    assert wrong.status_code == unknown.status_code == locked.status_code == 200
    assert page(wrong) == page(unknown) == page(locked)


def test_unknown_user_names_are_counted_and_locked_too():
    _fail(Client(), "nobody-here", 5)
    assert LoginFailure.objects.count() == 5


def test_user_names_are_stored_only_as_keyed_hashes(personas):
    _fail(Client(), "my secret password typed here", 1)
    row = LoginFailure.objects.values().get()
    assert "secret" not in repr(row)
    assert len(row["username_hash"]) == 64


def test_every_refusal_checks_a_password_hash(personas, monkeypatch):
    """Same work for wrong, unknown and locked: the timing does not tell them apart."""
    from django.contrib.auth import hashers

    calls: list[str] = []
    real = hashers.MD5PasswordHasher.encode

    def counting(self, password, salt):  # type: ignore[no-untyped-def]
        calls.append("hash")
        return real(self, password, salt)

    monkeypatch.setattr(hashers.MD5PasswordHasher, "encode", counting)
    _fail(Client(), "coordinator", 5)
    per_attempt = []
    for username, password in (
        ("outsider", "wrong password!"),
        ("nobody-here", "wrong password!"),
        ("coordinator", PASSWORD),  # locked
    ):
        calls.clear()
        _login(Client(), username, password)
        per_attempt.append(len(calls))
    assert per_attempt[0] == per_attempt[1] == per_attempt[2] >= 1

"""``mppdesk twilio``: play Twilio against this server's webhooks, locally.

``mppdesk twilio text`` posts an inbound text the way Twilio does (form fields From, To,
Body, MessageSid, AccountSid, ...) to ``/hooks/twilio/inbound`` and prints the reply of
the TwiML; ``mppdesk twilio status`` posts a delivery receipt to ``/hooks/twilio/status``.
Both sign the request as Twilio would: ``RequestValidator(TWILIO_AUTH_TOKEN)`` over
``PUBLIC_BASE_URL`` + path (what the server checks, see ``mppdesk/lib/twilio_hooks.py``),
while the request itself goes to ``--url`` (the server's real address). In local mode the
token is the development one in the var directory (``mppdesk/lib/devtokens.py``): run
the command with the same ``MPPDESK_VAR_DIR`` as the server.
"""

from __future__ import annotations

import html
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request

import click

from mppdesk.core.cli_support import UserError, setup_django

INBOUND_PATH = "/hooks/twilio/inbound"
STATUS_PATH = "/hooks/twilio/status"
STATUSES = ("queued", "sending", "sent", "delivered", "read", "undelivered", "failed")
DEFAULT_TO = "+15005550006"  # Twilio's magic test number, when no TWILIO_SMS_FROM is set
FORGED_SIGNATURE = "Zm9yZ2VkIGJ5IG1wcGRlc2sgdHdpbGlvIC0tZm9yZ2U="


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def _account_sid() -> str:
    from django.conf import settings

    return str(settings.TWILIO_ACCOUNT_SID or "AC" + "0" * 32)


def signed_post(
    base_url: str, path: str, params: dict[str, str], *, forge: bool = False
) -> tuple[int, str]:
    """POST ``params`` to ``base_url + path`` signed for ``PUBLIC_BASE_URL + path``.

    Returns the HTTP status and the response body (an HTTP error is a status, not an
    exception; an unreachable server is a ``UserError``)."""
    from django.conf import settings
    from twilio.request_validator import RequestValidator

    token = str(settings.TWILIO_AUTH_TOKEN or "")
    if not token and not forge:
        raise UserError(
            "TWILIO_AUTH_TOKEN: not set",
            ["TWILIO_AUTH_TOKEN: not set; set it as the server has it (production mode)."],
        )
    signed_url = str(settings.PUBLIC_BASE_URL or "").rstrip("/") + path
    signature = (
        FORGED_SIGNATURE if forge else RequestValidator(token).compute_signature(signed_url, params)
    )
    target = base_url.rstrip("/") + path
    if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
        raise UserError("url: use http(s)", [f"url: {base_url!r} is not an http(s) address."])
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        target,
        data=urllib.parse.urlencode(params).encode(),
        headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "TwilioProxy/1.1 (mppdesk twilio)",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) only
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(
            "url: server unreachable",
            [f"url: cannot reach {base_url} ({reason}); is `mppdesk run` running there?"],
        ) from exc


_MESSAGE = re.compile(r"<Message(?:\s[^>]*)?>(.*?)</Message>", re.S)


def twiml_replies(body: str) -> list[str]:
    """The texts of the ``<Message>`` elements of a TwiML response (our own server's;
    plain text, escaped as XML)."""
    return [html.unescape(text).strip() for text in _MESSAGE.findall(body)]


def _default_url() -> str:
    from django.conf import settings

    return str(settings.PUBLIC_BASE_URL or "http://127.0.0.1:8000")


@click.group("twilio", short_help="Post signed Twilio webhooks to a running server.")
def twilio_group() -> None:
    """Play Twilio locally: text the inbound hook, post delivery receipts.

    Requests are signed with TWILIO_AUTH_TOKEN (in local mode the development token kept
    in the var directory: use the server's MPPDESK_VAR_DIR) over PUBLIC_BASE_URL + path."""


@twilio_group.command("text")
@click.argument("body")
@click.option("--from", "sender", required=True, help="Sender's number, e.g. +5265612345678.")
@click.option("--to", "to", default=None, help="Our number (default TWILIO_SMS_FROM).")
@click.option("--url", default=None, help="Server address (default PUBLIC_BASE_URL).")
@click.option("--whatsapp", is_flag=True, help="Send as a WhatsApp message.")
def text_command(body: str, sender: str, to: str | None, url: str | None, whatsapp: bool) -> None:
    """Text BODY to the inbound hook, as Twilio would, and print the reply."""
    setup_django()
    from django.conf import settings

    ours = to or str(settings.TWILIO_SMS_FROM or DEFAULT_TO)
    sender = sender.strip()
    if whatsapp:
        sender, ours = f"whatsapp:{sender}", f"whatsapp:{ours}"
    sid = _sid("SM")
    params = {
        "AccountSid": _account_sid(),
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": sender,
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": ours,
    }
    status, content = signed_post(url or _default_url(), INBOUND_PATH, params)
    click.echo(f"HTTP {status}")
    if status != 200:
        click.echo(content.strip()[:200], err=True)
        raise SystemExit(1)
    for reply in twiml_replies(content):
        click.echo(reply)


@twilio_group.command("status")
@click.option("--sid", default=None, help="The message's provider id (SM... or CO...).")
@click.option("--latest", is_flag=True, help="Use the most recently sent message's id.")
@click.option(
    "--status", "status_", type=click.Choice(STATUSES), default="delivered", show_default=True
)
@click.option("--error-code", default="", help="Twilio error code, e.g. 30003.")
@click.option("--forge", is_flag=True, help="Sign wrongly: the server must answer 403.")
@click.option("--url", default=None, help="Server address (default PUBLIC_BASE_URL).")
def status_command(
    sid: str | None, latest: bool, status_: str, error_code: str, forge: bool, url: str | None
) -> None:
    """Post a delivery receipt for one message and print the HTTP status."""
    setup_django()
    from mppdesk.messaging.models import Message

    if bool(sid) == latest:
        raise UserError("sid: give --sid or --latest", ["sid: give either --sid or --latest."])
    message = None
    if latest:
        message = (
            Message.objects.exclude(provider_id="")
            .filter(sent_at__isnull=False)
            .order_by("-sent_at")
            .first()
        )
        if message is None:
            raise UserError("sid: no sent message", ["sid: no message has been sent yet."])
        sid = message.provider_id
    sid = sid or ""
    params = {
        "AccountSid": _account_sid(),
        "ApiVersion": "2010-04-01",
        "MessageSid": sid,
        "MessageStatus": status_,
        "SmsSid": sid,
        "SmsStatus": status_,
    }
    if error_code:
        params["ErrorCode"] = error_code
    code, content = signed_post(url or _default_url(), STATUS_PATH, params, forge=forge)
    click.echo(f"HTTP {code} for {sid}")
    message = Message.objects.filter(provider_id=sid).first()
    if message is not None:
        click.echo(f"Message {message.pk} is now {message.status}.")
    expected_ok = (code == 403) if forge else (200 <= code < 300)
    if not expected_ok:
        raise SystemExit(1)


def register_commands(group: click.Group) -> None:
    """Mount ``twilio`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(twilio_group)

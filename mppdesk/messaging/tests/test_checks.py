"""System checks of the provider settings."""

from __future__ import annotations

import pytest

from mppdesk.messaging.checks import check_messaging_providers

SMS = "mppdesk.messaging.providers.twilio_sms.TwilioSmsProvider"
WHATSAPP = "mppdesk.messaging.providers.twilio_whatsapp.TwilioWhatsAppProvider"
CONSOLE = "mppdesk.messaging.providers.console.ConsoleProvider"
EMAIL = "mppdesk.messaging.providers.smtp_email.SmtpEmailProvider"


def ids(settings) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(message.id for message in check_messaging_providers())


def providers(**special: str) -> dict[str, str]:
    """The console provider on every channel but those named."""
    return {
        channel: special.get(channel, CONSOLE) for channel in ("sms", "whatsapp", "voice", "email")
    }


TWILIO_SMS_UNSET = {"TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "", "TWILIO_SMS_FROM": ""}
TWILIO_SMS_SET = {
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_SMS_FROM": "+15005550006",
}
WHATSAPP_WITHOUT_TEMPLATES = {
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_WHATSAPP_FROM": "+15005550007",
    "TWILIO_WHATSAPP_CONTENT_TEMPLATES": {},
}


@pytest.mark.parametrize(
    ("special", "overrides", "expected"),
    [
        pytest.param({}, {}, [], id="console-everywhere-is-fine"),
        pytest.param(
            {"sms": SMS},
            TWILIO_SMS_UNSET,
            ["mppdesk.messaging.E001", "mppdesk.messaging.E002"],
            id="twilio-without-credentials-or-number",
        ),
        pytest.param({"sms": SMS}, TWILIO_SMS_SET, [], id="twilio-with-credentials-and-number"),
        pytest.param(
            {"whatsapp": WHATSAPP},
            WHATSAPP_WITHOUT_TEMPLATES,
            ["mppdesk.messaging.W001"],
            id="whatsapp-without-templates-warns",
        ),
        pytest.param(
            {"email": EMAIL},
            {"DEFAULT_FROM_EMAIL": ""},
            ["mppdesk.messaging.E003"],
            id="email-without-host-or-sender",
        ),
    ],
)
def test_provider_settings_are_checked(settings, special, overrides, expected):
    settings.MESSAGING_PROVIDERS = providers(**special)
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert ids(settings) == expected


def test_missing_channel_bad_path_and_short_lease(settings):
    settings.MESSAGING_PROVIDERS = {
        "sms": "nowhere.Provider",
        "whatsapp": CONSOLE,
        "voice": CONSOLE,
    }
    settings.MESSAGING_LEASE_SECONDS = 20
    settings.TWILIO_TIMEOUT_SECONDS = 15
    assert ids(settings) == [
        "mppdesk.messaging.E010",
        "mppdesk.messaging.E011",
        "mppdesk.messaging.E012",
    ]

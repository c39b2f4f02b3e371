"""System checks of the provider settings."""

from __future__ import annotations

from mppdesk.messaging.checks import check_messaging_providers

SMS = "mppdesk.messaging.providers.twilio_sms.TwilioSmsProvider"
WHATSAPP = "mppdesk.messaging.providers.twilio_whatsapp.TwilioWhatsAppProvider"
CONSOLE = "mppdesk.messaging.providers.console.ConsoleProvider"
EMAIL = "mppdesk.messaging.providers.smtp_email.SmtpEmailProvider"


def ids(settings) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(message.id for message in check_messaging_providers())


def test_console_everywhere_is_fine(settings):
    settings.MESSAGING_PROVIDERS = dict.fromkeys(["sms", "whatsapp", "voice", "email"], CONSOLE)
    assert ids(settings) == []


def test_twilio_without_credentials_or_number(settings):
    settings.MESSAGING_PROVIDERS = {
        "sms": SMS,
        "whatsapp": CONSOLE,
        "voice": CONSOLE,
        "email": CONSOLE,
    }
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_SMS_FROM = ""
    assert ids(settings) == ["mppdesk.messaging.E001", "mppdesk.messaging.E002"]
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_SMS_FROM = "+15005550006"
    assert ids(settings) == []


def test_whatsapp_without_templates_warns(settings):
    settings.MESSAGING_PROVIDERS = {
        "sms": CONSOLE,
        "whatsapp": WHATSAPP,
        "voice": CONSOLE,
        "email": CONSOLE,
    }
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_WHATSAPP_FROM = "+15005550007"
    settings.TWILIO_WHATSAPP_CONTENT_TEMPLATES = {}
    assert ids(settings) == ["mppdesk.messaging.W001"]


def test_email_without_host_or_sender(settings):
    settings.MESSAGING_PROVIDERS = {
        "sms": CONSOLE,
        "whatsapp": CONSOLE,
        "voice": CONSOLE,
        "email": EMAIL,
    }
    settings.DEFAULT_FROM_EMAIL = ""
    assert ids(settings) == ["mppdesk.messaging.E003"]


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

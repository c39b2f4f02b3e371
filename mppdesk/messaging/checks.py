"""System checks of the provider settings: each selected provider checks its own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def check_messaging_providers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from mppdesk.messaging.models import Channel
    from mppdesk.messaging.providers import provider_class

    errors: list[checks.CheckMessage] = []
    seen: set[type] = set()
    configured: dict[str, str] = getattr(settings, "MESSAGING_PROVIDERS", {}) or {}
    for channel in Channel.values:
        path = configured.get(channel)
        if not path:
            errors.append(
                checks.Error(
                    f"No messaging provider for the channel {channel!r}.",
                    hint="Set MESSAGING_PROVIDERS (console is the default).",
                    id="mppdesk.messaging.E010",
                )
            )
            continue
        try:
            cls = provider_class(channel)
        except (ImportError, TypeError) as exc:
            errors.append(
                checks.Error(
                    f"The messaging provider of {channel!r} cannot be loaded ({exc}).",
                    id="mppdesk.messaging.E011",
                )
            )
            continue
        if cls not in seen:
            seen.add(cls)
            errors.extend(cls.check_settings())
    lease = int(getattr(settings, "MESSAGING_LEASE_SECONDS", 120))
    timeout = int(getattr(settings, "TWILIO_TIMEOUT_SECONDS", 15))
    if lease <= 2 * timeout:
        errors.append(
            checks.Error(
                "MESSAGING_LEASE_SECONDS must be more than twice TWILIO_TIMEOUT_SECONDS.",
                hint="A lease shorter than a send could let a second worker send again.",
                id="mppdesk.messaging.E012",
            )
        )
    return errors

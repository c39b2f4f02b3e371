"""Providers by channel, from ``settings.MESSAGING_PROVIDERS`` (dotted paths)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from mppdesk.messaging.providers.base import (
    LeaseExpired,
    Provider,
    TransportError,
    check_send_deadline,
    send_deadline,
)

__all__ = [
    "LeaseExpired",
    "Provider",
    "TransportError",
    "check_send_deadline",
    "provider_class",
    "provider_for",
    "send_deadline",
]


@cache
def _load(path: str) -> type[Provider]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, Provider)):
        raise TypeError(f"{path} is not a messaging provider")
    return cls


def provider_class(channel: str) -> type[Provider]:
    return _load(str(settings.MESSAGING_PROVIDERS[channel]))


def provider_for(channel: str) -> Provider:
    return provider_class(channel)()

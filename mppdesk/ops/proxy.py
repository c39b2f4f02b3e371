"""Trust ``X-Forwarded-Proto`` and ``X-Forwarded-For`` only from the proxies named in
``MPPDESK_TRUSTED_PROXIES`` (addresses or networks, comma-separated).

``settings.SECURE_PROXY_SSL_HEADER`` makes Django believe ``X-Forwarded-Proto: https``;
this middleware, first in the chain, removes the header from requests whose peer
(``REMOTE_ADDR``) is not a named proxy, so that a client talking to gunicorn directly
cannot claim HTTPS. From a named proxy, the client address becomes the right-most
``X-Forwarded-For`` entry that is not itself a named proxy: the login lockout and the
self-service rate limits count by it, and would otherwise count the proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.5", "10.1.0.0/16"]`` as networks; a bad entry raises ValueError naming it."""
    networks = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            raise ValueError(f"MPPDESK_TRUSTED_PROXIES: {value!r} is not an address") from exc
    return tuple(networks)


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = parse_networks(getattr(settings, "MPPDESK_TRUSTED_PROXIES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if not is_trusted(meta.get("REMOTE_ADDR", ""), self.networks):
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        else:
            hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            for hop in reversed([h for h in hops if h]):
                if not is_trusted(hop, self.networks):
                    try:
                        ipaddress.ip_address(hop)
                    except ValueError:
                        break  # garbage from the client: keep the proxy's address
                    meta["REMOTE_ADDR"] = hop
                    break
        return self.get_response(request)

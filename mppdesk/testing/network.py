"""Refuse any socket connection that leaves the machine during tests."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


class OutboundNetworkBlocked(RuntimeError):
    pass


def _check(address: Any) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost",):
            return
        try:
            ip = ipaddress.ip_address(host)
        except ValueError as exc:
            raise OutboundNetworkBlocked(
                f"tests may only connect to loopback, not {host!r}"
            ) from exc
        if not ip.is_loopback:
            raise OutboundNetworkBlocked(f"tests may only connect to loopback, not {host}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(address)
    _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(address)
    return _original_connect_ex(self, address)


def install() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]

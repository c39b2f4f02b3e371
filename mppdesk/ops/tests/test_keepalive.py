"""A real gunicorn (``mppdesk serve``) keeps an idle connection open longer than a
client waits between two requests, so the second request is not lost on a connection
the server was closing (gunicorn's 2 s default dropped requests in the load run)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from mppdesk.cli.app import KEEPALIVE_SECONDS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not listen")


def test_an_idle_connection_outlives_a_clients_pause(tmp_path: Path) -> None:
    assert KEEPALIVE_SECONDS > 60  # above nginx's upstream idle: the proxy closes first
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MPPDESK_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
    )
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "mppdesk",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],  # fmt: skip
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, server)
        # Generous: the first request waits for the worker to boot, slow on a loaded machine.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        assert first.status == 200
        local = connection.sock.getsockname()
        time.sleep(3.5)  # longer than gunicorn's default keep-alive of 2 s
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        second.read()
        assert second.status == 200
        assert connection.sock.getsockname() == local  # the same connection, not a new one
        connection.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

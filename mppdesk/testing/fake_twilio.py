"""A fake of the Twilio REST API on 127.0.0.1, for tests and the benchmark.

Speaks enough of ``/2010-04-01/Accounts/{sid}/Messages.json`` and ``Calls.json`` (create
and list, with the ``To``, ``From``, ``DateSent>`` and ``StartTime>`` filters) for the
real ``twilio`` client, pointed at it with ``settings.TWILIO_API_BASE = fake.base_url``.
Requests must carry the configured account SID and auth token (HTTP basic auth).

Faults, for creates only: a scripted sequence (``script(["429", "ok", ...])``) is used
first, then per-request probabilities (``rates={"500": 0.05}``, seeded). Kinds:

- ``timeout``: sleep ``timeout_sleep`` seconds (past the client's timeout) without
  accepting the message;
- ``timeout_accepted``: accept the message, then sleep: the client times out although
  the message went out (the hard case for duplicates);
- ``429`` (with ``Retry-After``), ``500``;
- numbers in ``invalid_numbers`` get 400 with code 21211, ``unsubscribed`` 21610.

Every accepted message and call is kept in ``accepted`` so a test or benchmark can count
duplicates (same To and body) and losses. ``callback(sid, status)`` gives the URL, form
and ``X-Twilio-Signature`` of a status callback signed as Twilio would;
``post_callback`` posts it over HTTP.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"  # noqa: S105 - a fake's fixed token
FAULTS = ("ok", "timeout", "timeout_accepted", "429", "500")


@dataclass
class Accepted:
    sid: str
    kind: str  # "message" or "call"
    to: str
    from_: str
    body: str
    created: dt.datetime
    status_callback: str = ""
    content_sid: str = ""
    twiml: str = ""
    status: str = "queued"
    params: dict[str, str] = field(default_factory=dict)

    def resource(self, account_sid: str) -> dict[str, Any]:
        stamp = format_datetime(self.created, usegmt=True)
        if self.kind == "call":
            return {
                "sid": self.sid,
                "account_sid": account_sid,
                "to": self.to,
                "from": self.from_,
                "status": self.status,
                "direction": "outbound-api",
                "date_created": stamp,
                "date_updated": stamp,
                "start_time": stamp,
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{account_sid}/Calls/{self.sid}.json",
            }
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "to": self.to,
            "from": self.from_,
            "body": self.body,
            "status": self.status,
            "direction": "outbound-api",
            "date_created": stamp,
            "date_updated": stamp,
            "date_sent": stamp,
            "num_segments": "1",
            "num_media": "0",
            "error_code": None,
            "error_message": None,
            "price": None,
            "price_unit": "USD",
            "messaging_service_sid": None,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{self.sid}.json",
            "subresource_uris": {},
        }


def _parse_time(raw: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class FakeTwilio:
    """The server and its record. Use ``start()``/``stop()`` or ``with FakeTwilio() as f``."""

    def __init__(
        self,
        *,
        account_sid: str = ACCOUNT_SID,
        auth_token: str = AUTH_TOKEN,
        rates: dict[str, float] | None = None,
        seed: int = 0,
        timeout_sleep: float = 1.5,
        retry_after: int = 1,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.rates = dict(rates or {})
        self.random = random.Random(seed)  # noqa: S311 - fault injection, not security
        self.timeout_sleep = timeout_sleep
        self.retry_after = retry_after
        self.invalid_numbers: set[str] = set()
        self.unsubscribed: set[str] = set()
        self.accepted: list[Accepted] = []
        self._by_to: dict[str, list[Accepted]] = {}  # a list filtered by To reads only these
        self.requests: Counter[str] = Counter()  # "POST Messages", "GET Calls", "fault 429"
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @contextmanager
    def configured(self, settings: Any) -> Iterator[FakeTwilio]:
        """Point Django settings (e.g. pytest-django's ``settings``) at this fake."""
        settings.TWILIO_ACCOUNT_SID = self.account_sid
        settings.TWILIO_AUTH_TOKEN = self.auth_token
        settings.TWILIO_API_BASE = self.base_url
        yield self

    # -- faults ------------------------------------------------------------------------
    def script(self, faults: Iterable[str]) -> None:
        """Faults for the next creates, in order (``"ok"`` for a normal answer)."""
        with self._lock:
            self._script.extend(faults)

    def _next_fault(self, to: str) -> str:
        bare = to.removeprefix("whatsapp:")
        if bare in self.invalid_numbers:
            return "21211"
        if bare in self.unsubscribed:
            return "21610"
        with self._lock:
            if self._script:
                return self._script.popleft()
            roll = self.random.random()
        for kind, rate in self.rates.items():
            if roll < rate:
                return kind
            roll -= rate
        return "ok"

    # -- the record --------------------------------------------------------------------
    def _accept(self, item: Accepted) -> None:
        with self._lock:
            self.accepted.append(item)
            self._by_to.setdefault(item.to, []).append(item)

    def messages(self) -> list[Accepted]:
        with self._lock:
            return list(self.accepted)

    def sent_to(self, to: str) -> list[Accepted]:
        """Everything accepted for ``to`` (Twilio's list answers from an index too)."""
        with self._lock:
            return list(self._by_to.get(to, ()))

    def counts(self) -> Counter[tuple[str, str]]:
        """How often each (To, body) was accepted."""
        return Counter((item.to, item.body) for item in self.messages())

    def duplicates(self) -> dict[tuple[str, str], int]:
        return {key: n for key, n in self.counts().items() if n > 1}

    def find(self, sid: str) -> Accepted | None:
        return next((item for item in self.messages() if item.sid == sid), None)

    # -- status callbacks --------------------------------------------------------------
    def callback(
        self, sid: str, status: str, *, error_code: str = "", url: str | None = None
    ) -> tuple[str, dict[str, str], str]:
        """(url, form, X-Twilio-Signature) of a status callback Twilio would send."""
        item = self.find(sid)
        target = url or (item.status_callback if item else "")
        params = {
            "AccountSid": self.account_sid,
            "MessageSid": sid,
            "MessageStatus": status,
            "SmsSid": sid,
            "SmsStatus": status,
            "To": item.to if item else "",
            "From": item.from_ if item else "",
            "ApiVersion": "2010-04-01",
        }
        if item is not None and item.kind == "call":
            params = {
                "AccountSid": self.account_sid,
                "CallSid": sid,
                "CallStatus": status,
                "MessageSid": sid,
                "MessageStatus": status,
            }
        if error_code:
            params["ErrorCode"] = error_code
        signature = RequestValidator(self.auth_token).compute_signature(target, params)
        return target, params, str(signature)

    def post_callback(self, sid: str, status: str, *, error_code: str = "") -> int:
        """POST a signed status callback to the message's StatusCallback; the HTTP status."""
        url, params, signature = self.callback(sid, status, error_code=error_code)
        if not url.startswith("http://127.0.0.1") and not url.startswith("http://localhost"):
            raise ValueError("the fake only calls back to 127.0.0.1")
        request = urllib.request.Request(  # noqa: S310 - loopback only (checked above)
            url,
            data=urllib.parse.urlencode(params).encode(),
            headers={"X-Twilio-Signature": signature},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeTwilio
    protocol_version = "HTTP/1.1"
    # Small replies on a kept-alive connection: without this every one waits ~40 ms for
    # the client's delayed ACK (Nagle).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        return  # quiet: requests carry phone numbers

    # -- plumbing ----------------------------------------------------------------------
    def _send_json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (an injected timeout)

    def _error(
        self, status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send_json(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            headers,
        )

    def _authorized(self) -> bool:
        fake = self.server_fake
        expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def _route(self) -> tuple[str, dict[str, list[str]]] | None:
        parsed = urllib.parse.urlsplit(self.path)
        prefix = f"/2010-04-01/Accounts/{self.server_fake.account_sid}/"
        if not parsed.path.startswith(prefix):
            return None
        return parsed.path[len(prefix) :], urllib.parse.parse_qs(parsed.query)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {key: values[-1] for key, values in urllib.parse.parse_qs(raw).items()}

    # -- verbs -------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        route = self._route()
        if not self._authorized():
            self._error(401, 20003, "Authenticate")
            return
        if route is None or route[0] not in ("Messages.json", "Calls.json"):
            self._error(404, 20404, "The requested resource was not found")
            return
        name, query = route
        fake = self.server_fake
        kind = "message" if name == "Messages.json" else "call"
        fake.requests[f"GET {name}"] += 1

        def first(key: str) -> str | None:
            values = query.get(key)
            return values[-1] if values else None

        to, from_ = first("To"), first("From")
        after = first("DateSent>") or first("StartTime>")
        after_time = _parse_time(after) if after else None
        items = [
            item
            for item in (fake.messages() if to is None else fake.sent_to(to))
            if item.kind == kind
            and (to is None or item.to == to)
            and (from_ is None or item.from_ == from_)
            and (after_time is None or item.created >= after_time)
        ]
        items.sort(key=lambda item: item.created, reverse=True)
        size = int(first("PageSize") or 50)
        key = "messages" if kind == "message" else "calls"
        self._send_json(
            200,
            {
                key: [item.resource(fake.account_sid) for item in items[:size]],
                "end": min(len(items), size) - 1,
                "first_page_uri": self.path,
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": size,
                "start": 0,
                "uri": self.path,
            },
        )

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        route = self._route()
        form = self._form()
        if not self._authorized():
            self._error(401, 20003, "Authenticate")
            return
        if route is None or route[0] not in ("Messages.json", "Calls.json"):
            self._error(404, 20404, "The requested resource was not found")
            return
        name = route[0]
        fake = self.server_fake
        fake.requests[f"POST {name}"] += 1
        to, from_ = form.get("To", ""), form.get("From", "")
        if not to or not from_:
            self._error(400, 21604, "A 'To' and a 'From' are required")
            return
        kind = "message" if name == "Messages.json" else "call"
        body = form.get("Body", "")
        if kind == "message" and form.get("ContentSid"):
            variables = json.loads(form.get("ContentVariables") or "{}")
            body = str(variables.get("1", ""))
        elif kind == "call":
            body = form.get("Twiml", "")
        fault = fake._next_fault(to)
        fake.requests[f"fault {fault}"] += 1
        if fault == "21211":
            self._error(400, 21211, "The 'To' number is not a valid phone number.")
            return
        if fault == "21610":
            self._error(400, 21610, "Attempt to send to unsubscribed recipient")
            return
        if fault == "429":
            self._error(429, 20429, "Too Many Requests", {"Retry-After": str(fake.retry_after)})
            return
        if fault == "500":
            self._error(500, 20500, "Internal Server Error")
            return
        if fault == "timeout":
            time.sleep(fake.timeout_sleep)
            self._error(503, 20503, "Service Unavailable")
            return
        prefix = "SM" if kind == "message" else "CA"
        item = Accepted(
            sid=prefix + uuid.uuid4().hex,
            kind=kind,
            to=to,
            from_=from_,
            body=body,
            created=dt.datetime.now(dt.UTC).replace(microsecond=0),
            status_callback=form.get("StatusCallback", ""),
            content_sid=form.get("ContentSid", ""),
            twiml=form.get("Twiml", ""),
            params=form,
        )
        fake._accept(item)
        if fault == "timeout_accepted":
            time.sleep(fake.timeout_sleep)
        self._send_json(201, item.resource(fake.account_sid))

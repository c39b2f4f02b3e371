"""Locust scenario for MPP Desk on a hearing eve (``benchmarks/load_bench.py`` drives it).

Who is on the system at once, in these proportions (``weight``):

- **case workers** (6): search people by surname, by a whole name ("María Hernández":
  two common words) or by A-number (POST, as the list page does: search words never go
  in URLs) and open a person's page;
- **coordinators** (2): open the docket calendar and a docket;
- **the public** (2): a text to the text line ("CITA <A-number> <date of birth>") through
  the signed Twilio webhook, and the lookup page (GET);
- **Twilio** (1): signed delivery-status callbacks for messages that were sent;
- **baseline** (1): ``/healthz``, a bare Django JSON view, measured under the same load.

The driver writes the fixture (session cookies, ids, the webhook auth token) to the
JSON file named by ``MPPDESK_LOAD_FIXTURE``. Request names group the URLs per endpoint.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid

from locust import HttpUser, between, constant_throughput, task
from twilio.request_validator import RequestValidator

FIXTURE = json.loads(open(os.environ["MPPDESK_LOAD_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
VALIDATOR = RequestValidator(FIXTURE["twilio_auth_token"])
_counter = itertools.count()
# Production layout: the requests arrive as from the TLS proxy on 127.0.0.1.
HTTPS = os.environ.get("MPPDESK_LOAD_HTTPS") == "1"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"} if HTTPS else {}


class ProxiedUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.headers.update(PROXY_HEADERS)


class StaffUser(ProxiedUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        super().on_start()
        # One session per simulated person (every request saves its session: idle expiry).
        sessions = FIXTURE["sessions"][self.role]
        self.client.cookies.set("sessionid", sessions[next(_counter) % len(sessions)])
        # The list page sets the CSRF cookie that the search POST needs.
        self.client.get("/people/" if self.role == "caseworker" else "/hearings/dockets/",
                        name="(login: first page)")  # fmt: skip
        # Secure cookies are not sent back over the plain connection to 127.0.0.1: keep
        # a plain copy of the CSRF cookie, and send the Referer a browser would.
        self.csrf = next((c.value for c in self.client.cookies if c.name == "csrftoken"), "")
        self.client.cookies.set("csrftoken", self.csrf)
        base = FIXTURE.get("public_base_url") or self.host
        self.client.headers["Referer"] = base.rstrip("/") + "/people/"

    def staff(self, method: str, path: str, name: str, **kwargs: object) -> None:
        """A signed-in page: anything but 200 (a redirect to the login page: the session
        was not accepted) is a failure, not the login page's time under this name."""
        with self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class CaseWorker(StaffUser):
    weight = 6
    wait_time = between(1, 3)
    role = "caseworker"

    @task(3)
    def search_by_surname(self) -> None:
        self.staff(
            "POST",
            "/people/",
            data={"q": random.choice(FIXTURE["surnames"])},  # noqa: S311
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true", "HX-Target": "results"},
            name="case worker: search by name",
        )

    @task(1)
    def search_by_full_name(self) -> None:
        name = f"{random.choice(FIXTURE['given_names'])} {random.choice(FIXTURE['surnames'])}"  # noqa: S311
        self.staff(
            "POST",
            "/people/",
            data={"q": name},
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true", "HX-Target": "results"},
            name="case worker: search by whole name",
        )

    @task(2)
    def search_by_anumber(self) -> None:
        self.staff(
            "POST",
            "/people/",
            data={"q": random.choice(FIXTURE["a_numbers"])},  # noqa: S311
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true", "HX-Target": "results"},
            name="case worker: search by A-number",
        )

    @task(4)
    def open_person(self) -> None:
        person = random.choice(FIXTURE["people"])  # noqa: S311
        self.staff("GET", f"/people/{person}/", name="case worker: person page")


class Coordinator(StaffUser):
    weight = 2
    wait_time = between(2, 5)
    role = "coordinator"

    @task(1)
    def calendar(self) -> None:
        self.staff("GET", "/hearings/dockets/", name="coordinator: docket calendar")

    @task(3)
    def docket(self) -> None:
        docket = random.choice(FIXTURE["dockets"])  # noqa: S311
        self.staff("GET", f"/hearings/dockets/{docket}/", name="coordinator: docket")


def signed_post(user: HttpUser, path: str, params: dict[str, str], name: str) -> None:
    # Twilio signs the public address it was given (PUBLIC_BASE_URL), not 127.0.0.1.
    url = (FIXTURE.get("public_base_url") or user.host).rstrip("/") + path
    signature = VALIDATOR.compute_signature(url, params)
    with user.client.post(
        path, data=params, headers={"X-Twilio-Signature": signature}, name=name,
        catch_response=True,
    ) as response:  # fmt: skip
        if not 200 <= response.status_code < 300:
            response.failure(f"HTTP {response.status_code}")
        elif response.elapsed.total_seconds() > 15:
            response.failure("slower than Twilio's 15 s webhook timeout")


class Public(ProxiedUser):
    weight = 2
    wait_time = between(1, 4)

    @task(3)
    def text_line(self) -> None:
        a_number = random.choice(FIXTURE["a_numbers"])  # noqa: S311
        params = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "From": f"+52656{random.randint(1000000, 9999999)}",  # noqa: S311
            "To": FIXTURE["twilio_number"],
            "Body": f"CITA {a_number} 15/03/1990",
        }
        signed_post(self, "/hooks/twilio/inbound", params, "public: text line (CITA)")

    @task(1)
    def lookup_page(self) -> None:
        self.client.get("/consulta", name="public: lookup page")


class TwilioCallbacks(ProxiedUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    @task
    def status(self) -> None:
        sid = FIXTURE["message_sids"][next(_counter) % len(FIXTURE["message_sids"])]
        params = {"MessageSid": sid, "MessageStatus": "delivered", "To": "+526560000000"}
        signed_post(self, "/hooks/twilio/status", params, "twilio: status callback")


class Baseline(ProxiedUser):
    weight = 1
    wait_time = between(1, 3)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="baseline: bare Django JSON (/healthz)")


class TextLine(ProxiedUser):
    """The text line alone at a fixed rate (run by naming this class): each user sends one
    text a second, so N users make N messages per second."""

    wait_time = constant_throughput(1)

    @task
    def text(self) -> None:
        Public.text_line(self)  # type: ignore[arg-type]

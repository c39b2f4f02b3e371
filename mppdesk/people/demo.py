"""Synthetic, realistic demo data for ``make run`` and ``mppdesk demo``.

Four organizations (a legal-aid organization, a shelter network, the program
coordinator and a monitor), demo logins for each role, and about 500 people in about 200
households waiting in the seven border cities of ``ports_of_entry.csv``. Every
household lead has an immigration case with a 9-digit A-number; family members are
riders on it. Everything is written through the services, so the audit log shows
the demo as it would show real work.

Nothing here is a real person. Names come from Faker's ``es_MX``, ``es_ES``,
``pt_BR`` and ``fr_FR`` locales (French names stand in for Haitian ones); phone
numbers are random Mexican mobile-format numbers with the border city's area code.
Such a number may belong to somebody, which is one more reason the default message
provider only prints to the console: never point a real SMS provider at demo data.

Proportions and where they come from (``places/reference/published_statistics.csv``):

- Preferred language: Spanish 0.97 (``language_spanish_share``), Portuguese 0.017
  (``language_portuguese_share``); the remaining 0.013 is split between Haitian
  Creole (``hat``), K'iche' (``quc``) and Mam (``mam``), the rare languages the file
  names (``rare_language_speakers``: Mam 71, K'iche' 59).
- Women: about 0.42 of adults (``women_share``).
- Children: at least 16,000 of 71,000 enrollees (``children_enrolled_min``); the
  household sizes below give somewhat more, as the restarted program moves families.
- Border city: households are spread over the seven ports in proportion to the July
  2019 enrollment by port (``enrolled_in_month_<port>``); Eagle Pass and Nogales have
  no published monthly figure and get a smaller share (an assumption).

**Assumption, not a published figure:** the reference file has no nationality
breakdown, so nationality is derived from the language: Portuguese -> Brazil,
Haitian Creole -> Haiti, K'iche' and Mam -> Guatemala, and Spanish speakers are split
with these weights, which only approximate the order of the nationalities reported in
the 2019-2021 program: Honduras 0.30, Guatemala 0.22, El Salvador 0.12, Cuba 0.12,
Venezuela 0.08, Nicaragua 0.07, Ecuador 0.05, Colombia 0.04.

Also assumed: a non-Spanish speaker needs an interpreter (the shelters and the
Mexican authorities work in Spanish); rates of pregnancy, medical conditions,
LGBTQ+ people and survivors of violence are illustrative, not published.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from mppdesk.core.clocks import utc_today
from mppdesk.core.registry import DemoContext, register_demo_loader

if TYPE_CHECKING:
    from faker import Faker

    from mppdesk.accounts.models import Organization, User
    from mppdesk.people.models import Person
    from mppdesk.places.models import Port

Progress = Callable[[int, int], None]

DEFAULT_DETAINED = 60
DEFAULT_SEED = 20260128  # the day the first group of the restarted program was reported
DEFAULT_PEOPLE = 500
DEFAULT_HOUSEHOLDS = 200
MAX_HOUSEHOLD_SIZE = 6

# Demo logins are fixed so that ``make run`` can print them on every start. The demo
# refuses to load in production mode, so these can never open a real deployment.
DEMO_PASSWORD = "frontera-demo-2026"  # noqa: S105 - printed on purpose; local mode only


@dataclass(frozen=True)
class DemoOrganization:
    key: str
    name: str
    slug: str
    kind: str


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organization: str  # slug
    is_superuser: bool = False


DEMO_ORGANIZATIONS = (
    DemoOrganization(
        "legal", "Defensa Legal Fronteriza (demo)", "demo-legal-aid", "legal_services"
    ),
    DemoOrganization("shelter", "Red de Albergues del Norte (demo)", "demo-shelters", "shelter"),
    DemoOrganization(
        "coordinator", "Coordinación del Programa (demo)", "demo-coordinator", "coordinator"
    ),
    DemoOrganization("monitor", "Observatorio de la Frontera (demo)", "demo-monitor", "monitor"),
)

DEMO_LOGINS = (
    DemoLogin("caseworker.legal", DEMO_PASSWORD, "caseworker", "demo-legal-aid"),
    DemoLogin("supervisor.legal", DEMO_PASSWORD, "supervisor", "demo-legal-aid"),
    DemoLogin("caseworker.shelter", DEMO_PASSWORD, "caseworker", "demo-shelters"),
    DemoLogin("coordinator", DEMO_PASSWORD, "coordinator", "demo-coordinator"),
    DemoLogin("analyst", DEMO_PASSWORD, "analyst", "demo-coordinator"),
    DemoLogin("auditor", DEMO_PASSWORD, "auditor", "demo-coordinator"),
    DemoLogin("admin", DEMO_PASSWORD, "admin", "demo-coordinator", is_superuser=True),
    # A monitor organization: de-identified figures and incident tallies of every
    # organization, nothing else (docs/safety.md, Incidents).
    DemoLogin("monitor", DEMO_PASSWORD, "analyst", "demo-monitor"),
)

# Organization key -> share of households it serves (the coordinator owns none).
HOUSEHOLD_OWNERS = {"legal": 0.55, "shelter": 0.45}

# Preferred language (ISO 639-3) -> share of people; see the module docstring.
LANGUAGE_SHARES = {"spa": 0.97, "por": 0.017, "hat": 0.005, "quc": 0.004, "mam": 0.004}

# Assumption (see the module docstring): nationality of Spanish speakers.
SPANISH_NATIONALITIES = {
    "HND": 0.30,
    "GTM": 0.22,
    "SLV": 0.12,
    "CUB": 0.12,
    "VEN": 0.08,
    "NIC": 0.07,
    "ECU": 0.05,
    "COL": 0.04,
}
NATIONALITY_BY_LANGUAGE = {"por": "BRA", "hat": "HTI", "quc": "GTM", "mam": "GTM"}
FAKER_LOCALE_BY_LANGUAGE = {
    "spa": "es_MX",
    "por": "pt_BR",
    "hat": "fr_FR",
    "quc": "es_MX",
    "mam": "es_MX",
}

# Port code -> weight (July 2019 enrollment by port; Eagle Pass and Nogales assumed).
PORT_WEIGHTS = {
    "el-paso": 3768,
    "laredo": 3114,
    "calexico": 1838,
    "san-ysidro": 1634,
    "brownsville": 1450,
    "eagle-pass": 600,
    "nogales": 600,
}
# Port code -> area code of the Mexican city across the border.
AREA_CODES = {
    "san-ysidro": "664",  # Tijuana
    "calexico": "686",  # Mexicali
    "el-paso": "656",  # Ciudad Juárez
    "laredo": "867",  # Nuevo Laredo
    "brownsville": "868",  # Matamoros
    "eagle-pass": "878",  # Piedras Negras
    "nogales": "631",  # Nogales, Sonora
}

PROGRAM_VERSIONS = {"current": 0.80, "2021": 0.08, "2019": 0.12}
NOTE = "Synthetic demo record."


@dataclass
class DemoResult:
    """What ``load_demo`` did (``created`` is False when the demo was already there)."""

    created: bool
    organizations: list[str]
    logins: list[DemoLogin]
    people: int
    households: int
    cases: int
    seconds: float = 0.0
    ports: dict[str, int] = field(default_factory=dict)


class DemoError(Exception):
    """The demo cannot be loaded here (production mode, bad sizes, a reset that is blocked)."""


def is_demo_loaded() -> bool:
    from mppdesk.accounts.models import Organization

    return Organization.objects.filter(slug=DEMO_ORGANIZATIONS[0].slug).exists()


def _counts() -> tuple[int, int, int]:
    from mppdesk.cases.models import Case
    from mppdesk.people.models import Household, Person

    slugs = [o.slug for o in DEMO_ORGANIZATIONS]
    return (
        Person.objects.filter(organization__slug__in=slugs).count(),
        Household.objects.filter(organization__slug__in=slugs).count(),
        Case.objects.filter(organization__slug__in=slugs).count(),
    )


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def household_sizes(rng: random.Random, people: int, households: int) -> list[int]:
    """Split ``people`` into ``households`` groups of 1 to 6, mostly small families."""
    if households < 1 or people < households:
        raise DemoError("Need at least one household and at least one person per household.")
    if people > households * MAX_HOUSEHOLD_SIZE:
        raise DemoError(f"At most {MAX_HOUSEHOLD_SIZE} people per household: use more households.")
    sizes = [1] * households
    open_slots = list(range(households))
    for _ in range(people - households):
        index = rng.choice(open_slots)
        sizes[index] += 1
        if sizes[index] == MAX_HOUSEHOLD_SIZE:
            open_slots.remove(index)
    return sizes


def _birth_date(rng: random.Random, today: dt.date, min_age: int, max_age: int) -> dt.date:
    age_days = rng.randint(min_age * 365 + 1, max_age * 365 + 300)
    return today - dt.timedelta(days=age_days)


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class _Generator:
    """Draws one household at a time; all randomness comes from one seeded ``Random``."""

    def __init__(self, seed: int, ports: Sequence[Port]) -> None:
        from faker import Faker

        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
        self.faker: Faker = Faker(list(set(FAKER_LOCALE_BY_LANGUAGE.values()) | {"es_ES"}))
        self.faker.seed_instance(seed)
        self.ports = list(ports)
        self.today = utc_today()
        self.a_numbers: set[str] = set()
        self.phones: set[str] = set()

    # Names -------------------------------------------------------------------------
    def _locale(self, language: str) -> str:
        if language == "spa" and self.rng.random() < 0.25:
            return "es_ES"
        return FAKER_LOCALE_BY_LANGUAGE[language]

    def first_name(self, language: str, sex: str) -> str:
        fake = self.faker[self._locale(language)]
        name = fake.first_name_female() if sex == "F" else fake.first_name_male()
        if language != "hat" and self.rng.random() < 0.3:
            second = fake.first_name_female() if sex == "F" else fake.first_name_male()
            if second != name:
                name = f"{name} {second}"
        return name

    def surname(self, language: str) -> str:
        return str(self.faker[self._locale(language)].last_name())

    def family_names(self, language: str, father: str, mother: str) -> str:
        """Spanish: father's then mother's surname; Portuguese the other way; French one."""
        if language == "hat":
            return father
        if language == "por":
            return f"{mother} {father}"
        return f"{father} {mother}"

    # Identifiers -------------------------------------------------------------------
    def a_number(self) -> str:
        while True:
            # About one in five demo A-numbers was issued with 8 digits (leading zero).
            if self.rng.random() < 0.2:
                digits = f"0{self.rng.randint(10_000_000, 99_999_999)}"
            else:
                digits = str(self.rng.randint(200_000_000, 249_999_999))
            if digits not in self.a_numbers:
                self.a_numbers.add(digits)
                return digits

    def phone(self, port_code: str) -> str:
        while True:
            number = f"+52{AREA_CODES[port_code]}{self.rng.randint(1_000_000, 9_999_999)}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    # People ------------------------------------------------------------------------
    def person(
        self,
        *,
        language: str,
        nationality: str,
        sex: str,
        birth: dt.date,
        given: str,
        family: str,
        extra_vulnerabilities: Sequence[str] = (),
        lead: bool = False,
    ) -> dict[str, Any]:
        rng = self.rng
        age = _age(birth, self.today)
        vulnerabilities: list[str] = list(extra_vulnerabilities)
        if age < 18:
            vulnerabilities.append("child")
        else:
            if sex == "F" and 18 <= age <= 40 and rng.random() < 0.07:
                vulnerabilities.append("pregnant")
            if rng.random() < 0.03:
                vulnerabilities.append("lgbtq")
            if rng.random() < 0.12:
                vulnerabilities.append("survivor_of_violence")
            if age >= 60:
                vulnerabilities.append("elderly")
        if rng.random() < 0.05:
            vulnerabilities.append("medical")
        if language in ("quc", "mam") or (nationality == "GTM" and rng.random() < 0.05):
            vulnerabilities.append("indigenous")
        languages: list[dict[str, Any]] = [
            {"code": language, "preferred": True, "needs_interpreter": language != "spa"}
        ]
        if language in ("quc", "mam") and age >= 6 and rng.random() < 0.6:
            languages.append({"code": "spa", "preferred": False, "needs_interpreter": False})
        if language == "hat" and rng.random() < 0.5:
            languages.append({"code": "fra", "preferred": False, "needs_interpreter": True})
        # Some intake forms only recorded the year of birth, but never the lead
        # respondent's: the self-service hearing lookup (CITA) asks for the lead's A-number
        # and full date of birth. The draw is made for everyone so that a seed still gives
        # the same people as before.
        year_only = rng.random() < 0.05 and not lead
        birth_value = str(birth.year) if year_only else birth.isoformat()
        return {
            "given_names": given,
            "family_names": family,
            "birth_date": birth_value,
            "sex": sex,
            "nationality": nationality,
            "languages": languages,
            "vulnerabilities": list(dict.fromkeys(vulnerabilities)),
            "notes": NOTE,
        }

    def contacts(self, port_code: str, *, lead: bool) -> list[dict[str, Any]]:
        rng = self.rng
        if rng.random() > (0.95 if lead else 0.3):
            return []
        number = self.phone(port_code)
        consent = rng.random() < 0.9
        contacts = [{"kind": "phone", "value": number, "consent": consent}]
        if rng.random() < 0.45:
            contacts.append({"kind": "whatsapp", "value": number, "consent": consent})
        if lead and rng.random() < 0.05:
            contacts.append(
                {
                    "kind": "email",
                    "value": f"demo{len(self.phones)}@example.org",
                    "consent": consent,
                }
            )
        return contacts

    def household(self, size: int) -> list[tuple[str, dict[str, Any]]]:
        """Members as (relationship, raw person data); the lead comes first."""
        rng = self.rng
        language = _weighted(rng, LANGUAGE_SHARES)
        nationality = NATIONALITY_BY_LANGUAGE.get(language) or _weighted(rng, SPANISH_NATIONALITIES)
        lead_sex = "F" if rng.random() < 0.42 else "M"
        lead_birth = _birth_date(rng, self.today, 19, 55)
        lead_surname, second_surname = self.surname(language), self.surname(language)
        partner_surname = self.surname(language)
        lead_family = self.family_names(language, lead_surname, second_surname)
        members: list[tuple[str, dict[str, Any]]] = []
        members.append(
            (
                "lead",
                self.person(
                    language=language,
                    nationality=nationality,
                    sex=lead_sex,
                    birth=lead_birth,
                    given=self.first_name(language, lead_sex),
                    family=lead_family,
                    lead=True,
                ),
            )
        )
        has_partner = size >= 2 and rng.random() < 0.55
        lead_age = _age(lead_birth, self.today)
        for index in range(1, size):
            if index == 1 and has_partner:
                sex = "M" if lead_sex == "F" else "F"
                if rng.random() < 0.03:
                    sex = lead_sex
                birth = _birth_date(rng, self.today, max(18, lead_age - 8), min(70, lead_age + 8))
                family = self.family_names(language, partner_surname, self.surname(language))
                relationship = "spouse"
            elif index == size - 1 and size >= 4 and lead_age >= 35 and rng.random() < 0.2:
                sex = "F" if rng.random() < 0.6 else "M"
                birth = _birth_date(rng, self.today, lead_age + 18, min(85, lead_age + 35))
                family = self.family_names(language, second_surname, self.surname(language))
                relationship = "parent"
            elif rng.random() < 0.08:
                sex = "F" if rng.random() < 0.5 else "M"
                birth = _birth_date(rng, self.today, max(16, lead_age - 10), lead_age + 10)
                family = lead_family
                relationship = "sibling"
            else:
                sex = "F" if rng.random() < 0.5 else "M"
                oldest = max(0, min(17, lead_age - 17))
                birth = _birth_date(rng, self.today, 0, oldest)
                if has_partner:
                    father, mother = (
                        (lead_surname, partner_surname)
                        if lead_sex == "M"
                        else (partner_surname, lead_surname)
                    )
                else:
                    father, mother = lead_surname, self.surname(language)
                family = self.family_names(language, father, mother)
                relationship = "child"
            members.append(
                (
                    relationship,
                    self.person(
                        language=language,
                        nationality=nationality,
                        sex=sex,
                        birth=birth,
                        given=self.first_name(language, sex),
                        family=family,
                    ),
                )
            )
        return members

    def port_for(self, index: int) -> Port:
        by_code = {p.code: p for p in self.ports}
        # The first households visit every city once so each appears in a small demo.
        if index < len(self.ports):
            return self.ports[index]
        code = _weighted(self.rng, {c: w for c, w in PORT_WEIGHTS.items() if c in by_code})
        return by_code[code]

    def case_details(self) -> dict[str, Any]:
        rng = self.rng
        version = _weighted(rng, PROGRAM_VERSIONS)
        if version == "2019":
            opened = dt.date(2019, 1, 29) + dt.timedelta(days=rng.randint(0, 700))
            # About half of the people in MPP 2019-2021 missed a hearing (missed_hearing_share).
            status = _weighted(
                rng, {"in_absentia": 0.45, "decided": 0.25, "closed": 0.15, "active": 0.15}
            )
        elif version == "2021":
            opened = dt.date(2021, 12, 6) + dt.timedelta(days=rng.randint(0, 240))
            status = _weighted(
                rng, {"active": 0.4, "decided": 0.3, "in_absentia": 0.2, "closed": 0.1}
            )
        else:
            start = dt.date(2026, 1, 28)
            span = max(0, (self.today - start).days)
            opened = start + dt.timedelta(days=rng.randint(0, span)) if span else self.today
            status = "active" if rng.random() < 0.7 else "intake"
        return {"program_version": version, "status": status, "opened_on": opened}


def _ensure_allowed() -> None:
    if getattr(settings, "PRODUCTION", False):
        raise DemoError("Demo data is for local mode only (MPPDESK_MODE=production is set).")


def _create_organizations_and_users() -> tuple[dict[str, Organization], dict[str, User]]:
    from mppdesk.accounts import services as account_services

    orgs = {
        spec.key: account_services.create_organization(
            actor=None, name=spec.name, kind=spec.kind, slug=spec.slug
        )
        for spec in DEMO_ORGANIZATIONS
    }
    by_slug = {org.slug: org for org in orgs.values()}
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        users[login.username] = account_services.create_user(
            actor=None,
            username=login.username,
            password=login.password,
            organization=by_slug[login.organization],
            role=login.role,
            email=f"{login.username}@example.org",
            is_staff=login.is_superuser,
            is_superuser=login.is_superuser,
        )
    return orgs, users


#: ``DemoContext.shared`` key: case id -> the outcome a case of an earlier program
#: version reached ("in_absentia", "decided", "closed"). Such cases are opened "active"
#: and the hearings demo gives each the hearing that led there (``hearings.demo``), so
#: no case has an outcome without the hearing behind it.
PAST_OUTCOMES = "past_outcomes"
PAST_STATUSES = ("in_absentia", "decided", "closed")


def load_demo(
    *,
    people: int = DEFAULT_PEOPLE,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    detained: int = 0,
) -> DemoResult:
    """Load the demo once, in one transaction; a second call changes nothing.

    Creates the demo organizations and logins, then runs every app's registered demo
    loader in order (``core.demo.run_demo_loaders``): this app's people, households and
    cases first (``load_people``), then referrals, hearings, transfers, assistance,
    incidents and caseloads, each from its own app's ``demo.py``.

    ``detained`` people more wait in detention at El Paso SPC for the coordinator to
    screen and transfer (``transfers.demo``); they have no case yet. ``mppdesk run`` and
    ``mppdesk demo`` ask for ``DEFAULT_DETAINED``.

    ``progress(done, total)`` is called as people are created. Raises ``DemoError`` in
    production mode or for impossible sizes.
    """
    from mppdesk.core.demo import run_demo_loaders
    from mppdesk.places.models import Port

    _ensure_allowed()
    started = time.monotonic()
    if is_demo_loaded():
        n_people, n_households, n_cases = _counts()
        return DemoResult(
            created=False,
            organizations=[o.slug for o in DEMO_ORGANIZATIONS],
            logins=list(DEMO_LOGINS),
            people=n_people,
            households=n_households,
            cases=n_cases,
        )
    ports = list(Port.objects.select_related("venue").order_by("name"))
    if not ports:
        raise DemoError(
            "No ports of entry: run the migrations first (they seed the reference places)."
        )
    household_sizes(random.Random(seed), people, households)  # noqa: S311 - sizes check only
    with transaction.atomic():
        orgs, users = _create_organizations_and_users()
        context = DemoContext(
            organizations=dict(orgs),
            users=dict(users),
            ports=ports,
            rng=random.Random(seed),  # noqa: S311 - synthetic data, reproducible by seed
            today=utc_today(),
            seed=seed,
            people=people,
            households=households,
            detained=detained,
            progress=progress,
        )
        run_demo_loaders(context)
    return DemoResult(
        created=True,
        organizations=[o.slug for o in DEMO_ORGANIZATIONS],
        logins=list(DEMO_LOGINS),
        people=people,
        households=households,
        cases=households,
        seconds=time.monotonic() - started,
        ports=dict(context.shared.get("port_counts", {})),
    )


@register_demo_loader("people", order=100)
def load_people(context: DemoContext) -> int:
    """People in households, each household's case (the lead and riders): returns how many
    people were created."""
    from mppdesk.cases import services as case_services
    from mppdesk.people import services as people_services

    gen = _Generator(context.seed, context.ports)
    sizes = household_sizes(gen.rng, context.people, context.households)
    orgs = context.organizations
    actors = {
        "legal": context.user("caseworker.legal"),
        "shelter": context.user("caseworker.shelter"),
    }
    port_counts: dict[str, int] = context.shared.setdefault("port_counts", {})
    past: dict[Any, str] = context.shared.setdefault(PAST_OUTCOMES, {})
    done = 0
    for index, size in enumerate(sizes):
        owner_key = _weighted(gen.rng, HOUSEHOLD_OWNERS)
        organization, actor = orgs[owner_key], actors[owner_key]
        port = gen.port_for(index)
        port_counts[port.code] = port_counts.get(port.code, 0) + 1
        members = gen.household(size)
        created: list[tuple[str, Person]] = []
        for position, (relationship, data) in enumerate(members):
            adult = "child" not in data["vulnerabilities"]
            contacts = gen.contacts(port.code, lead=position == 0) if adult else []
            person = people_services.create_person(
                actor=actor, organization=organization, data=data, contacts=contacts
            )
            created.append((relationship, person))
        lead = created[0][1]
        household = people_services.create_household(
            actor=actor, organization=organization, lead=lead, port=port
        )
        for relationship, person in created[1:]:
            people_services.add_household_member(
                actor=actor, household=household, person=person, relationship=relationship
            )
        a_number = gen.a_number()  # drawn before the details, so a seed keeps its people
        details = gen.case_details()
        outcome = details["status"] if details["status"] in PAST_STATUSES else ""
        if outcome:
            details["status"] = "active"  # the hearings demo records how it ended
        case = case_services.open_case(
            actor=actor,
            organization=organization,
            a_number=a_number,
            lead=lead,
            venue=port.venue,
            port=port,
            members=[p for _, p in created[1:]],
            **details,
        )
        if outcome:
            past[case.pk] = outcome
        done += size
        if context.progress is not None:
            context.progress(done, context.people)
    return done


def reset_demo() -> None:
    """Refuse: the demo wrote audit entries, and the audit log is append-only.

    Nothing deletes audit entries, not even for demo data (the database refuses it). For a
    fresh demo on a laptop, stop ``make run`` and delete the ``var/`` directory.
    """
    _ensure_allowed()
    raise DemoError(
        "The audit log is append-only, so demo data cannot be deleted; "
        "stop the server and delete the var/ directory for a fresh start."
    )

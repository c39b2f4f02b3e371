"""Amenability rules of the program, per guidance version (pure Python, no ORM).

Sources: ``/work/shared/reference/program_rules.md`` — "Not amenable to MPP (CBP guiding
principles, 2019-01-28)" for the 2019 version and "Changes in the 2021 guidance (MPP 2.0)"
for the 2021 version; ``docs/screening.md`` quotes the lines behind each rule.

A person is screened from :class:`Facts` against a :class:`RuleSet` (the enabled rules of a
version and its parameters). The result is ``exempt`` when any exemption rule fires,
``review`` when only review rules fire (facts missing, fear expressed and the interview
still pending, ...), and ``amenable`` otherwise, with the reason ``no_exemption``. Every
rule that fired is in the reasons, each with a stable code ``<version>.<rule>`` that the
UI uses to look up the translated label (``screening.labels``).

Some rules protect people whatever a version or an administrator says
(:data:`PROTECTED_RULES`): every RuleSet has them on. A child is an **unaccompanied child**
when the record says so *or* when they are under 18 and nobody screened with them (their
household, or the part of it that travels in a transfer group) is certainly an adult:
:func:`evaluate_household` infers it from the ages, :func:`evaluate` of one person alone
treats them as alone.

The engine is written to be fast (the benchmark screens 100,000 people): a RuleSet is
compiled once (frozensets and plain attributes) and :func:`evaluate` is a straight run of
attribute tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mppdesk.lib.languages import indigenous_languages

AMENABLE = "amenable"
EXEMPT = "exempt"
REVIEW = "review"
RESULTS = (AMENABLE, EXEMPT, REVIEW)

VERSIONS = ("2019", "2021", "current")

# Flags from the detention record or roster.
FLAG_LPR = "lpr"
FLAG_ADVANCE_PAROLE = "advance_parole"
FLAG_PAROLE = "parole"
FLAG_EXPEDITED_REMOVAL = "expedited_removal"
FLAG_CRIMINAL_HISTORY = "criminal_history"
FLAG_HISTORY_OF_VIOLENCE = "history_of_violence"
FLAG_GOVERNMENT_INTEREST = "government_interest"
FLAG_PORT_DIRECTOR_DISCRETION = "port_director_discretion"

FLAGS: dict[str, str] = {
    FLAG_LPR: "Returning lawful permanent resident",
    FLAG_ADVANCE_PAROLE: "Holds advance parole",
    FLAG_PAROLE: "In parole status",
    FLAG_EXPEDITED_REMOVAL: "Already processed for expedited removal",
    FLAG_CRIMINAL_HISTORY: "Criminal history",
    FLAG_HISTORY_OF_VIOLENCE: "History of violence",
    FLAG_GOVERNMENT_INTEREST: "Case of government interest (US or Mexico)",
    FLAG_PORT_DIRECTOR_DISCRETION: "Excluded at the port director's discretion",
}

FEAR_POSITIVE = "positive"
FEAR_NEGATIVE = "negative"
FEAR_OUTCOMES = ("", FEAR_POSITIVE, FEAR_NEGATIVE)

STANDARD_MORE_LIKELY = "more_likely_than_not"
STANDARD_REASONABLE = "reasonable_possibility"

#: Age of majority: under it a person is a child ("unaccompanied alien child", 6 U.S.C.
#: 279(g)(2), is a child under 18 with no parent or legal guardian present to care for them).
ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class Facts:
    nationality: str  # ISO alpha-3, "" unknown
    age: int | None  # whole years at the screening date, None unknown
    unaccompanied: bool  # an unaccompanied child
    vulnerabilities: frozenset[str]  # codes of people.models.Vulnerability
    flags: frozenset[str]  # FLAGS keys
    languages: frozenset[str]  # ISO 639-3
    fear_expressed: bool  # fear of return to Mexico expressed (asked or volunteered)
    fear_outcome: str  # "" (no interview yet), "positive", "negative"
    # Added with defaults so that the positional interface above stays as agreed:
    # whether the fear question was put to the person (2021: officers ask everyone) and
    # whether the fear was volunteered unprompted (2019: only that counts).
    fear_asked: bool = False
    fear_volunteered: bool = False
    # Only the year of birth is known: ``age`` is then the highest the person can be
    # (the birthday may not have come yet), so they may be one year younger.
    birth_year_only: bool = False


def is_minor(facts: Facts) -> bool:
    """Certainly under 18 (or recorded as an unaccompanied child)."""
    if facts.unaccompanied or "unaccompanied_child" in facts.vulnerabilities:
        return True
    return facts.age is not None and facts.age < ADULT_AGE


def is_adult(facts: Facts) -> bool:
    """Certainly 18 or older: the age is known (a year of birth alone leaves a year of
    doubt) and the record does not call the person an unaccompanied child. Only such a
    person accompanies a child."""
    if facts.age is None or is_minor(facts):
        return False
    return facts.age >= ADULT_AGE + (1 if facts.birth_year_only else 0)


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str  # stable code, e.g. "2019.unaccompanied_child"
    reason: str  # English sentence; the UI translates by rule code
    member: int | None = None  # household decisions: index of the member concerned

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "reason": self.reason}
        if self.member is not None:
            data["member"] = self.member
        return data


@dataclass(frozen=True, slots=True)
class Decision:
    result: str  # "amenable" | "exempt" | "review"
    reasons: tuple[Reason, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.reasons)

    def reasons_json(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.reasons]


@dataclass(frozen=True, slots=True)
class RuleDef:
    key: str  # short key, the rule code without the version
    outcome: str  # EXEMPT or REVIEW when it fires
    text: str  # English sentence


# Every rule the engine knows. A version enables a subset.
RULES: dict[str, RuleDef] = {
    r.key: r
    for r in (
        RuleDef(
            "unaccompanied_child",
            EXEMPT,
            "Unaccompanied children are not amenable: under 18 with no adult of their "
            "household going with them.",
        ),
        RuleDef(
            "age_unknown",
            REVIEW,
            "The date of birth is missing or incomplete: whether the person is a child "
            "travelling without an adult cannot be checked.",
        ),
        RuleDef("mexican_national", EXEMPT, "Mexican citizens or nationals are not amenable."),
        RuleDef(
            "not_western_hemisphere",
            EXEMPT,
            "The program applies only to Western Hemisphere nationals other than Mexicans.",
        ),
        RuleDef(
            "nationality_unknown",
            REVIEW,
            "Nationality is unknown; the nationality rules cannot be checked.",
        ),
        RuleDef(
            "expedited_removal",
            EXEMPT,
            "People already processed for expedited removal are not amenable.",
        ),
        RuleDef("lpr", EXEMPT, "Returning lawful permanent residents are not amenable."),
        RuleDef(
            "parole",
            EXEMPT,
            "People with advance parole or in parole status are not amenable.",
        ),
        RuleDef(
            "health",
            EXEMPT,
            "People with known physical or mental health issues are not amenable.",
        ),
        RuleDef(
            "disability",
            REVIEW,
            "A disability may be a physical or mental health issue: a reviewer decides.",
        ),
        RuleDef("pregnant", EXEMPT, "Pregnant women are not amenable."),
        RuleDef("elderly", EXEMPT, "Older people are not amenable."),
        RuleDef(
            "indigenous",
            EXEMPT,
            "Indigenous people are not amenable (recorded as indigenous or speaking an "
            "indigenous language).",
        ),
        RuleDef("lgbtq", EXEMPT, "LGBTQ people are not amenable."),
        RuleDef(
            "criminal_history",
            EXEMPT,
            "Criminals or people with a history of violence are not amenable.",
        ),
        RuleDef(
            "government_interest",
            EXEMPT,
            "Cases of government interest (US or Mexico) are not amenable.",
        ),
        RuleDef(
            "port_director_discretion",
            EXEMPT,
            "Excluded at the port director's discretion.",
        ),
        RuleDef(
            "fear",
            EXEMPT,
            "The non-refoulement interview found the person at risk of persecution or "
            "torture in Mexico.",
        ),
        RuleDef(
            "fear_interview_pending",
            REVIEW,
            "Fear of return to Mexico was expressed; the non-refoulement interview is pending.",
        ),
        RuleDef(
            "fear_question_not_asked",
            REVIEW,
            "The person has not yet been asked whether they fear return to Mexico.",
        ),
        RuleDef(
            "language_unknown",
            REVIEW,
            "No language is recorded: the language rules cannot be checked.",
        ),
        RuleDef(
            "non_spanish_speaker",
            REVIEW,
            "Does not speak Spanish; in practice non-Spanish speakers were generally excluded.",
        ),
        RuleDef("no_exemption", AMENABLE, "No exemption applies."),
    )
}

# ISO 3166-1 alpha-3 codes of the Americas (North, Central, South America and the
# Caribbean), used for "Western Hemisphere nationals" (2021).
WESTERN_HEMISPHERE: frozenset[str] = frozenset(
    """ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI
    HND JAM MEX NIC PAN PRY PER KNA LCA VCT SUR TTO USA URY VEN
    AIA ABW BMU BES VGB CYM CUW FLK GUF GLP MTQ MSR PRI BLM MAF SPM SXM TCA VIR""".split()
)

HEALTH_VULNERABILITIES_2019 = frozenset({"medical", "mental_health"})
HEALTH_VULNERABILITIES_2021 = frozenset({"medical", "mental_health"})

#: Rules no version may leave out and no reviewer may override to "amenable": they
#: protect children (an unaccompanied child; an age that cannot be checked) and people
#: who fear return (a positive interview; an interview still pending, without which no
#: positive finding can ever be made).
PROTECTED_RULES: frozenset[str] = frozenset(
    {"unaccompanied_child", "age_unknown", "fear", "fear_interview_pending"}
)
#: Rules added after the 2019/2021 guidance was encoded, on in every version: they send
#: people whose records cannot be checked (no date of birth, no language) or may hold a
#: health issue (a disability) to a reviewer.
REVIEW_RULES: frozenset[str] = frozenset({"age_unknown", "language_unknown", "disability"})


class ProtectedRuleError(ValueError):
    """A rule set leaves out protected rules (``rules``: their keys, sorted)."""

    def __init__(self, rules: Iterable[str]) -> None:
        self.rules = sorted(rules)
        super().__init__("enabled")


@dataclass(frozen=True)
class RuleSet:
    """A guidance version's enabled rules and parameters, compiled for evaluation."""

    version: str  # "2019" | "2021" | "current"
    enabled: frozenset[str]  # keys of RULES
    elderly_age: int | None = None  # age from which "elderly" applies (None: the flag only)
    health_vulnerabilities: frozenset[str] = HEALTH_VULNERABILITIES_2019
    western_hemisphere: frozenset[str] = WESTERN_HEMISPHERE
    fear_requires_volunteered: bool = False  # 2019: only fear raised unprompted counts
    fear_standard: str = STANDARD_MORE_LIKELY
    counsel_hours: int = 0  # hours to reach counsel before the interview (2021: 24)
    spanish_codes: frozenset[str] = frozenset({"spa"})
    # Speakers of these languages are indigenous for the "indigenous" rule (2021, current).
    indigenous_languages: frozenset[str] = field(default_factory=indigenous_languages)
    _codes: Mapping[str, Reason] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        unknown = self.enabled - RULES.keys()
        if unknown:
            raise ValueError(f"unknown rules: {sorted(unknown)}")
        missing = PROTECTED_RULES - self.enabled
        if missing:
            raise ProtectedRuleError(missing)
        codes = {
            key: Reason(f"{self.version}.{key}", rule.text)
            for key, rule in RULES.items()
            if key in self.enabled or key == "no_exemption"
        }
        object.__setattr__(self, "_codes", codes)

    def code(self, key: str) -> str:
        return f"{self.version}.{key}"

    def reason(self, key: str) -> Reason:
        return self._codes[key]

    def to_json(self) -> dict[str, Any]:
        return {
            "enabled": sorted(self.enabled),
            "elderly_age": self.elderly_age,
            "health_vulnerabilities": sorted(self.health_vulnerabilities),
            "fear_requires_volunteered": self.fear_requires_volunteered,
            "fear_standard": self.fear_standard,
            "counsel_hours": self.counsel_hours,
        }

    @classmethod
    def from_json(cls, version: str, data: Mapping[str, Any]) -> RuleSet:
        """Builds a RuleSet from its JSON form (``to_json``); raises ``ValueError`` naming
        the key that is wrong (``ProtectedRuleError`` when protected rules are off)."""
        enabled = data.get("enabled", [])
        if not isinstance(enabled, list) or not all(isinstance(k, str) for k in enabled):
            raise ValueError("enabled")
        if set(enabled) - RULES.keys() - {"no_exemption"}:
            raise ValueError("enabled")
        elderly_age = data.get("elderly_age")
        if elderly_age is not None and (
            not isinstance(elderly_age, int) or isinstance(elderly_age, bool)
        ):
            raise ValueError("elderly_age")
        if elderly_age is not None and not 40 <= elderly_age <= 120:
            raise ValueError("elderly_age")
        health = data.get("health_vulnerabilities", sorted(HEALTH_VULNERABILITIES_2021))
        if not isinstance(health, list) or not all(isinstance(k, str) for k in health):
            raise ValueError("health_vulnerabilities")
        standard = data.get("fear_standard", STANDARD_REASONABLE)
        if standard not in (STANDARD_MORE_LIKELY, STANDARD_REASONABLE):
            raise ValueError("fear_standard")
        hours = data.get("counsel_hours", 0)
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= 240:
            raise ValueError("counsel_hours")
        volunteered = data.get("fear_requires_volunteered", False)
        if not isinstance(volunteered, bool):
            raise ValueError("fear_requires_volunteered")
        return cls(
            version=version,
            enabled=frozenset(k for k in enabled if k != "no_exemption"),
            elderly_age=elderly_age,
            health_vulnerabilities=frozenset(health),
            fear_requires_volunteered=volunteered,
            fear_standard=standard,
            counsel_hours=hours,
        )


RULES_2019 = RuleSet(
    version="2019",
    enabled=frozenset(
        {
            "unaccompanied_child",
            "mexican_national",
            "nationality_unknown",
            "expedited_removal",
            "lpr",
            "parole",
            "health",
            "criminal_history",
            "government_interest",
            "port_director_discretion",
            "fear",
            "fear_interview_pending",
            "non_spanish_speaker",
            *REVIEW_RULES,
        }
    ),
    elderly_age=None,
    health_vulnerabilities=HEALTH_VULNERABILITIES_2019,
    fear_requires_volunteered=True,
    fear_standard=STANDARD_MORE_LIKELY,
    counsel_hours=0,
)

# The 2021 section lists changes; exemptions of 2019 it does not change stay (returning
# LPRs, parole, criminal history, government interest, expedited removal). The source does
# not give an age for "older people": 65 is this system's default, editable in "current".
RULES_2021 = RuleSet(
    version="2021",
    enabled=frozenset(
        {
            "unaccompanied_child",
            "mexican_national",
            "not_western_hemisphere",
            "nationality_unknown",
            "expedited_removal",
            "lpr",
            "parole",
            "health",
            "pregnant",
            "elderly",
            "indigenous",
            "lgbtq",
            "criminal_history",
            "government_interest",
            "port_director_discretion",
            "fear",
            "fear_interview_pending",
            "fear_question_not_asked",
            *REVIEW_RULES,
        }
    ),
    elderly_age=65,
    health_vulnerabilities=HEALTH_VULNERABILITIES_2021,
    fear_requires_volunteered=False,
    fear_standard=STANDARD_REASONABLE,
    counsel_hours=24,
)


def rules_for(version: str) -> RuleSet:
    """The built-in rules of ``2019`` and ``2021``; ``current`` starts as a copy of 2021
    (the service layer reads the edited copy from the database, ``services.ruleset``)."""
    if version == "2019":
        return RULES_2019
    if version == "2021":
        return RULES_2021
    if version == "current":
        return RuleSet.from_json("current", RULES_2021.to_json())
    raise ValueError(f"unknown guidance version: {version}")


def evaluate(facts: Facts, rules: RuleSet, *, accompanied: bool = False) -> Decision:
    """Screens one person: every rule of ``rules`` that fires, and the result.

    ``accompanied``: an adult of the person's household is screened (or travels) with
    them. A person screened alone is not: a child alone is an unaccompanied child."""
    on = rules.enabled
    fired: list[Reason] = []
    add = fired.append
    exempt = False
    review = False
    vul = facts.vulnerabilities
    flags = facts.flags
    nat = facts.nationality
    age = facts.age

    # The protected rules are on in every RuleSet (``__post_init__``), so no test of ``on``.
    if is_minor(facts) and (not accompanied or facts.unaccompanied or "unaccompanied_child" in vul):
        add(rules.reason("unaccompanied_child"))
        exempt = True
    elif age is None or (
        # Known by the year of birth only and maybe 17: with no certain adult, a reviewer
        # checks the date of birth.
        not accompanied and facts.birth_year_only and age == ADULT_AGE
    ):
        add(rules.reason("age_unknown"))
        review = True
    if nat:
        if "mexican_national" in on and nat == "MEX":
            add(rules.reason("mexican_national"))
            exempt = True
        elif "not_western_hemisphere" in on and nat not in rules.western_hemisphere:
            add(rules.reason("not_western_hemisphere"))
            exempt = True
    elif "nationality_unknown" in on:
        add(rules.reason("nationality_unknown"))
        review = True
    if flags:
        if "expedited_removal" in on and FLAG_EXPEDITED_REMOVAL in flags:
            add(rules.reason("expedited_removal"))
            exempt = True
        if "lpr" in on and FLAG_LPR in flags:
            add(rules.reason("lpr"))
            exempt = True
        if "parole" in on and (FLAG_PAROLE in flags or FLAG_ADVANCE_PAROLE in flags):
            add(rules.reason("parole"))
            exempt = True
        if "criminal_history" in on and (
            FLAG_CRIMINAL_HISTORY in flags or FLAG_HISTORY_OF_VIOLENCE in flags
        ):
            add(rules.reason("criminal_history"))
            exempt = True
        if "government_interest" in on and FLAG_GOVERNMENT_INTEREST in flags:
            add(rules.reason("government_interest"))
            exempt = True
        if "port_director_discretion" in on and FLAG_PORT_DIRECTOR_DISCRETION in flags:
            add(rules.reason("port_director_discretion"))
            exempt = True
    languages = facts.languages
    if "indigenous" in on and (
        "indigenous" in vul or not languages.isdisjoint(rules.indigenous_languages)
    ):
        add(rules.reason("indigenous"))
        exempt = True
    if vul:
        if "health" in on and not vul.isdisjoint(rules.health_vulnerabilities):
            add(rules.reason("health"))
            exempt = True
        elif "disability" in on and "disability" in vul:
            # A disability the administrator has not listed as a health issue: review.
            add(rules.reason("disability"))
            review = True
        if "pregnant" in on and "pregnant" in vul:
            add(rules.reason("pregnant"))
            exempt = True
        if "lgbtq" in on and "lgbtq" in vul:
            add(rules.reason("lgbtq"))
            exempt = True
    if "elderly" in on and (
        "elderly" in vul
        or (rules.elderly_age is not None and age is not None and age >= rules.elderly_age)
    ):
        add(rules.reason("elderly"))
        exempt = True
    # Fear of return: a positive interview exempts; a fear that counts under this version
    # with no interview yet sends the person to review.
    outcome = facts.fear_outcome
    if outcome == FEAR_POSITIVE:
        add(rules.reason("fear"))
        exempt = True
    elif outcome == "":
        counts = facts.fear_expressed and (
            facts.fear_volunteered or not rules.fear_requires_volunteered
        )
        if counts:
            add(rules.reason("fear_interview_pending"))
            review = True
        if "fear_question_not_asked" in on and not (facts.fear_asked or facts.fear_expressed):
            add(rules.reason("fear_question_not_asked"))
            review = True
    if not languages:
        if "language_unknown" in on:
            add(rules.reason("language_unknown"))
            review = True
    elif "non_spanish_speaker" in on and languages.isdisjoint(rules.spanish_codes):
        add(rules.reason("non_spanish_speaker"))
        review = True

    if exempt:
        return Decision(EXEMPT, tuple(fired))
    if review:
        return Decision(REVIEW, tuple(fired))
    return Decision(AMENABLE, (rules.reason("no_exemption"),))


HOUSEHOLD_REVIEW = "household.review"
HOUSEHOLD_AMENABLE = "household.amenable"
HOUSEHOLD_TEXT = {
    HOUSEHOLD_REVIEW: (
        "A member is exempt or needs review: the household is reviewed together and never split."
    ),
    HOUSEHOLD_AMENABLE: "No exemption applies to any member of the household.",
}


def evaluate_household(members: Sequence[Facts], rules: RuleSet) -> tuple[Decision, list[Decision]]:
    """Screens a household together: ``amenable`` only when every member is; otherwise
    ``review`` (a family is never split), with each member's reasons tagged with the
    member's index. Returns (household decision, per-member decisions).

    ``members`` are the people screened together — in a transfer group, the members of
    the household who would travel. Children among them are accompanied only when one
    of them is certainly an adult (:func:`is_adult`); otherwise each child is an
    unaccompanied child, whatever their record says."""
    if not members:
        raise ValueError("a household has at least one member")
    accompanied = any(is_adult(f) for f in members)
    decisions = [evaluate(f, rules, accompanied=accompanied) for f in members]
    if all(d.result == AMENABLE for d in decisions):
        return Decision(
            AMENABLE, (Reason(HOUSEHOLD_AMENABLE, HOUSEHOLD_TEXT[HOUSEHOLD_AMENABLE]),)
        ), decisions
    reasons: list[Reason] = [Reason(HOUSEHOLD_REVIEW, HOUSEHOLD_TEXT[HOUSEHOLD_REVIEW])]
    for index, decision in enumerate(decisions):
        if decision.result != AMENABLE:
            reasons.extend(Reason(r.rule, r.reason, index) for r in decision.reasons)
    return Decision(REVIEW, tuple(reasons)), decisions


def household_results(decisions: Iterable[Decision]) -> str:
    """The household result for these member decisions (same rule as above)."""
    return AMENABLE if all(d.result == AMENABLE for d in decisions) else REVIEW


def protected_reasons(decision: Decision) -> tuple[Reason, ...]:
    """The reasons of ``decision`` given by protected rules (no reviewer's decision can
    make such a person amenable: the planner and the final approval apply them)."""
    return tuple(r for r in decision.reasons if r.rule.split(".", 1)[-1] in PROTECTED_RULES)

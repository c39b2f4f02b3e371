"""Issue 11, "Do no harm": children never screened amenable without an adult of their
household, indigenous languages, disabilities and missing facts sent to a reviewer, and
the protected rules that no version can turn off (pure engine)."""

from __future__ import annotations

import csv
import dataclasses

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.lib import languages
from mppdesk.people.models import Vulnerability
from mppdesk.screening import engine
from mppdesk.screening.engine import Facts, evaluate, evaluate_household, rules_for

ADULT = Facts(
    nationality="HND",
    age=30,
    unaccompanied=False,
    vulnerabilities=frozenset(),
    flags=frozenset(),
    languages=frozenset({"spa"}),
    fear_expressed=False,
    fear_outcome="",
    fear_asked=True,
)


def person(**changes: object) -> Facts:
    return dataclasses.replace(ADULT, **changes)  # type: ignore[arg-type]


def child(age: int = 10, **changes: object) -> Facts:
    return person(age=age, **changes)


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_a_child_alone_is_an_unaccompanied_child_without_the_flag(version: str) -> None:
    decision = evaluate(child(12), rules_for(version))
    assert decision.result == "exempt"
    assert decision.rules[0] == f"{version}.unaccompanied_child"


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_a_household_of_two_young_children_is_not_amenable(version: str) -> None:
    household, members = evaluate_household([child(6), child(4)], rules_for(version))
    assert household.result == "review"
    assert [d.result for d in members] == ["exempt", "exempt"]
    assert all(f"{version}.unaccompanied_child" in d.rules for d in members)


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_a_17_year_old_parent_does_not_accompany_their_baby(version: str) -> None:
    household, members = evaluate_household([child(17), child(0)], rules_for(version))
    assert household.result == "review"
    assert [d.result for d in members] == ["exempt", "exempt"]


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_a_child_with_an_adult_of_the_household_is_accompanied(version: str) -> None:
    household, members = evaluate_household([ADULT, child(10), child(2)], rules_for(version))
    assert household.result == "amenable"
    assert [d.result for d in members] == ["amenable"] * 3


def test_18_on_the_day_is_an_adult_17_is_a_child() -> None:
    rules = rules_for("2021")
    assert evaluate(person(age=18), rules).result == "amenable"
    assert evaluate(person(age=17), rules).rules[0] == "2021.unaccompanied_child"


def test_a_year_of_birth_alone_leaves_a_year_of_doubt() -> None:
    rules = rules_for("2021")
    # Born in the year that makes them 18 this year: maybe still 17.
    maybe_17 = person(age=18, birth_year_only=True)
    assert not engine.is_adult(maybe_17) and not engine.is_minor(maybe_17)
    alone = evaluate(maybe_17, rules)
    assert (alone.result, alone.rules) == ("review", ("2021.age_unknown",))
    # With a certain adult of the household the doubt does not matter.
    household, _members = evaluate_household([ADULT, maybe_17], rules)
    assert household.result == "amenable"
    # Two such people do not accompany each other.
    household, _members = evaluate_household([maybe_17, maybe_17], rules)
    assert household.result == "review"
    # 19 by the year is 18 at least: an adult who accompanies a child.
    nineteen = person(age=19, birth_year_only=True)
    assert engine.is_adult(nineteen)
    household, _members = evaluate_household([nineteen, child(3)], rules)
    assert household.result == "amenable"
    # 17 by the year is under 18 for certain.
    assert evaluate(person(age=17, birth_year_only=True), rules).result == "exempt"


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_an_unknown_age_goes_to_review_even_with_an_adult(version: str) -> None:
    rules = rules_for(version)
    unknown = person(age=None)
    assert evaluate(unknown, rules).rules == (f"{version}.age_unknown",)
    household, members = evaluate_household([ADULT, unknown], rules)
    assert household.result == "review"
    assert members[1].result == "review"
    # A person of unknown age accompanies nobody.
    household, members = evaluate_household([unknown, child(5)], rules)
    assert members[1].result == "exempt"


def test_a_flagged_unaccompanied_child_stays_exempt_and_accompanies_nobody() -> None:
    rules = rules_for("2021")
    flagged = child(16, unaccompanied=True)
    household, members = evaluate_household([ADULT, flagged], rules)
    assert members[1].rules == ("2021.unaccompanied_child",)
    # A record marked "unaccompanied child" with an adult's age is not an adult companion.
    marked_adult = person(vulnerabilities=frozenset({"unaccompanied_child"}))
    assert not engine.is_adult(marked_adult)
    _household, members = evaluate_household([marked_adult, child(5)], rules)
    assert members[1].result == "exempt"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("mam", "exempt"), ("quc", "exempt"), ("kjb", "exempt"), ("mix", "exempt"),
     ("nah", "exempt"), ("por", "amenable"), ("hat", "amenable")],
)  # fmt: skip
def test_indigenous_language_speakers_are_indigenous_in_2021_and_current(
    language: str, expected: str
) -> None:
    for version in ("2021", "current"):
        decision = evaluate(person(languages=frozenset({language})), rules_for(version))
        assert decision.result == expected, (version, language)
        if expected == "exempt":
            assert decision.rules == (f"{version}.indigenous",)
        # Speaking Spanish as well changes nothing.
        both = evaluate(person(languages=frozenset({language, "spa"})), rules_for(version))
        assert both.result == expected


def test_2019_has_no_indigenous_exemption_but_reviews_non_spanish_speakers() -> None:
    rules = rules_for("2019")
    assert evaluate(person(languages=frozenset({"mam"})), rules).rules == (
        "2019.non_spanish_speaker",
    )
    assert evaluate(person(languages=frozenset({"mam", "spa"})), rules).result == "amenable"


def test_every_language_of_the_reference_list_makes_a_speaker_indigenous() -> None:
    rules = rules_for("2021")
    codes = languages.indigenous_languages()
    assert len(codes) > 300
    for code in codes:
        assert evaluate(person(languages=frozenset({code})), rules).result == "exempt", code


def test_reference_list_holds_real_codes_each_with_a_source() -> None:
    with languages.INDIGENOUS_LANGUAGES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and len({r["code"] for r in rows}) == len(rows)
    for row in rows:
        iso = pycountry.languages.get(alpha_3=row["code"])
        family = pycountry.language_families.get(alpha_3=row["code"])
        assert iso is not None or family is not None, row["code"]
        assert row["name"] == (iso.name if iso is not None else family.name)
        assert row["source"].strip() and row["countries"].strip() and row["language"].strip()
    codes = {r["code"] for r in rows}
    # The rarer languages seen in MPP (TRAC, April 2021: Mam 71, K'iche' 59) are listed;
    # Spanish, Portuguese, Haitian Creole, French and English are not.
    assert {"mam", "quc"} <= codes
    assert not {"spa", "por", "hat", "fra", "eng"} & codes


def test_names_on_rosters_map_to_listed_codes() -> None:
    for name in ("Mam", "K'iche'", "Q'anjob'al", "Q’eqchi’", "Mixteco", "Náhuatl", "Kaqchikel",
                 "Tsotsil", "Akateko", "Chuj", "Ixil", "Popti'", "Quechua", "Kichwa"):  # fmt: skip
        assert languages.normalize_language(name) in languages.indigenous_languages(), name


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_a_disability_is_a_health_issue_for_a_reviewer(version: str) -> None:
    decision = evaluate(person(vulnerabilities=frozenset({"disability"})), rules_for(version))
    assert (decision.result, decision.rules) == ("review", (f"{version}.disability",))


def test_current_may_count_a_disability_as_a_health_exemption() -> None:
    data = rules_for("2021").to_json()
    data["health_vulnerabilities"] = [*data["health_vulnerabilities"], "disability"]
    current = engine.RuleSet.from_json("current", data)
    decision = evaluate(person(vulnerabilities=frozenset({"disability"})), current)
    assert decision.rules == ("current.health",)


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_no_language_recorded_goes_to_review(version: str) -> None:
    decision = evaluate(person(languages=frozenset()), rules_for(version))
    assert (decision.result, decision.rules) == ("review", (f"{version}.language_unknown",))


@pytest.mark.parametrize("rule", sorted(engine.PROTECTED_RULES))
def test_a_protected_rule_cannot_be_turned_off(rule: str) -> None:
    data = rules_for("2021").to_json()
    data["enabled"] = [k for k in data["enabled"] if k != rule]
    with pytest.raises(engine.ProtectedRuleError) as exc:
        engine.RuleSet.from_json("current", data)
    assert exc.value.rules == [rule]
    with pytest.raises(engine.ProtectedRuleError):
        dataclasses.replace(rules_for("2019"), enabled=rules_for("2019").enabled - {rule})


def test_every_version_has_the_protected_and_review_rules() -> None:
    for version in engine.VERSIONS:
        enabled = rules_for(version).enabled
        assert engine.PROTECTED_RULES <= enabled
        assert engine.REVIEW_RULES <= enabled


def test_the_rules_use_vulnerability_codes_that_exist() -> None:
    assert {"disability", "indigenous", "unaccompanied_child"} <= set(Vulnerability.values)


# --- properties over random households ----------------------------------------------------

LANGS = ["spa", "por", "hat", "mam", "quc", "mix"]
member_strategy = st.builds(
    Facts,
    nationality=st.sampled_from(["HND", "GTM", "MEX", "CHN", "", "HTI"]),
    age=st.one_of(st.none(), st.integers(0, 90), st.integers(15, 20)),
    unaccompanied=st.booleans(),
    vulnerabilities=st.frozensets(st.sampled_from(Vulnerability.values), max_size=3),
    flags=st.frozensets(st.sampled_from(sorted(engine.FLAGS)), max_size=1),
    languages=st.frozensets(st.sampled_from(LANGS), max_size=2),
    fear_expressed=st.booleans(),
    fear_outcome=st.sampled_from(engine.FEAR_OUTCOMES),
    fear_asked=st.booleans(),
    fear_volunteered=st.booleans(),
    birth_year_only=st.booleans(),
)


def _certain_adult(f: Facts) -> bool:
    # Written out again here, independently of engine.is_adult.
    if f.age is None or f.unaccompanied or "unaccompanied_child" in f.vulnerabilities:
        return False
    return f.age >= (19 if f.birth_year_only else 18)


@settings(max_examples=300, deadline=None)
@given(
    members=st.lists(member_strategy, min_size=1, max_size=6),
    version=st.sampled_from(engine.VERSIONS),
)
def test_no_household_screens_amenable_with_a_child_and_no_adult(
    members: list[Facts], version: str
) -> None:
    rules = rules_for(version)
    household, decisions = evaluate_household(members, rules)
    has_adult = any(_certain_adult(f) for f in members)
    for f, decision in zip(members, decisions, strict=True):
        if not _certain_adult(f) and not has_adult:
            # A child, or someone who may be one, with no certain adult: never amenable.
            assert decision.result != "amenable"
            assert household.result != "amenable"
        if f.age is not None and f.age < 18 and not has_adult:
            assert decision.result == "exempt"
            assert f"{version}.unaccompanied_child" in decision.rules
        if f.age is None:
            assert decision.result != "amenable"
        if not f.languages:
            assert f"{version}.language_unknown" in decision.rules
        if "disability" in f.vulnerabilities:
            assert decision.result != "amenable"
        if version != "2019" and not f.languages.isdisjoint({"mam", "quc", "mix"}):
            assert f"{version}.indigenous" in decision.rules
            assert decision.result == "exempt"
        if f.fear_outcome == "positive":
            assert decision.result == "exempt"
        # Every protected reason is in the decision's reasons and never amenable.
        if engine.protected_reasons(decision):
            assert decision.result != "amenable"

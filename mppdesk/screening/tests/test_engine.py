"""The amenability rules per guidance version (pure engine)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.people.models import Vulnerability
from mppdesk.screening import engine
from mppdesk.screening.engine import Facts, evaluate, evaluate_household, rules_for

BASE = Facts(
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


def facts(**changes: object) -> Facts:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


def test_nobody_exempt_is_amenable_with_a_reason() -> None:
    for version in engine.VERSIONS:
        decision = evaluate(BASE, rules_for(version))
        assert decision.result == "amenable"
        assert decision.rules == (f"{version}.no_exemption",)


EXEMPTIONS = [
    # (versions, facts changes, rule key)
    (("2019", "2021"), {"unaccompanied": True, "age": 15}, "unaccompanied_child"),
    (
        ("2019", "2021"),
        {"vulnerabilities": frozenset({"unaccompanied_child"})},
        "unaccompanied_child",
    ),
    (("2019", "2021"), {"nationality": "MEX"}, "mexican_national"),
    (("2019", "2021"), {"flags": frozenset({"expedited_removal"})}, "expedited_removal"),
    (("2019", "2021"), {"flags": frozenset({"lpr"})}, "lpr"),
    (("2019", "2021"), {"flags": frozenset({"parole"})}, "parole"),
    (("2019", "2021"), {"flags": frozenset({"advance_parole"})}, "parole"),
    (("2019", "2021"), {"vulnerabilities": frozenset({"medical"})}, "health"),
    (("2019", "2021"), {"vulnerabilities": frozenset({"mental_health"})}, "health"),
    (("2019", "2021"), {"flags": frozenset({"criminal_history"})}, "criminal_history"),
    (("2019", "2021"), {"flags": frozenset({"history_of_violence"})}, "criminal_history"),
    (("2019", "2021"), {"flags": frozenset({"government_interest"})}, "government_interest"),
    (
        ("2019", "2021"),
        {"flags": frozenset({"port_director_discretion"})},
        "port_director_discretion",
    ),
    (("2019", "2021"), {"fear_expressed": True, "fear_outcome": "positive"}, "fear"),
    (("2021",), {"nationality": "CHN"}, "not_western_hemisphere"),
    (("2021",), {"vulnerabilities": frozenset({"pregnant"})}, "pregnant"),
    (("2021",), {"vulnerabilities": frozenset({"elderly"})}, "elderly"),
    (("2021",), {"age": 70}, "elderly"),
    (("2021",), {"vulnerabilities": frozenset({"indigenous"})}, "indigenous"),
    (("2021",), {"vulnerabilities": frozenset({"lgbtq"})}, "lgbtq"),
]


@pytest.mark.parametrize(
    ("version", "changes", "rule"),
    [(v, changes, rule) for versions, changes, rule in EXEMPTIONS for v in versions],
)
def test_each_exemption_fires_with_its_rule_code(
    version: str, changes: dict[str, object], rule: str
) -> None:
    decision = evaluate(facts(**changes), rules_for(version))
    assert decision.result == "exempt"
    assert f"{version}.{rule}" in decision.rules


@pytest.mark.parametrize(
    "changes",
    [
        {"nationality": "CHN"},
        {"vulnerabilities": frozenset({"pregnant"})},
        {"vulnerabilities": frozenset({"lgbtq"})},
        {"vulnerabilities": frozenset({"indigenous"})},
        {"age": 80},
    ],
)
def test_2021_only_exemptions_do_not_apply_in_2019(changes: dict[str, object]) -> None:
    assert evaluate(facts(**changes), rules_for("2019")).result == "amenable"


def test_vulnerability_codes_used_by_the_rules_exist() -> None:
    codes = set(Vulnerability.values)
    for rules in (rules_for("2019"), rules_for("2021")):
        assert rules.health_vulnerabilities <= codes
    assert {"pregnant", "elderly", "lgbtq", "indigenous", "unaccompanied_child"} <= codes


def test_2019_counts_only_volunteered_fear() -> None:
    rules = rules_for("2019")
    asked = facts(fear_expressed=True, fear_asked=True, fear_volunteered=False)
    volunteered = facts(fear_expressed=True, fear_asked=False, fear_volunteered=True)
    assert evaluate(asked, rules).result == "amenable"
    decision = evaluate(volunteered, rules)
    assert decision.result == "review"
    assert decision.rules == ("2019.fear_interview_pending",)


def test_2021_asks_everyone() -> None:
    rules = rules_for("2021")
    not_asked = facts(fear_asked=False)
    decision = evaluate(not_asked, rules)
    assert decision.result == "review"
    assert "2021.fear_question_not_asked" in decision.rules
    # In 2019 nobody was asked: not being asked changes nothing.
    assert evaluate(not_asked, rules_for("2019")).result == "amenable"
    # In 2021 fear expressed when asked counts.
    asked = facts(fear_asked=True, fear_expressed=True)
    assert evaluate(asked, rules).rules == ("2021.fear_interview_pending",)


def test_negative_interview_grants_no_exemption() -> None:
    for version in ("2019", "2021"):
        decided = facts(fear_expressed=True, fear_volunteered=True, fear_outcome="negative")
        assert evaluate(decided, rules_for(version)).result == "amenable"


def test_unknown_nationality_goes_to_review() -> None:
    assert evaluate(facts(nationality=""), rules_for("2021")).rules == ("2021.nationality_unknown",)


def test_2019_non_spanish_speaker_goes_to_review() -> None:
    decision = evaluate(facts(languages=frozenset({"mam"})), rules_for("2019"))
    assert decision.result == "review"
    assert decision.rules == ("2019.non_spanish_speaker",)


def test_every_fired_rule_is_listed() -> None:
    decision = evaluate(
        facts(nationality="MEX", vulnerabilities=frozenset({"pregnant", "lgbtq"})),
        rules_for("2021"),
    )
    assert set(decision.rules) == {"2021.mexican_national", "2021.pregnant", "2021.lgbtq"}


def test_current_rules_round_trip_and_parameters() -> None:
    data = rules_for("2021").to_json()
    data["elderly_age"] = 60
    data["enabled"] = [k for k in data["enabled"] if k != "lgbtq"]
    current = engine.RuleSet.from_json("current", data)
    assert evaluate(facts(age=61), current).rules == ("current.elderly",)
    assert evaluate(facts(vulnerabilities=frozenset({"lgbtq"})), current).result == "amenable"
    with pytest.raises(ValueError, match="elderly_age"):
        engine.RuleSet.from_json("current", {**data, "elderly_age": "old"})
    with pytest.raises(ValueError, match="enabled"):
        engine.RuleSet.from_json("current", {**data, "enabled": ["nope"]})


def test_household_with_one_exempt_member_goes_to_review_naming_the_member() -> None:
    members = [BASE, facts(vulnerabilities=frozenset({"pregnant"})), BASE]
    household, decisions = evaluate_household(members, rules_for("2021"))
    assert household.result == "review"
    assert [d.result for d in decisions] == ["amenable", "exempt", "amenable"]
    named = [(r.member, r.rule) for r in household.reasons if r.member is not None]
    assert named == [(1, "2021.pregnant")]


fact_strategy = st.builds(
    Facts,
    nationality=st.sampled_from(["HND", "GTM", "MEX", "CHN", "", "HTI"]),
    age=st.one_of(st.none(), st.integers(0, 95)),
    unaccompanied=st.booleans(),
    vulnerabilities=st.frozensets(st.sampled_from(Vulnerability.values), max_size=3),
    flags=st.frozensets(st.sampled_from(sorted(engine.FLAGS)), max_size=2),
    languages=st.frozensets(st.sampled_from(["spa", "por", "mam", "hat"]), max_size=2),
    fear_expressed=st.booleans(),
    fear_outcome=st.sampled_from(engine.FEAR_OUTCOMES),
    fear_asked=st.booleans(),
    fear_volunteered=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    members=st.lists(fact_strategy, min_size=1, max_size=8),
    version=st.sampled_from(engine.VERSIONS),
)
def test_a_household_decision_never_splits_members(members: list[Facts], version: str) -> None:
    rules = rules_for(version)
    household, decisions = evaluate_household(members, rules)
    assert household.result in ("amenable", "review")
    if household.result == "amenable":
        assert all(d.result == "amenable" for d in decisions)
    else:
        assert any(d.result != "amenable" for d in decisions)
        # Every member who is not amenable is named with each of their rules.
        for index, decision in enumerate(decisions):
            named = {r.rule for r in household.reasons if r.member == index}
            if decision.result != "amenable":
                assert named == set(decision.rules)
            else:
                assert not named
    for decision in decisions:
        assert decision.reasons  # every decision has its reason
        assert all(r.rule.startswith(f"{version}.") for r in decision.reasons)

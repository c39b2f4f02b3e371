"""``mppdesk dockets`` and the demo dockets and hearings."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from mppdesk.cli import cli
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings.models import Docket


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["dockets", *args])


def test_generate_from_the_command_line(personas: Any, el_paso: Any) -> None:
    docket_services.create_template(
        actor=None, venue=el_paso, weekday=0, session="am", courtroom="1", capacity=20
    )
    args = ["generate", "--venue", el_paso.code, "--from", "2027-01-01", "--to", "2027-01-31"]
    first = run(*args, "--user", "coordinator")
    assert first.exit_code == 0, first.output
    # Mondays 4, 11 and 25; the 18th is Martin Luther King Jr. Day (and the 1st New Year's).
    assert "3 dockets created, 0 already there, 31 days" in first.output
    assert "2 days the court does not sit" in first.output
    second = run(*args)
    assert second.exit_code == 0 and "0 dockets created, 3 already there" in second.output
    assert Docket.objects.filter(venue=el_paso).count() == 3
    listed = run("list", "--venue", el_paso.code, "--from", "2027-01-01", "--to", "2027-01-07")
    assert listed.exit_code == 0 and "2027-01-04\tam\t08:00\t1" in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--venue", "atlantis", "--from", "2027-01-01", "--to", "2027-01-02"], "no venue"),
        (["--venue", "el-paso-immigration-court", "--from", "01/02/2027", "--to", "2027-01-02"], "from"),
        (["--venue", "el-paso-immigration-court", "--from", "2027-01-01", "--to", "2027-01-02"], "no active weekly templates"),
    ],
)  # fmt: skip
def test_generate_refuses_bad_input(db: Any, args: list[str], message: str) -> None:
    result = run("generate", *args)
    assert result.exit_code == 2 and message in result.output


def test_generate_checks_the_role(personas: Any, el_paso: Any) -> None:
    docket_services.create_template(
        actor=None, venue=el_paso, weekday=0, session="am", courtroom="1", capacity=20
    )
    result = run(
        "generate", "--venue", el_paso.code, "--from", "2027-01-01", "--to", "2027-01-09",
        "--user", "caseworker",
    )  # fmt: skip
    assert result.exit_code == 2 and "may not manage dockets" in result.output
    assert not Docket.objects.exists()


def test_demo_dockets_and_hearings(db: Any) -> None:
    from mppdesk.cases.models import Case
    from mppdesk.hearings.demo import add_demo_dockets_and_hearings
    from mppdesk.hearings.models import DocketTemplate, Hearing, InAbsentiaFollowUp, Notice
    from mppdesk.hearings.queries import pending_cases
    from mppdesk.people.demo import load_demo

    load_demo(people=160, households=80)  # adds the demo dockets and hearings
    assert DocketTemplate.objects.count() > 0
    assert Docket.objects.count() > 0
    assert Hearing.objects.count() > 0
    assert InAbsentiaFollowUp.objects.count() >= 1
    assert Hearing.objects.filter(replaces__isnull=False).exists()  # continued or rescheduled
    assert Notice.objects.count() >= Hearing.objects.count()
    assert pending_cases(None).exists()  # the scheduler has cases left
    scheduled = Case.objects.filter(hearings__isnull=False).distinct().count()
    assert scheduled < pending_cases(None).count() + scheduled
    for docket in Docket.objects.all():
        assert docket.booked <= docket.capacity
    again = add_demo_dockets_and_hearings()
    assert (again.templates, again.dockets, again.hearings) == (0, 0, 0)

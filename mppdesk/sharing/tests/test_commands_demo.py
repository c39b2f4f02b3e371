from __future__ import annotations

import pytest
from click.testing import CliRunner

from mppdesk.sharing.commands import referrals
from mppdesk.sharing.models import ReferralStatus
from mppdesk.sharing.tests.conftest import NAME, refer

pytestmark = pytest.mark.django_db


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(referrals, list(args))


def test_list_and_accept_from_the_command_line(personas, family):
    referral = refer(personas, family.lead)
    listed = run("list", "--user", "outsider", "--direction", "incoming")
    assert listed.exit_code == 0, listed.output
    assert str(referral.pk) in listed.output and "pending" in listed.output
    assert NAME not in listed.output  # ids only in terminal output
    done = run("accept", str(referral.pk), "--user", "outsider", "--note", "ok")
    assert done.exit_code == 0, done.output
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_command_line_refuses_the_wrong_side(personas, family, third):
    referral = refer(personas, family.lead)
    assert run("revoke", str(referral.pk), "--user", "outsider").exit_code == 2
    assert run("accept", str(referral.pk), "--user", "stranger").exit_code == 2
    assert run("revoke", str(referral.pk), "--user", "caseworker").exit_code == 0
    again = run("revoke", str(referral.pk), "--user", "caseworker")
    assert again.exit_code == 2 and "status" in again.output


def test_demo_referrals_are_pending_and_added_once(db):
    from mppdesk.accounts.models import Organization
    from mppdesk.people.demo import load_demo
    from mppdesk.sharing.demo import add_demo_referrals
    from mppdesk.sharing.models import Referral

    load_demo(people=30, households=10)  # adds the demo referrals
    assert Referral.objects.count() == 3
    assert add_demo_referrals() == 0
    shelter = Organization.objects.get(slug="demo-shelters")
    assert Referral.objects.filter(to_organization=shelter, status="pending").count() == 3

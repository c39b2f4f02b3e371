"""``mppdesk dispatch --once`` drains the outbox."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mppdesk.cli import cli
from mppdesk.messaging.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


def test_dispatch_once_sends_what_is_due(outbox):
    message = outbox()
    result = CliRunner().invoke(cli, ["dispatch", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 messages dispatched." in result.output
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT

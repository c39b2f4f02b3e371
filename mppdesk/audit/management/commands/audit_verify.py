"""``manage.py audit_verify``: the same check as ``mppdesk audit verify``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from mppdesk.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit status 1 names the first bad entry."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain(chunk_size=max(100, options["chunk_size"]))
        if result.ok:
            self.stdout.write(result.message)
            return
        self.stderr.write(result.message)
        raise SystemExit(1)

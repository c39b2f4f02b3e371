"""Errors every layer raises and every edge renders.

``FieldErrors`` is the one shape of "bad input": a mapping from field (or row) name to
messages. Services raise it; the web re-renders the form with it, the API answers 422 with
it, the CLI prints one line per message.
"""

from __future__ import annotations

from collections.abc import Mapping


class FieldErrors(Exception):
    """Validation failed; ``errors`` maps field name to messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))

"""Signals between domain apps that must not import each other.

``document_theft_reported``: sent by the incidents app after the commit of an incident of
document theft, once per person affected (``person_id``, ``incident_id``; ids only). The
cases app listens and sets the document-exposure flag on the person's cases
(``cases.receivers``), so that cases never imports incidents.

``lookup_answered``: sent by the self-service app for every lookup it answers
(``outcome``, one of ``selfservice.services.Outcome``; nothing else). The ops app counts
them for ``/metrics`` (``ops.metrics``), so that selfservice never imports ops.
"""

from __future__ import annotations

from django.dispatch import Signal

document_theft_reported = Signal()
lookup_answered = Signal()

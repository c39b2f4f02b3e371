"""Signals between domain apps that must not import each other.

``document_theft_reported``: sent by the incidents app after the commit of an incident of
document theft, once per person affected (``person_id``, ``incident_id``; ids only). The
cases app listens and sets the document-exposure flag on the person's cases
(``cases.receivers``), so that cases never imports incidents.
"""

from __future__ import annotations

from django.dispatch import Signal

document_theft_reported = Signal()

"""Reactions of the cases app to other apps' signals (``core.signals``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from mppdesk.core.signals import document_theft_reported


@receiver(document_theft_reported, dispatch_uid="cases.flag_on_document_theft")
def flag_on_document_theft(sender: Any, *, person_id: Any, **kwargs: Any) -> None:
    """An incident of document theft affected this person: flag each case they are on in
    their own organization (the sender checked ``incident.write`` there; the flag is
    written by the system)."""
    from mppdesk.cases.exposure import flag_document_exposure
    from mppdesk.cases.models import Case
    from mppdesk.people.models import Person

    person = Person.objects.filter(pk=person_id).only("pk", "organization_id").first()
    if person is None:  # erased or gone since
        return
    for case in Case.objects.filter(
        organization_id=person.organization_id, members__person=person
    ).distinct():
        flag_document_exposure(case, actor=None, reason="incident_document_theft")

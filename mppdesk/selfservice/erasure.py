"""Erasure: the self-service lookup counters of the person's numbers and A-number
(``core.registry``).

Counters hold only HMACs and counts, but an HMAC of a number is still a link to it:
the counters of the person's own phone numbers go, and those of a case's A-number once
everyone on the case is erased (the A-number itself is replaced then, ``cases.erasure``).
"""

from __future__ import annotations

from django.db.models import Q

from mppdesk.cases.erasure import everyone_erased
from mppdesk.cases.models import CaseMember
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.people.erasure import unshared_contacts
from mppdesk.people.models import ContactPoint
from mppdesk.selfservice.models import LookupCounter, Scope
from mppdesk.selfservice.ratelimit import counter_digest


@register_eraser("selfservice", models=("selfservice.LookupCounter",), order=300)
def erase_lookup_counters(context: ErasureContext) -> None:
    """Rate-limit counters of the person's phone numbers and of their cases' A-numbers."""
    condition = Q(pk__in=[])
    senders = [
        counter_digest(Scope.SENDER, contact.value)
        for contact, _digests in unshared_contacts(context.person)
        if contact.kind in (ContactPoint.Kind.PHONE, ContactPoint.Kind.WHATSAPP)
    ]
    if senders:
        condition |= Q(scope=Scope.SENDER, digest__in=senders)
    memberships = CaseMember.objects.filter(person_id=context.person.pk).select_related("case")
    a_numbers = [
        counter_digest(Scope.A_NUMBER, m.case.a_number)
        for m in memberships
        if everyone_erased(context, m.case_id)
    ]
    if a_numbers:
        condition |= Q(scope=Scope.A_NUMBER, digest__in=a_numbers)
    LookupCounter.objects.filter(condition).delete()

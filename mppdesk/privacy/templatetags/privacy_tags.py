"""``{% privacy_permissions person as can %}``: what the viewer may do with a person's data."""

from __future__ import annotations

from typing import Any

from django import template

from mppdesk.privacy import access
from mppdesk.privacy.models import Erasure

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_permissions(context: template.Context, person: Any) -> dict[str, bool]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    erased = Erasure.objects.filter(person_id=person.pk).exists()
    return {
        "export": access.can_export(user, person),
        "erase": access.can_erase(user, person) and not erased,
        "erased": erased,
    }

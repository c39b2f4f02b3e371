"""Abstract bases: every record holding personal data is owned by one organization."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


class OrgScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User | None) -> Self:
        """Rows owned by an organization the user belongs to; nothing for anyone else."""
        from mppdesk.core.access import visible_org_ids

        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(organization_id__in=visible_org_ids(user))


class OrgScopedManager(models.Manager.from_queryset(OrgScopedQuerySet)):  # type: ignore[misc]
    pass


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrgOwnedModel(TimestampedModel):
    """A record owned by one organization; URLs and API ids use the random UUID."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )

    objects = OrgScopedManager()

    class Meta:
        abstract = True

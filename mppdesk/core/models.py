"""Abstract bases: every record holding personal data is owned by one organization."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


def owned_or_shared_scope(model: type[models.Model], org_ids: list[int]) -> Q:
    """Rows owned by these organizations, or shared with them through an accepted
    referral (a model opts in with a ``shared_scope(org_ids) -> Q`` classmethod)."""
    scope = Q(organization_id__in=org_ids)
    shared_scope = getattr(model, "shared_scope", None)
    if shared_scope is not None:
        scope |= shared_scope(org_ids)
    return scope


class OrgScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User | None) -> Self:
        """Rows the user may read: owned by an organization where their role has
        ``person.read``, or shared with one through an accepted referral (a model opts in
        with a ``shared_scope(org_ids) -> Q`` classmethod). Nothing for anyone else."""
        from mppdesk.core.access import visible_org_ids

        if user is None or not user.is_authenticated:
            return self.none()
        org_ids = visible_org_ids(user)
        if not org_ids:
            return self.none()
        return self.filter(owned_or_shared_scope(self.model, org_ids))


class OrgScopedManager(models.Manager.from_queryset(OrgScopedQuerySet)):  # type: ignore[misc]
    pass


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EncryptedModelMixin(models.Model):
    """Decrypts the model's encrypted fields as rows are loaded (``core.fields``).

    The associated data of a ciphertext names its row, which a field's ``from_db_value``
    does not know; ``from_db`` sees the whole row. Instances therefore always hold
    plaintext; only ``.values()``-style queries see ciphertext.
    """

    class Meta:
        abstract = True

    @classmethod
    def encrypted_fields(cls) -> list[Any]:
        cached = cls.__dict__.get("_encrypted_fields_cache")
        if cached is None:
            from mppdesk.core.fields import EncryptedMixin

            cached = [f for f in cls._meta.concrete_fields if isinstance(f, EncryptedMixin)]
            cls._encrypted_fields_cache = cached  # type: ignore[attr-defined]
        return cached

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        loaded = instance.__dict__
        for field in cls.encrypted_fields():
            stored = loaded.get(field.attname)
            if stored is not None:
                loaded[field.attname] = field.decrypt_value(stored, field.bound_row(instance))
        return instance


class OrgOwnedModel(TimestampedModel):
    """A record owned by one organization; URLs and API ids use the random UUID."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )

    objects = OrgScopedManager()

    class Meta:
        abstract = True

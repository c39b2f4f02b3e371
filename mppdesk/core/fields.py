"""Encrypted model fields and blind-index fields.

An encrypted field keeps plaintext on the model instance and ciphertext in the database
(a text column). Encryption happens in ``pre_save``, where the row is known, because the
associated data binds each ciphertext to ``<table>.<column>.<row>``; decryption happens
in ``EncryptedModelMixin.from_db`` (``core.models``) for the same reason. Consequences:

- ``.values()`` / ``.values_list()`` / ``.update()`` / filters see ciphertext: never filter
  or order on an encrypted column; search through the blind indexes instead.
- ``QuerySet.update(field=plaintext)`` and ``bulk_update`` raise: only a ``Ciphertext``
  made for the row may reach the column (``core.keys.rotate_keys`` does that).
- ``bind_to`` names the attribute whose value identifies the row in the associated data:
  the primary key (UUID, known before the insert) by default; models whose primary key is
  an auto-increment number (``ContactPoint``, ``CaseEvent``) bind to their parent's UUID
  instead, so a ciphertext can at most move between two rows of the same person or case.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.db import models

from mppdesk.lib import crypto


def row_key(value: Any) -> str:
    """The row part of the associated data: a UUID in its canonical form."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or value == "":
        raise ValueError("an encrypted field needs its row id before it can be saved")
    return str(uuid.UUID(str(value)))


class EncryptedMixin:
    """Shared behaviour; subclasses define ``to_text`` / ``from_text``."""

    bind_to: str
    empty_value: Any = None

    def __init__(self, *args: Any, bind_to: str = "pk", **kwargs: Any) -> None:
        self.bind_to = bind_to
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        if self.bind_to != "pk":
            kwargs["bind_to"] = self.bind_to
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    # -- plaintext <-> text ---------------------------------------------------------
    def to_text(self, value: Any) -> str:
        raise NotImplementedError

    def from_text(self, text: str) -> Any:
        raise NotImplementedError

    # -- associated data --------------------------------------------------------------
    def aad_for(self, row: Any) -> str:
        return self.aad_prefix() + row_key(row)

    def aad_prefix(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}."  # type: ignore[attr-defined]

    def bound_row(self, instance: Any) -> Any:
        return instance.pk if self.bind_to == "pk" else getattr(instance, self.bind_to)

    def encrypt_value(self, value: Any, row: Any) -> crypto.Ciphertext | None:
        if value is None:
            return None
        text = self.to_text(value)
        # An empty value holds no personal data and is stored empty: most notes and
        # other-names are empty, and skipping them saves a third of an import's AES calls.
        # What this reveals is only that the field is empty.
        if not text or not crypto.encryption_enabled():
            return crypto.Ciphertext(text)
        return crypto.keyring().encrypt(text, self.aad_for(row))

    def decrypt_value(self, stored: str | None, row: Any) -> Any:
        if stored is None:
            return None
        if not stored or not crypto.encryption_enabled():
            text = str(stored)
        else:
            text = crypto.keyring().decrypt(stored, self.aad_for(row))
        return self.from_text(text)

    def bulk_converter(self) -> Callable[[Any, str], Any]:
        """``(value, row key) -> database value`` for ``core.bulk.BulkRows``, where the row
        key is ``row_key(row id)``, computed once per row for all its fields."""
        prefix = self.aad_prefix()
        to_text = self.to_text
        if not crypto.encryption_enabled():
            return lambda value, key: None if value is None else to_text(value)
        encrypt = crypto.keyring().encrypt

        def convert(value: Any, key: str) -> Any:
            if value is None:
                return None
            text = to_text(value)
            return encrypt(text, prefix + key) if text else ""

        return convert

    # -- Django hooks -------------------------------------------------------------------
    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)  # type: ignore[attr-defined]
        return self.encrypt_value(value, self.bound_row(model_instance))

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if value is None or isinstance(value, crypto.Ciphertext):
            return None if value is None else str(value)
        raise ValueError(
            f"{self.model.__name__}.{self.name} is encrypted: save it through the model "  # type: ignore[attr-defined]
            "(save, bulk_create) so it is encrypted for its row"
        )

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(self, **kwargs: Any) -> Any:
        return None  # edited through the people forms/services, never a raw admin widget

    def value_to_string(self, obj: Any) -> str:
        # Serialization (dumpdata) must not write plaintext either.
        return "[encrypted]"


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A string, encrypted at rest. ``max_length`` is checked by validation, not the DB."""

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> str:
        return text


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A ``datetime.date``, encrypted at rest (stored as ISO 8601 before encryption)."""

    # What django-stubs reports for the attribute on the model.
    _pyi_private_set_type: dt.date | None  # type: ignore[assignment]
    _pyi_private_get_type: dt.date | None  # type: ignore[assignment]

    def to_text(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return value.isoformat()

    def from_text(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A list of strings (e.g. other names), encrypted at rest as JSON."""

    _pyi_private_set_type: list[str]  # type: ignore[assignment]
    _pyi_private_get_type: list[str]  # type: ignore[assignment]

    def to_text(self, value: Any) -> str:
        items = list(value)
        return json.dumps(items, ensure_ascii=False, separators=(",", ":")) if items else ""

    def from_text(self, text: str) -> list[str]:
        return [str(v) for v in json.loads(text)] if text else []


class BlindIndexField(models.CharField):
    """Hex HMAC of a normalized value, for exact lookups without plaintext.

    With ``source`` (an attribute or property of the model holding the normalized
    value), the index is recomputed on every save and ``bulk_create`` so it cannot drift
    from the encrypted value; empty source -> empty index (never matched by lookups).
    """

    def __init__(self, *args: Any, purpose: str = "", source: str = "", **kwargs: Any) -> None:
        self.purpose = purpose
        self.source = source
        kwargs.setdefault("max_length", crypto.INDEX_HEX)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        if self.source:
            kwargs["source"] = self.source
        for key, default in (
            ("max_length", crypto.INDEX_HEX),
            ("blank", True),
            ("editable", False),
        ):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def digest(self, value: str) -> str:
        return crypto.blind_index(self.purpose, value) if value else ""

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        if not self.source:
            return super().pre_save(model_instance, add)
        value = self.digest(str(getattr(model_instance, self.source) or ""))
        setattr(model_instance, self.attname, value)
        return value

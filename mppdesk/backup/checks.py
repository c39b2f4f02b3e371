"""After a restore: can this installation read the data, and is the audit chain intact?"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RestoreCheck:
    readable: bool | None  # None: no encrypted value to try
    audit_ok: bool
    audit_message: str


def check_restored() -> RestoreCheck:
    from mppdesk.audit.verify import verify_chain
    from mppdesk.core.keys import encrypted_columns
    from mppdesk.lib.crypto import DecryptionError

    readable: bool | None = None
    for model, fld in encrypted_columns():
        rows = (
            model._base_manager.exclude(**{fld.attname: ""})
            .exclude(**{f"{fld.attname}__isnull": True})
            .order_by("pk")
        )
        try:
            row = rows.first()  # decrypted as it is loaded
        except DecryptionError:
            readable = False
            break
        if row is not None:
            readable = True
            break
    result = verify_chain()
    return RestoreCheck(readable=readable, audit_ok=result.ok, audit_message=result.message)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mppdesk.accounts"
    verbose_name = _("Accounts and organizations")
    label = "accounts"

    def ready(self) -> None:
        # Scoping in core asks the permission matrix through this registration, so the
        # layers keep one direction (core never imports accounts).
        from mppdesk.accounts.permissions import Action, can, orgs_where
        from mppdesk.core.access import Scope, register_scope

        register_scope(
            Scope(
                readable_orgs=lambda user: orgs_where(user, Action.PERSON_READ),
                may_write=lambda user, org_id: can(user, Action.PERSON_WRITE, org_id),
            )
        )

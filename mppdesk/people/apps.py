from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "mppdesk.people"
    verbose_name = _("People")
    label = "people"

    def ready(self) -> None:
        from mppdesk.core.keys import register_name_tokens
        from mppdesk.people import demo, erasure, subject_access  # noqa: F401  (registrations)
        from mppdesk.people.services import name_token_digests

        register_name_tokens(name_token_digests)

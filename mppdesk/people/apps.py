from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mppdesk.people"
    label = "people"

    def ready(self) -> None:
        from mppdesk.core.keys import register_name_tokens
        from mppdesk.people import demo, erasure, subject_access  # noqa: F401  (registrations)
        from mppdesk.people.services import name_token_digests

        register_name_tokens(name_token_digests)

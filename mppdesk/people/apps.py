from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mppdesk.people"
    label = "people"

    def ready(self) -> None:
        from mppdesk.people import erasure, subject_access  # noqa: F401  (registrations)

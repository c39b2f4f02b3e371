from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mppdesk.people"
    label = "people"

    def ready(self) -> None:
        from mppdesk.people import erasure  # noqa: F401  (registers the eraser)

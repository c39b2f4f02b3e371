from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mppdesk.people"
    label = "people"

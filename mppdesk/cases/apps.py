from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mppdesk.cases"
    label = "cases"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mppdesk.audit"
    label = "audit"

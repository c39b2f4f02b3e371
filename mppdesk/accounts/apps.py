from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mppdesk.accounts"
    label = "accounts"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "golive.accounts"
    label = "accounts"
    verbose_name = "Accounts"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fahndung.accounts"
    label = "accounts"

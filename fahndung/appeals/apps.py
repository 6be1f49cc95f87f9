from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "fahndung.appeals"
    label = "appeals"

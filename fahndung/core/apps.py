from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fahndung.core"
    label = "core"
    verbose_name = "Kern"

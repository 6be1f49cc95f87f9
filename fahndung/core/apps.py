from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fahndung.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self) -> None:
        from fahndung.core import checks  # noqa: F401  (registers the deploy checks)

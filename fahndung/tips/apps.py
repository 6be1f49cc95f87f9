from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "fahndung.tips"
    label = "tips"

    def ready(self) -> None:
        from fahndung.tips import checks  # noqa: F401  (registers the deploy checks)

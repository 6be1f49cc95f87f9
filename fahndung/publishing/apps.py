from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "fahndung.publishing"
    label = "publishing"

    def ready(self) -> None:
        from fahndung.publishing import checks  # noqa: F401  (registers the system checks)

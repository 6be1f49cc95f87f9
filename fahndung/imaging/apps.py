from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "fahndung.imaging"
    label = "imaging"

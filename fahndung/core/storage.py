"""Private storage (originals, tip files) that follows STORAGES["private"] at call time.

A callable `storage=` on a FileField is evaluated once when models load, so a later change
of the private location (tests, management commands with another env) would be ignored
and files would land in the old place. This subclass resolves the location on every use.
"""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible


@deconstructible(path="fahndung.core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(location=None, base_url=None)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(storages["private"].location)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; they are served by staff views only.")


private_storage = PrivateStorage()

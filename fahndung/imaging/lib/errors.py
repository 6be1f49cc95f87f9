"""The one error the library raises for bad input: ImageRejected(message in German, code)."""

from __future__ import annotations


class ImageRejected(Exception):
    """An input image the pipeline refuses; `message` is a one-line German reason."""

    def __init__(self, message: str, code: str = "invalid_image") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

"""EncryptedTextField: a TextField stored as a MultiFernet token (see tips.crypto)."""

from __future__ import annotations

from typing import Any

from django.db import models

from fahndung.tips import crypto


class EncryptedTextField(models.TextField):
    """Transparent encryption at rest. Not filterable: keep lookup columns in plaintext."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return crypto.decrypt_text(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt_text(str(value))

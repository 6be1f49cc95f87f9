"""Domain errors raised by services; the API and UI map them to responses.

ApplicationError carries a German user-facing message, a stable machine code and
optional per-field details; `status` is the HTTP status the API uses.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    status = 400
    default_code = "validation_failed"


class TransitionNotAllowed(ApplicationError):
    status = 409
    default_code = "transition_not_allowed"


class Conflict(ApplicationError):
    status = 409
    default_code = "conflict"


class PermissionDenied(ApplicationError):
    status = 403
    default_code = "permission_denied"


class NotFound(ApplicationError):
    status = 404
    default_code = "not_found"


class ServiceUnavailable(ApplicationError):
    status = 503
    default_code = "service_unavailable"

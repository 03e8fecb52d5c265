"""Domain errors carry a translation key and parameters, so every layer can show them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the request; `key` names the message in the translation table.

    `keep_record`: the refusal wrote its own evidence (a failed sign-in, a wrong code) that must
    survive it, so a unit of work commits before re-raising instead of rolling back.
    """

    key = "error.generic"
    keep_record = False

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class NotFoundError(DomainError):
    key = "error.not_found"


class PermissionDeniedError(DomainError):
    key = "error.permission_denied"


class ValidationError(DomainError):
    key = "error.validation"

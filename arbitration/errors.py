"""Domain errors: they carry a user-facing message (already translated) and no HTTP; one handler maps them."""
from __future__ import annotations


class DomainError(Exception):
    """Base class. `message` is shown to the user; `field` names the bad form field, if any."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    status = 400


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The action does not fit the current state (acted twice, someone else acted first, too late)."""

    status = 409


class StorageError(DomainError):
    status = 503


class Gone(DomainError):
    """It existed but is no longer available (an expired export)."""

    status = 410

"""Domain errors: they carry a user-facing message as data (a lazy translation with its parameters) and no HTTP;
the edge renders it (a page in the request's language, the API in both) and one handler maps them to a status."""
from __future__ import annotations

from flask_babel import LazyString, force_locale


class DomainError(Exception):
    """Base class. `message` is a lazy_gettext string, rendered where it is shown; `field` names the bad form
    field, if any."""

    status = 400

    def __init__(self, message: LazyString, *, field: str | None = None) -> None:
        if not isinstance(message, LazyString):
            raise TypeError(f"a domain error carries a lazy message (lazy_gettext), not {type(message).__name__}: "
                            "it is rendered in the language of whoever reads it")
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        """The message in the current language."""
        return str(self.message)

    def in_locale(self, locale: str) -> str:
        with force_locale(locale):
            return str(self.message)


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

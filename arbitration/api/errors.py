"""API errors: a stable code, the HTTP status, the message in Chinese and English, and for bad input each field
with its own message. Domain errors raised by the services carry their message as data (a lazy translation with
its parameters), rendered here in both languages, so the API says exactly what the web pages say."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from arbitration.errors import Conflict, DomainError, Gone, InvalidInput, NotAllowed, NotFound, StorageError

# code -> (status, message); the message is lazy, rendered in each language
CODES = {
    "unauthorized": (401, _l("A valid API token is required (Authorization: Bearer …).")),
    "forbidden": (403, _l("This token's scopes do not allow this.")),
    "not_found": (404, _l("No such resource.")),
    "not_ready": (409, _l("The document is being prepared; try again in a minute.")),
    "method_not_allowed": (405, _l("This method is not allowed here.")),
    "validation_failed": (422, _l("Some fields are missing or wrong; see each field.")),
    "invalid_json": (400, _l("The body must be a JSON object (Content-Type: application/json).")),
    "unsupported_media_type": (415, _l("Send multipart/form-data with the file.")),
    "payload_too_large": (413, _l("The request body is too large.")),
    "idempotency_key_invalid": (400, _l("The Idempotency-Key must be 1 to 200 visible ASCII characters.")),
    "idempotency_key_reused": (409, _l("This Idempotency-Key was used for a different request.")),
    "idempotency_key_in_use": (409, _l("A request with this Idempotency-Key is still being processed.")),
    "rate_limited": (429, _l("Too many requests from this client; wait and try again (see Retry-After).")),
    "bad_signature": (401, _l("The webhook signature is missing or does not match.")),
    "stale_timestamp": (401, _l("The webhook timestamp is outside the accepted window.")),
    "replayed_event": (409, _l("This webhook event was received already.")),
    "bad_request": (400, _l("The request could not be read.")),
    "unavailable": (503, _l("The service is unavailable just now. Nothing was saved; try again shortly.")),
    "internal_error": (500, _l("Something went wrong on our side. Nothing was saved.")),
    "no_signing_secret": (403, _l("This client has no signing secret; ask the platform's admins.")),
    # domain errors from the services: their own message
    "invalid_input": (422, None),
    "not_allowed": (403, None),
    "conflict": (409, None),
    "gone": (410, None),
    "storage_unavailable": (503, None),
}
DOMAIN_CODES = [(InvalidInput, "invalid_input"), (NotAllowed, "not_allowed"), (NotFound, "not_found"),
                (Conflict, "conflict"), (Gone, "gone"), (StorageError, "storage_unavailable")]


class ApiError(Exception):
    def __init__(self, code: str, *, fields: list[dict] | None = None, message: dict | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(code)
        self.code, self.fields, self.message, self.headers = code, fields or [], message, headers or {}

    @property
    def status(self) -> int:
        return CODES[self.code][0]

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message or in_both(CODES[self.code][1])}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


def in_both(message) -> dict:
    """{"zh": …, "en": …} from a lazy message (lazy_gettext with its parameters), or a function returning one."""
    out = {}
    for locale in ("zh", "en"):
        with force_locale(locale):
            out[locale] = str(message() if callable(message) else message)
    return out


def field_error(field: str, message) -> dict:
    """A field's error: `message` is lazy (rendered in both languages here) or already {"zh", "en"}."""
    return {"field": field, "message": message if isinstance(message, dict) else in_both(message)}


def from_domain(err: DomainError) -> ApiError:
    code = next((c for cls, c in DOMAIN_CODES if isinstance(err, cls)), "invalid_input")
    message = in_both(err.message)
    fields = [{"field": err.field, "message": message}] if err.field else []
    return ApiError(code, message=message, fields=fields)

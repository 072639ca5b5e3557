"""API errors: a stable code, the HTTP status, the message in Chinese and English, and for bad input each field
with its own message. Domain errors raised by the services (one translated message) are given their other
language from the catalog, so the API says exactly what the web pages say."""
from __future__ import annotations

import functools
import re

from flask import current_app
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _

from arbitration.errors import Conflict, DomainError, Gone, InvalidInput, NotAllowed, NotFound, StorageError

# code -> (status, message); the message is a function so that it is translated in each language
CODES = {
    "unauthorized": (401, lambda: _("A valid API token is required (Authorization: Bearer …).")),
    "forbidden": (403, lambda: _("This token's scopes do not allow this.")),
    "not_found": (404, lambda: _("No such resource.")),
    "not_ready": (409, lambda: _("The document is being prepared; try again in a minute.")),
    "method_not_allowed": (405, lambda: _("This method is not allowed here.")),
    "validation_failed": (422, lambda: _("Some fields are missing or wrong; see each field.")),
    "invalid_json": (400, lambda: _("The body must be a JSON object (Content-Type: application/json).")),
    "unsupported_media_type": (415, lambda: _("Send multipart/form-data with the file.")),
    "payload_too_large": (413, lambda: _("The request body is too large.")),
    "idempotency_key_invalid": (400, lambda: _("The Idempotency-Key must be 1 to 200 visible ASCII characters.")),
    "idempotency_key_reused": (409, lambda: _("This Idempotency-Key was used for a different request.")),
    "idempotency_key_in_use": (409, lambda: _("A request with this Idempotency-Key is still being processed.")),
    "rate_limited": (429, lambda: _("Too many requests from this client; wait and try again (see Retry-After).")),
    "bad_signature": (401, lambda: _("The webhook signature is missing or does not match.")),
    "stale_timestamp": (401, lambda: _("The webhook timestamp is outside the accepted window.")),
    "replayed_event": (409, lambda: _("This webhook event was received already.")),
    "bad_request": (400, lambda: _("The request could not be read.")),
    "unavailable": (503, lambda: _("The service is unavailable just now. Nothing was saved; try again shortly.")),
    "internal_error": (500, lambda: _("Something went wrong on our side. Nothing was saved.")),
    "no_signing_secret": (403, lambda: _("This client has no signing secret; ask the platform's admins.")),
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
    """{"zh": …, "en": …} from a function that returns a translated string."""
    out = {}
    for locale in ("zh", "en"):
        with force_locale(locale):
            out[locale] = str(message())
    return out


def field_error(field: str, message) -> dict:
    return {"field": field, "message": in_both(message) if callable(message) else message}


def from_domain(err: DomainError) -> ApiError:
    code = next((c for cls, c in DOMAIN_CODES if isinstance(err, cls)), "invalid_input")
    message = both_languages(err.message)
    fields = [{"field": err.field, "message": message}] if err.field else []
    return ApiError(code, message=message, fields=fields)


# ---- one message in both languages ----

def both_languages(message: str) -> dict:
    """A message the services produced in the request's language, with its other language from the catalog."""
    zh_to_en, en_to_zh = _patterns()
    for patterns, lang in ((zh_to_en, "zh"), (en_to_zh, "en")):
        for pattern, other in patterns.get(_head(message), []) + patterns.get("", []):
            found = pattern.fullmatch(message)
            if found:
                try:   # (gettext formats only when given parameters: a plain message keeps any "%%")
                    translated = other % found.groupdict() if _PARAM.search(other) else other
                except (KeyError, TypeError, ValueError):
                    continue
                return {"zh": message, "en": translated} if lang == "zh" else {"zh": translated, "en": message}
    return {"zh": message, "en": message}


_PARAM = re.compile(r"%\((\w+)\)[sd]")


def _head(text: str) -> str:
    return text[:4]


def _compile(source: str) -> re.Pattern:
    if not _PARAM.search(source):
        return re.compile(re.escape(source), re.S)
    out, pos, seen = [], 0, set()
    for m in _PARAM.finditer(source):
        out.append(re.escape(source[pos:m.start()].replace("%%", "%")))
        name = m.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        pos = m.end()
    out.append(re.escape(source[pos:].replace("%%", "%")))
    return re.compile("".join(out), re.S)


@functools.lru_cache(maxsize=1)
def _catalog_pairs() -> tuple[tuple[str, str], ...]:
    with force_locale("zh"):
        catalog = getattr(get_translations(), "_catalog", {})
    return tuple((k, v) for k, v in catalog.items() if isinstance(k, str) and k and isinstance(v, str) and v)


def _patterns() -> tuple[dict, dict]:
    cache = current_app.extensions.setdefault("api_message_patterns", {})
    if not cache:
        for name, pairs in (("zh", [(v, k) for k, v in _catalog_pairs()]), ("en", list(_catalog_pairs()))):
            index: dict[str, list] = {}
            for source, other in pairs:
                # indexed by the message's first characters when they are literal text (most messages)
                head = source[:4] if "%(" not in source[:4] else ""
                index.setdefault(head, []).append((_compile(source), other))
            cache[name] = index
    return cache["zh"], cache["en"]

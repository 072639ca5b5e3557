"""Each API view declares its operation once, with `@operation(...)`: summary, scope, request shape, response
shapes, error statuses. The declaration is what runs (the token, the scope, the signature, the body checked
before the view is called) and what the OpenAPI document says (`openapi` reads it from the app's routes). In
tests every JSON answer is also checked against the shape declared for its status."""
from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping

from flask import current_app, g, request

from arbitration import clock
from arbitration.api import ratelimit, signing
from arbitration.api import services as api
from arbitration.api.errors import ApiError
from arbitration.api.shapes import Shape
from arbitration.api.validation import validate

POST_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429)
READ_ERRORS = (401, 403, 404, 429)
JSON_LIMIT = 256 * 1024
JSON_MAX_DEPTH = 32          # the API's bodies nest a few levels; deeper is refused before anything walks it


@dataclasses.dataclass(frozen=True)
class Binary:
    """An answer that is a file, not JSON."""
    media_type: str
    description: str


@dataclasses.dataclass(frozen=True)
class Operation:
    summary: str
    scope: str | None = None
    body: Shape | None = None                  # a JSON body, checked before the view (which gets it as `body`)
    form: Shape | None = None                  # a multipart body, read by the view as it streams
    responses: Mapping[int, Shape | Binary] = dataclasses.field(default_factory=dict)
    extra_errors: tuple[int, ...] = ()
    signed: bool = False                       # signed like our webhooks (X-KM-Timestamp, X-KM-Signature)
    examples: Mapping[str, str] = dataclasses.field(default_factory=dict)    # path parameter -> example
    query: tuple[dict, ...] = ()               # query parameters, as the document states them (the view reads them)
    listed: bool = True                        # False: not an operation of the API (its own description)

    @property
    def idempotent(self) -> bool:
        """Every POST with a body takes an Idempotency-Key, except signed events (their id is their key)."""
        return (self.body is not None or self.form is not None) and not self.signed

    @property
    def errors(self) -> tuple[int, ...]:
        usual = POST_ERRORS if self.body is not None or self.form is not None else READ_ERRORS
        return tuple(sorted({*usual, *self.extra_errors}))


def declared(view: Callable) -> Operation | None:
    return getattr(view, "operation", None)


def operation(summary: str, *, ok: Mapping[int, Shape | Binary], scope: str | None = None,
              body: Shape | None = None, form: Shape | None = None, errors: tuple[int, ...] = (),
              signed: bool = False, examples: Mapping[str, str] | None = None, query: tuple[dict, ...] = ()):
    """Declare a view as an API operation. `errors`: statuses it may answer besides the usual ones (those of a
    read, or of a POST with a body); `query`: its query parameters (OpenAPI parameter objects without "in")."""
    op = Operation(summary, scope, body, form, dict(ok), tuple(errors), signed, dict(examples or {}),
                   tuple({**p, "in": "query"} for p in query))

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            checked = _admitted(op)
            if op.body is not None:
                kwargs["body"] = checked
            response = view(*args, **kwargs)
            if current_app.testing:
                check_response(op, response.status_code, response.get_json(silent=True) if response.is_json
                               else None)
            return response
        wrapped.operation = op
        return wrapped
    return decorate


def about_the_api(view):
    """The API's description of itself (the document, its page): open to all, and no operation of its own."""
    view.operation = Operation((view.__doc__ or view.__name__).strip(), listed=False)
    return view


def check_response(op: Operation, status: int, body) -> None:
    """An answer of `op` must have a declared status and, when JSON, match the shape declared for it."""
    if status >= 300:           # errors are made by the error handlers (the Error shape); redirects have no body
        return
    declared_as = op.responses.get(status)
    if declared_as is None:
        raise AssertionError(f"{op.summary!r} answered {status}, which it does not declare")
    if isinstance(declared_as, Shape):
        declared_as.check(body)


# ---- what the declaration enforces, in this order ----

def _admitted(op: Operation):
    """The token, then (for signed events: the signature and the body first) the scope, then the body."""
    client = authenticate()
    if op.signed:
        body = validate(_signed_json(client), op.body)
        if op.scope:
            require(client, op.scope)
        return body
    if op.scope:
        require(client, op.scope)
    if op.body is not None:
        return validate(json_body(), op.body)
    return None


def authenticate():
    """The client of the bearer token, counted against its rate limit."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    client = api.authenticate(token)
    if client is None:
        raise ApiError("unauthorized")
    limit = client.rate_limit_per_minute or current_app.config["API_RATE_LIMIT"]
    g.rate = ratelimit.hit(client.token_sha256[:16], limit)
    if not g.rate.allowed:
        raise ApiError("rate_limited", headers={"Retry-After": str(g.rate.retry_after)})
    g.api_client, g.api_client_id = client, client.id
    return client


def require(client, name: str) -> None:
    if name not in client.scopes:
        raise ApiError("forbidden")


def json_body() -> dict:
    if request.content_length is not None and request.content_length > JSON_LIMIT:
        raise ApiError("payload_too_large")
    if not request.is_json:
        raise ApiError("invalid_json")
    body = parse_json(request.get_data(cache=True))
    if not isinstance(body, dict):
        raise ApiError("invalid_json")
    return body


def parse_json(raw: bytes):
    """A request body's JSON, or `invalid_json`: not JSON, or nested past JSON_MAX_DEPTH (a deep enough array makes
    the parser itself give up with RecursionError, and a shallower one would make later steps do so)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError("invalid_json") from None
    level, depth = [body], 0
    while level:                        # breadth-first, level by level: no recursion of our own
        depth += 1
        if depth > JSON_MAX_DEPTH:
            raise ApiError("invalid_json")
        level = [child for value in level if isinstance(value, (dict, list))
                 for child in (value.values() if isinstance(value, dict) else value)]
    return body


def _signed_json(client):
    """Signed like ours to the platform (HMAC-SHA256 over timestamp and body, with the client's secret), within
    five minutes of its timestamp."""
    if not client.signing_secret:
        raise ApiError("no_signing_secret")
    if request.content_length is not None and request.content_length > JSON_LIMIT:
        raise ApiError("payload_too_large")
    raw = request.get_data(cache=True)
    problem = signing.problem(client.signing_secret, request.headers.get(signing.TIMESTAMP_HEADER),
                              request.headers.get(signing.SIGNATURE_HEADER), raw,
                              now=int(clock.now_utc().timestamp()))
    if problem:
        raise ApiError(problem)
    return parse_json(raw)

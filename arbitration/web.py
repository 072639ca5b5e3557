"""Request plumbing: one transaction per request, error pages, security headers, template helpers."""
from __future__ import annotations

import datetime as dt

from flask import Flask, Response, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from arbitration import clock
from arbitration.audit import events as event_types
from arbitration.db import commit, db, rollback
from arbitration.deadlines import registry
from arbitration.errors import DomainError
from arbitration.money import yuan
from arbitration.storage import app_store, content_disposition
from arbitration.storage.base import human_size
from arbitration.web_format import duration, format_local, mask_name

ERROR_TITLES = {
    400: lambda: _("The request could not be understood"),
    403: lambda: _("You may not do this"),
    404: lambda: _("Not found"),
    405: lambda: _("This action is not available here"),
    409: lambda: _("This no longer fits the current state"),
    413: lambda: _("The upload is too large"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong on our side"),
    503: lambda: _("A service we depend on is unavailable"),
}

ERROR_HINTS = {
    400: lambda: _("Check what you entered and try again."),
    403: lambda: _("Your account does not have access to this page or action."),
    404: lambda: _("The page or record does not exist, or the address is mistyped."),
    409: lambda: _("Someone may have acted first, or a deadline has passed. Reload the page to see the current state."),
    413: lambda: _("Make the file smaller or split it, then upload again."),
    500: lambda: _("Nothing was changed. Please try again in a moment."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str | None = None):
    title = ERROR_TITLES.get(status, ERROR_TITLES[500])()
    hint = message or ERROR_HINTS.get(status, ERROR_HINTS[500])()
    if _wants_json():
        return jsonify({"error": {"status": status, "title": title, "message": hint}}), status
    return render_template("errors/error.html", status=status, title=title, message=hint), status


# URL prefix -> fn(HTTPException) -> response: a part of the site with its own error format (the API's JSON)
_error_renderers: dict[str, object] = {}


def render_errors_under(prefix: str, fn) -> None:
    """HTTP errors under `prefix` (also URLs that match no route) are answered by `fn(err)`."""
    _error_renderers[prefix] = fn


def _describe(deadline) -> str:
    """What happens when a deadline passes: the sentence its feature registered."""
    try:
        return str(registry.get(deadline.consequence).describe())
    except LookupError:
        return ""


def _subject(deadline) -> tuple[str, str | None]:
    return registry.describe_subject(deadline.subject_type, deadline.subject_id)


def _kind(deadline) -> str:
    return registry.kind_label(deadline.kind)


def install(app: Flask) -> None:
    @app.after_request
    def _finish_transaction(response):
        # one transaction per request: commit on success, roll back on any error status
        if response.status_code < 400:
            commit()
        else:
            rollback()
        return response

    @app.teardown_request
    def _rollback_on_exception(exc):
        if exc is not None:
            rollback()

    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        rollback()
        return error_response(err.status, str(err))

    @app.errorhandler(CSRFError)
    def _csrf_error(err):
        rollback()
        return error_response(400, _("The form has expired or was not sent from this site. "
                                     "Reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        rollback()
        for prefix, render in _error_renderers.items():   # e.g. an API URL that matched no route
            if request.path.startswith(prefix):
                return render(err)
        return error_response(err.code or 500)

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    def _database_unreachable(err):
        """The database went away (restarted, network): a clear 503; the pool reconnects on a later request."""
        app.logger.warning("database unavailable: %s", str(err).splitlines()[0][:200])
        try:
            rollback()
        except Exception:          # the connection is gone: drop the session, the pool replaces it
            db.session.close()
        g._login_user = app.login_manager.anonymous_user()   # the error page must not query for the user
        return error_response(503, _("The database cannot be reached just now. Nothing was saved; try again in "
                                     "a moment."))

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("unhandled error")
        rollback()
        return error_response(500)

    @app.after_request
    def _security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy",
                     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                     "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            h.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def _helpers():
        return {"now_utc": clock.now_utc, "current_locale": str(get_locale()),
                "languages": app.config["LANGUAGES"], "describe": _describe,
                "deadline_subject": _subject, "deadline_kind": _kind}

    @app.template_filter("localtime")
    def _localtime(value: dt.datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
        return format_local(value, fmt) if value else ""

    app.add_template_filter(yuan, "yuan")
    app.add_template_filter(lambda action: str(event_types.label(action)), "event_label")
    app.add_template_filter(lambda text: dt.datetime.fromisoformat(text) if text else None, "fromiso")
    app.add_template_filter(human_size, "filesize")

    app.add_template_global(duration, "duration")
    app.add_template_global(icon, "icon")
    app.add_template_filter(mask_name, "masked")
    app.add_template_filter(lambda due: overdue(due, clock.now_utc()), "overdue")

    @app.template_filter("time_left")
    def _time_left(due: dt.datetime) -> str:
        """A countdown to `due` ("2 天 0 小时"), or how long ago it passed."""
        now = clock.now_utc()
        if overdue(due, now):
            return _("overdue by %(time)s", time=duration(minutes=(now - due).total_seconds() // 60,
                                                          countdown=True))
        return _("%(time)s left", time=duration(minutes=(due - now).total_seconds() // 60, countdown=True))


ICONS = frozenset({"case", "order", "evidence", "message", "deadline", "check", "warning"})   # static/icons.svg


def icon(name: str, label: str | None = None) -> Markup:
    """An icon of the sprite static/icons.svg: decoration beside words (hidden from screen readers), or with
    `label` an image with that name."""
    if name not in ICONS:
        raise ValueError(f"no icon {name!r} in static/icons.svg")
    named = f' role="img" aria-label="{escape(label)}"' if label else ' aria-hidden="true"'
    href = url_for("static", filename="icons.svg") + "#" + name
    return Markup(f'<svg class="icon icon-{name}"{named} focusable="false"><use href="{href}"></use></svg>')


def overdue(due: dt.datetime | None, now: dt.datetime) -> bool:
    """A running deadline that has passed (the sweep applies its outcome shortly)."""
    return due is not None and due <= now


def send_stored(key: str, *, filename: str, content_type: str, size: int | None):
    """A stored object (ruling PDF, export ZIP) as an attachment: a presigned URL valid for minutes where the
    store has them (S3), else streamed from the store in 1 MiB blocks, never read whole."""
    store = app_store()
    url = store.presigned_url(key, filename=filename, content_type=content_type, expires_seconds=300)
    if url:
        return redirect(url)
    reader = store.open_read(key)

    def body():
        with reader:
            while chunk := reader.read(1024 * 1024):
                yield chunk

    response = Response(body(), content_type=content_type)
    response.call_on_close(reader.close)             # a HEAD, or a client gone before the first block
    response.headers["Content-Disposition"] = content_disposition(filename)
    if size is not None:
        response.headers["Content-Length"] = str(size)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def refuse(err: DomainError, form=None) -> None:
    """A view caught a domain error to show it with the form: undo anything flushed, tell the user
    (next to the field it concerns, else as a flash message)."""
    rollback()
    field = getattr(form, err.field, None) if (form is not None and err.field) else None
    if field is not None:
        field.errors = list(field.errors) + [str(err)]
    else:
        flash(str(err), "error")

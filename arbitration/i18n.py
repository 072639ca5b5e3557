"""Language choice: the user's saved choice, else the session's, else the platform default (Chinese)."""
from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs speak the platform default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["DISPLAY_TIMEZONE"]


def _finish(context, rv: str, variables: dict):
    """Jinja's new-style gettext ending: escaped under autoescape, then `%`-formatted with the keyword arguments."""
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def bind_translations(app) -> None:
    """Templates translate through the translations bound once per render (one lookup per page, ~400 strings):
    Flask-Babel's own callables, installed as the environment's globals, look the request's translations up through
    its context locals for every string. These context variables take their place in every template rendered with
    render_template (and its `with context` imports); inside `force_locale` a render binds the forced language.
    Macros imported without context keep Flask-Babel's callables: same words, slower. The semantics are Jinja's
    new-style gettext's: escaped under autoescape, then `%`-formatted with the keyword arguments."""

    @app.context_processor
    def _bound_translations() -> dict:
        t = get_translations()
        ugettext, ungettext, upgettext, unpgettext = t.ugettext, t.ungettext, t.upgettext, t.unpgettext

        @pass_context
        def gettext(__context, __string, **variables):
            return _finish(__context, ugettext(__string), variables)

        @pass_context
        def ngettext(__context, __singular, __plural, __num, **variables):
            variables.setdefault("num", __num)
            return _finish(__context, ungettext(__singular, __plural, __num), variables)

        @pass_context
        def pgettext(__context, __ctx, __string, **variables):
            variables.setdefault("context", __ctx)
            return _finish(__context, upgettext(__ctx, __string), variables)

        @pass_context
        def npgettext(__context, __ctx, __singular, __plural, __num, **variables):
            variables.setdefault("context", __ctx)
            variables.setdefault("num", __num)
            return _finish(__context, unpgettext(__ctx, __singular, __plural, __num), variables)

        return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "pgettext": pgettext,
                "npgettext": npgettext}

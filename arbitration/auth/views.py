"""Login, logout, language switch."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_language
from flask_login import current_user, login_required, login_user, logout_user

from arbitration.auth import permissions, services
from arbitration.auth.forms import LanguageForm, LoginForm
from arbitration.auth.labels import ROLE_LABELS
from arbitration.errors import DomainError
from arbitration.db import commit

bp = Blueprint("auth", __name__)


@bp.app_context_processor
def _helpers():
    """Every page may ask the account predicates and name roles."""
    return {"perm": permissions, "role_labels": ROLE_LABELS}


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an absolute URL or a scheme-relative one."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc \
            and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, request.remote_addr or "unknown")
        except DomainError as err:
            commit()  # failed attempts are kept for throttling although the response is an error
            flash(str(err), "error")
            return render_template("auth/login.html", form=form), err.status
        lang = session.get("lang")
        session.clear()  # a fresh session at login: nothing carried over from before (fixation)
        if lang:
            session["lang"] = lang
        login_user(user)
        refresh_language()      # the next pages speak the user's saved language: so does the welcome
        flash(_("Welcome, %(name)s.", name=user.display_name), "success")
        return redirect(_safe_next(form.next.data))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        services.set_locale(current_user._get_current_object(), form.lang.data)
    session["lang"] = form.lang.data
    return redirect(_safe_next(form.next.data))

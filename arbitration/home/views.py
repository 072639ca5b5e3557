"""Home pages per role."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from arbitration.home import services

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    user = current_user._get_current_object()
    return render_template("home/index.html", attention=services.attention_for(user))

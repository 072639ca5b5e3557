"""Home pages per role."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from arbitration.auth.models import Role
from arbitration.home import services
from arbitration.oversight import dashboard

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    user = current_user._get_current_object()
    # the regulator's home page is the dashboard: the headline figures, then the trends
    board = dashboard.build(request.args) if user.role == Role.regulator else None
    return render_template("home/index.html", attention=services.attention_for(user), dashboard=board)

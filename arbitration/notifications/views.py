"""The inbox."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from arbitration.notifications import services

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread():
    if getattr(current_user, "is_authenticated", False):
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}


@bp.route("/notifications")
@login_required
def inbox():
    return render_template("notifications/inbox.html", items=services.inbox(current_user), text_of=services.text_of,
                           form=FlaskForm(formdata=None))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all():
    form = FlaskForm()
    if form.validate_on_submit():
        services.mark_all_read(current_user)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.inbox"))

"""The inbox."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from arbitration.notifications import services

bp = Blueprint("notifications", __name__)


UNREAD_CACHE_SECONDS = 10      # the badge may lag a new notification by this much; reading the inbox clears it


@bp.app_context_processor
def _unread():
    if getattr(current_user, "is_authenticated", False):
        return {"unread_notifications": unread_badge(current_user)}
    return {"unread_notifications": 0}


def unread_badge(user) -> int:
    """The unread count of the page's header, kept in the session for a few seconds (one query fewer on most pages;
    the same count whichever worker serves the next page)."""
    ttl = current_app.config.get("UNREAD_CACHE_SECONDS", UNREAD_CACHE_SECONDS)
    cached, now = session.get("unread"), time.time()
    if ttl and cached and cached[0] == user.id and 0 <= now - cached[2] < ttl:
        return cached[1]
    count = services.unread_count(user)
    if ttl:
        session["unread"] = [user.id, count, now]
    return count


@bp.route("/notifications")
@login_required
def inbox():
    session.pop("unread", None)          # the inbox shows what is new: its badge too
    return render_template("notifications/inbox.html", items=services.inbox(current_user), text_of=services.text_of,
                           form=FlaskForm(formdata=None))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read_all():
    form = FlaskForm()
    if form.validate_on_submit():
        services.mark_all_read(current_user)
        session.pop("unread", None)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.inbox"))

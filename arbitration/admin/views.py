"""Admin pages: users, arbitrator conflicts and the business calendar (API clients: `api_clients`)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from arbitration.admin import bp
from arbitration.admin.forms import (CalendarDayForm, CalendarRemoveForm, CalendarYearForm, ConflictForm,
                                     UserForm)
from arbitration.auth import services as accounts
from arbitration.auth.labels import ROLE_LABELS
from arbitration.auth.models import Role, User
from arbitration.auth.permissions import can_manage_calendar, can_manage_users, can_view_calendar, require
from arbitration.calendar import services as calendar
from arbitration.cases import conflicts
from arbitration.db import db
from arbitration.errors import DomainError
from arbitration.forms import PlainForm, choices
from arbitration.merchants.models import Merchant
from arbitration.web import refuse

PAGE_SIZE = 50


def _user_form(**kwargs) -> UserForm:
    form = UserForm(**kwargs)
    merchants = db.session.scalars(sa.select(Merchant).order_by(Merchant.name)).all()
    form.merchant_id.choices = choices([(0, "—")] + [(m.id, m.name) for m in merchants])
    return form


@bp.route("/users")
@require(can_manage_users)
def users():
    """Users, filtered by role and searched by name; keyset pagination on id."""
    role = request.args.get("role", "")
    query = request.args.get("q", "").strip()
    after = request.args.get("after", type=int) or 0
    after = after if 0 <= after < 2**62 else 0  # a malformed cursor shows the first page
    stmt = sa.select(User).where(User.id > after).order_by(User.id).limit(PAGE_SIZE + 1)
    if role in Role.__members__:
        stmt = stmt.where(User.role == Role(role))
    if query:
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(User.username.ilike(like, escape="\\"), User.display_name.ilike(like, escape="\\")))
    rows = db.session.scalars(stmt).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render_template("admin/users.html", users=rows, role_labels=ROLE_LABELS, role=role, q=query,
                           next_after=rows[-1].id if more else None)


@bp.route("/users/new", methods=["GET", "POST"])
@require(can_manage_users)
def create_user():
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Enter an initial password."))
        else:
            try:
                user = accounts.create_user(current_user, username=form.username.data,
                                            display_name=form.display_name.data, role=Role(form.role.data),
                                            password=form.password.data, email=form.email.data,
                                            merchant_id=form.merchant_id.data or None)
            except DomainError as err:
                refuse(err, form)
            else:
                flash(_("User %(name)s created.", name=user.username), "success")
                return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(can_manage_users)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(obj=user) if request.method == "GET" else _user_form()
    if request.method == "GET":
        form.role.data = user.role.value
        form.merchant_id.data = user.merchant_id or 0
    del form.username  # the user name never changes: it is what people log in with
    if form.validate_on_submit():
        try:
            accounts.update_user(current_user, user, display_name=form.display_name.data, role=Role(form.role.data),
                                 email=form.email.data, merchant_id=form.merchant_id.data or None,
                                 active=form.active.data, password=form.password.data or None)
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=user), status


def _calendar_page(status: int = 200, **forms):
    forms.setdefault("day_form", CalendarDayForm(formdata=None))
    forms.setdefault("year_form", CalendarYearForm(formdata=None))
    return render_template("admin/calendar.html", years=calendar.overview(), remove_form=CalendarRemoveForm(),
                           **forms), status


@bp.route("/calendar")
@require(can_view_calendar)
def calendar_page():
    return _calendar_page()


@bp.route("/calendar/days", methods=["POST"])
@require(can_manage_calendar)
def add_calendar_day():
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            calendar.add_day(current_user, form.day.data, form.kind.data, form.name.data or "")
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("%(day)s added to the calendar.", day=form.day.data.isoformat()), "success")
            return redirect(url_for("admin.calendar_page"))
    return _calendar_page(400, day_form=form)


@bp.route("/calendar/days/remove", methods=["POST"])
@require(can_manage_calendar)
def remove_calendar_day():
    form = CalendarRemoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        calendar.remove_day(current_user, form.day.data)
    except DomainError as err:
        refuse(err)
        return _calendar_page(err.status)
    flash(_("%(day)s removed from the calendar.", day=form.day.data.isoformat()), "success")
    return redirect(url_for("admin.calendar_page"))


@bp.route("/calendar/years", methods=["POST"])
@require(can_manage_calendar)
def mark_calendar_year():
    form = CalendarYearForm()
    if form.validate_on_submit():
        try:
            calendar.mark_year_known(current_user, form.year.data)
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("The schedule of %(year)s is now used for deadlines.", year=form.year.data), "success")
            return redirect(url_for("admin.calendar_page"))
    return _calendar_page(400, year_form=form)


def _conflict_form(**kwargs) -> ConflictForm:
    form = ConflictForm(**kwargs)
    arbitrators = db.session.scalars(sa.select(User).where(User.role == Role.arbitrator).order_by(User.display_name))
    form.arbitrator_id.choices = choices((u.id, u.display_name) for u in arbitrators)
    merchants = db.session.scalars(sa.select(Merchant).order_by(Merchant.name))
    form.merchant_id.choices = choices((m.id, m.name) for m in merchants)
    return form


@bp.route("/conflicts", methods=["GET", "POST"])
@require(can_manage_users)
def conflicts_page():
    """Arbitrators tied to a merchant: never assigned its cases."""
    form = _conflict_form()
    if form.validate_on_submit():
        try:
            conflicts.declare(current_user, arbitrator_id=form.arbitrator_id.data or 0,
                              merchant_id=form.merchant_id.data or 0, reason=form.reason.data or "")
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("The conflict is recorded: the arbitrator will not be assigned this merchant's cases."),
                  "success")
            return redirect(url_for("admin.conflicts_page"))
    found = conflicts.all_conflicts()
    named = {c.arbitrator_id for c in found}          # (a conflicted user may have changed role since)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(named)))}
    merchants = {m.id: m for m in db.session.scalars(sa.select(Merchant))}
    return render_template("admin/conflicts.html", form=form, conflicts=found, users=users,
                           merchants=merchants, plain=PlainForm()), 400 if request.method == "POST" else 200


@bp.route("/conflicts/<int:conflict_id>/remove", methods=["POST"])
@require(can_manage_users)
def remove_conflict(conflict_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        conflicts.remove(current_user, conflict_id)
    except DomainError as err:
        refuse(err)
        abort(err.status)
    flash(_("The conflict is removed."), "success")
    return redirect(url_for("admin.conflicts_page"))

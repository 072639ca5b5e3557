"""The supervisors' consistency page: per category, each arbitrator's decisions against the peers', with charts,
and the outliers listed with their cases."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.auth.models import Role
from arbitration.auth.permissions import require, role_of
from arbitration.cases.filters import date_range, start_of
from arbitration.cases.messages import CATEGORY_LABELS
from arbitration.cases.models import CATEGORIES
from arbitration.consistency import rules, services
from arbitration.errors import InvalidInput
from arbitration.oversight import charts

bp = Blueprint("consistency", __name__)
DEFAULT_DAYS = 180
CASES_LISTED = 50


def can_read_consistency(user) -> bool:
    return role_of(user) in (Role.supervisor, Role.regulator)


@bp.app_context_processor
def _helpers():
    return {"can_read_consistency": can_read_consistency}      # the menu asks the same question as the page


def _period(args) -> tuple[dt.date, dt.date]:
    today = clock.now_utc().astimezone(clock.CHINA).date()
    start, end = date_range(args, "date_from", "date_to")
    start, end = start or today - dt.timedelta(days=DEFAULT_DAYS), end or today
    if start > end:      # only one given, beyond the other's default
        raise InvalidInput(_l("The date range is inverted: the start (%(start)s) is after the end (%(end)s).",
                              start=start.isoformat(), end=end.isoformat()), field="date_from")
    return start, end


@bp.route("/consistency")
@require(can_read_consistency)
def index():
    args = request.args.to_dict()
    category = args.get("category", "")
    status, problem = 200, None
    try:
        if category and category not in CATEGORIES:
            raise InvalidInput(_l("Unknown category."), field="category")
        start, end = _period(args)
    except InvalidInput as err:
        status, problem, category = 400, err, ""
        start, end = _period({})
    rows = services.decided(start_of(start), start_of(end + dt.timedelta(days=1)), category)
    figures = rules.figures(rows)
    names = services.names(f.arbitrator_id for f in figures)
    by_category: dict[str, list[rules.Figures]] = {}
    for f in figures:
        by_category.setdefault(f.category, []).append(f)
    drawn = {c: charts.bar_chart([(names.get(f.arbitrator_id, "?"), 100 * f.shares["upheld"]) for f in fs],
                                 title=gettext("Share of claims upheld, %(category)s",
                                               category=CATEGORY_LABELS[c]), unit="%")
             for c, fs in by_category.items()}
    outliers = [f for f in figures if f.outlier_because]
    return render_template("consistency/index.html", by_category=by_category, drawn=drawn, names=names,
                           outliers=outliers, start=start, end=end, category=category, problem=problem,
                           rules=rules, listed=CASES_LISTED, categories=CATEGORIES), status

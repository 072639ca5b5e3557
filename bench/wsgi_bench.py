"""The app as production serves it, plus one benchmark-only page: the arbitrator's queue rendered with the same
template from rows held in memory (loaded once per user), the baseline of bench/queue_http.py. Never deployed."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

import sqlalchemy as sa

from arbitration import create_app
from arbitration.auth.models import Role
from arbitration.cases import permissions as perm
from arbitration.cases import queries
from arbitration.cases.filters import CaseFilter
from arbitration.db import db
from arbitration.merchants.models import Merchant

app = create_app()
_pages: dict[int, dict] = {}


def page_of(user) -> dict:
    """What the queue page (cases.views.index, no arguments) passes to its template, loaded once."""
    page, running = queries.case_list(user, CaseFilter())
    merchant_names, buyer_names = queries.parties_of(page.rows)
    merchants = None
    if perm.can_filter_by_merchant(user):
        merchants = db.session.execute(sa.select(Merchant.id, Merchant.name).order_by(Merchant.name).limit(201)).all()
        merchants = merchants if len(merchants) <= 200 else None
    return dict(page=page, running=running, filters=CaseFilter(), merchants=merchants, merchant_name=None,
                problem=None, args={}, sort=queries.DEFAULT_SORT, sorts=queries.SORTS, happened=None, kept={},
                count=queries.count_cases(user, CaseFilter()), merchant_names=merchant_names, buyer_names=buyer_names,
                show_merchant=user.role != Role.merchant_staff, show_buyer=user.role != Role.buyer)


@app.route("/bench/queue-in-memory")
@login_required
def queue_in_memory():
    if current_user.id not in _pages:
        _pages[current_user.id] = page_of(current_user)     # detached after this request; every field is loaded
    return render_template("cases/list.html", **_pages[current_user.id])

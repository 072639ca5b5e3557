"""The app as production serves it, plus one benchmark-only page: the arbitrator's queue rendered with the same
template from rows held in memory (loaded once per user), the baseline of bench/queue_http.py. Never deployed."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from arbitration import create_app
from arbitration.cases import queries
from arbitration.cases.filters import CaseFilter

app = create_app()
_rows: dict[int, tuple] = {}


@app.route("/bench/queue-in-memory")
@login_required
def queue_in_memory():
    if current_user.id not in _rows:
        page, running = queries.case_list(current_user, CaseFilter())
        _rows[current_user.id] = (page, running)     # detached after this request; every field is loaded
    page, running = _rows[current_user.id]
    return render_template("cases/list.html", page=page, running=running, filters=CaseFilter(), merchants=None,
                           merchant_name=None, problem=None, args={})

"""Test-only hooks, registered only when ARBITRATION_TESTING_HOOKS=1 (browser tests advance the clock)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, jsonify, request

from arbitration import clock
from arbitration.deadlines.services import sweep

bp = Blueprint("testing", __name__, url_prefix="/__testing__")


@bp.route("/clock/advance", methods=["POST"])
def advance_clock():
    hours = request.args.get("hours", type=float)
    if hours is None or hours < 0:
        abort(400)
    clock.advance(dt.timedelta(hours=hours))
    return jsonify({"now": clock.now_utc().isoformat()})


@bp.route("/sweep", methods=["POST"])
def sweep_now():
    """Apply due deadlines now (after advancing the clock), instead of waiting for the minute's sweep."""
    result = sweep()
    return jsonify({"applied": result.applied, "reminded": result.reminded})

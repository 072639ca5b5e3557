"""What happens when an order's deadlines pass (registered with the deadline engine)."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from arbitration.calendar.rules import Due
from arbitration.db import db
from arbitration.deadlines import services as deadlines
from flask_babel import gettext as _

from arbitration.deadlines.registry import batch, consequence, kind_labels, subject_link
from arbitration.orders.messages import DEADLINE_LABELS
from arbitration.orders import requests as order_requests
from arbitration.orders.models import Order, OrderRequest
from arbitration.orders.rules import Action, OrderState
from arbitration.orders.services import apply_action, apply_action_many, facts_of, lock_orders
from arbitration.web_format import path_for


@consequence("order.close_unpaid", lambda: _l("The unpaid order closes."))
def close_unpaid(deadline, now):
    order = db.session.get(Order, int(deadline.subject_id))
    if order.state == OrderState.pending_payment:
        apply_action(order, Action.close_unpaid, None, now=now)


@consequence("order.auto_confirm", lambda: _l("Receipt is confirmed automatically."))
def auto_confirm(deadline, now):
    order = db.session.get(Order, int(deadline.subject_id))
    facts = facts_of(order)
    # a request, a case or a lock holds it; the window starts again when the request closes
    if order.state == OrderState.delivered and not facts.locked and facts.open_request is None:
        apply_action(order, Action.auto_confirm, None, now=now)


@batch("order.auto_confirm")
def auto_confirm_many(deadlines_due, now):
    """The same for many orders: locked together, the table checked on each, the confirmed moved at once."""
    ids = [int(d.subject_id) for d in deadlines_due]
    lock_orders(ids)
    _moved, events = apply_action_many(ids, Action.auto_confirm, now)
    return events


@consequence("order.approve_cancellation_by_default",
             lambda: _l("The cancellation is approved by default and the money is refunded."))
def approve_cancellation_by_default(deadline, now):
    req = db.session.get(OrderRequest, int(deadline.subject_id))
    if req.state != "pending":
        return
    if req.order.locked:  # held while risk control has the order; looked at again every hour
        deadlines.schedule("order_request", req.id, deadline.kind, deadline.consequence,
                           Due(now + dt.timedelta(hours=1), False), started_at=now,
                           actor_merchant_id=req.merchant_id)
        return
    order_requests.approve_by_default(req, now)


@consequence("order.merchant_missed_request",
             lambda: _l("The request goes to the platform: the buyer may open a case."))
def merchant_missed_request(deadline, now):
    req = db.session.get(OrderRequest, int(deadline.subject_id))
    if req.state == "pending":
        order_requests.merchant_missed(req, now)


@consequence("order.reissue_accepted", lambda: _l("The reissued goods count as accepted."))
def reissue_accepted(deadline, now):
    req = db.session.get(OrderRequest, int(deadline.subject_id))
    if req.state == "reissued":
        order_requests.verify_reissue(req.order, req, None, works=True, now=now)


@consequence("order.case_window_closed", lambda: _l("The window to open a dispute case on this order closes."))
def case_window_closed(deadline, now):
    """Nothing to change: the escalation's own end (eligible_until) closes the window; the deadline shows it to
    the buyer, with its countdown and reminder, until then."""


@batch("order.case_window_closed")
def case_window_closed_many(deadlines_due, now):
    return []


kind_labels(DEADLINE_LABELS)


@subject_link("order")
def _order_link(subject_id):
    order = db.session.get(Order, int(subject_id)) if subject_id.isdigit() else None
    return (_("Order %(number)s", number=order.number), path_for("orders.detail", number=order.number)) \
        if order else None


@subject_link("order_request")
def _request_link(subject_id):
    req = db.session.get(OrderRequest, int(subject_id)) if subject_id.isdigit() else None
    return _order_link(str(req.order_id)) if req else None

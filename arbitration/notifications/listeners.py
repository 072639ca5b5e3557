"""Who hears about what (docs/DECISIONS.md, "Who hears what"): every event that starts someone's deadline tells
the people the deadline waits for, at once, with the deadline; every event that moves a buyer's money tells the
buyer. A new case tells the merchant; a case's new stage tells whoever must act (the party asked for supplementary
evidence reads the arbitrator's words); an issued ruling tells both parties; on an order, the buyer hears of a
placed order, a delivery, a refusal or any other end of a request that opens the case window, a reissue, a refund
and its outcome, the merchant's staff of a new request, both of an automatic approval. Every deadline's reminder
goes to the people it waits for, once; a deadline a calendar change moved tells the people it waits for and both
parties of its case. The features call their hooks; this module listens."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration.auth.models import User
from arbitration.cases import services as cases
from arbitration.cases import workflow as wf
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import db
from arbitration.deadlines import recompute, registry
from arbitration.notifications.services import merchant_staff, merchant_staff_of, notify, notify_many
from arbitration.orders import news as orders
from arbitration.orders.models import Order
from arbitration.rulings import services as rulings
from arbitration.web_format import format_local, path_for


def _user(user_id):
    return db.session.get(User, user_id)


def waiting_for(deadline, user_of=_user, staff_of=merchant_staff) -> list[User]:
    """`user_of` and `staff_of`: lookups (a set-based caller passes what it loaded at once)."""
    users = []
    if deadline.actor_user_id:
        users.append(user_of(deadline.actor_user_id))
    if deadline.actor_merchant_id:
        users += staff_of(deadline.actor_merchant_id)
    return [u for u in users if u is not None and u.active]


@registry.reminder_handler
def remind(deadline, now):
    """The kind and subject are named when the notification is read, in the reader's language."""
    _title, link = registry.describe_subject(deadline.subject_type, deadline.subject_id)
    notify(waiting_for(deadline), "reminder",
           {"kind": deadline.kind, "subject_type": deadline.subject_type, "subject_id": deadline.subject_id,
            "due": format_local(deadline.due_at)}, link or "", now=now)


@recompute.rescheduled.register
def deadline_rescheduled(deadline, was, now) -> None:
    """The kind and subject are named when the notification is read, in the reader's language (the admin whose
    change moved the date may read another)."""
    people = waiting_for(deadline)
    if deadline.subject_type == "case":
        case = db.session.get(Case, int(deadline.subject_id))
        people += [db.session.get(User, case.buyer_id), *merchant_staff(case.merchant_id)]
    _title, link = registry.describe_subject(deadline.subject_type, deadline.subject_id)
    notify(people, "deadline_moved",
           {"kind": deadline.kind, "subject_type": deadline.subject_type, "subject_id": deadline.subject_id,
            "was": format_local(was), "due": format_local(deadline.due_at)}, link or "", now=now)


@cases.moved.register
def case_moved(case, old, new, deadline, now) -> None:
    """Tell the merchant of a new case; tell whoever must act in the case's new stage; tell both parties when
    it is decided or ends."""
    notify_many(_moved_notes(case, old, new, deadline, _user, merchant_staff), now)


@cases.replacing(case_moved)
def cases_moved(moves, now) -> None:
    """case_moved for many cases at once (the sweep's batches): the people in two queries, one flush."""
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(sorted(
        {case.buyer_id for case, *_ in moves} | {d.actor_user_id for *_, d in moves if d is not None
                                                 and d.actor_user_id}))))}
    staff = merchant_staff_of({case.merchant_id for case, *_ in moves} | {
        d.actor_merchant_id for *_, d in moves if d is not None and d.actor_merchant_id})
    notify_many([note for case, old, new, deadline in moves
                 for note in _moved_notes(case, old, new, deadline, users.get, lambda m: staff.get(m, []))], now)


def _moved_notes(case, old, new, deadline, user_of, staff_of) -> list[tuple]:
    link = path_for("cases.detail", number=case.number)
    notes = []
    if old is None:
        notes.append((staff_of(case.merchant_id), "case_opened", {"case": case.number, "order": case.order.number},
                      link))
    buyer = user_of(case.buyer_id)
    parties = [buyer] + staff_of(case.merchant_id)
    if new in (CaseState.reconsideration_window, CaseState.enforcement, CaseState.closed, CaseState.withdrawn):
        notes.append((parties, "outcome", {"case": case.number, "state": new.value}, link))
    if deadline is not None:
        rule = wf.DEADLINE_BY_STATE[new]
        people = waiting_for(deadline, user_of, staff_of) or (parties if rule.who == "both" else [])
        if new == CaseState.supplementary:
            notes.append((people, "supplementary", {"case": case.number, "note": case.supplementary_note or "",
                                                    "due": format_local(deadline.due_at)}, link))
        else:
            notes.append((people, "your_turn", {"case": case.number, "what": rule.who_label,
                                                "due": format_local(deadline.due_at)}, link))
    return notes


@rulings.ready.register
def ruling_ready(ruling, case, now) -> None:
    buyer = db.session.get(User, case.buyer_id)
    notify([buyer, *merchant_staff(case.merchant_id)], "ruling_ready", {"case": case.number, "ruling": ruling.number},
           path_for("cases.detail", number=case.number), now=now)


# ---- orders ----

QUOTED_CHARS = 200          # a merchant's refusal quoted in a notification, at most


def _quote(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS - 1] + "…"


def _why(news) -> str:
    """Why the buyer may open a case now (the escalation's origin, told apart by the request's end)."""
    origin, req = news.data["origin"], news.request
    if origin == "cancellation_rejected":
        return "cancellation_refused"
    if origin == "after_sales_failed":
        return "reissue_failed" if req is not None and req.state == "failed" else "after_sales_refused"
    return origin          # merchant_timeout, platform_fault


def _request_params(news) -> dict:
    req = news.request
    labels = "problem" if req.kind == "after_sales" else ("ground" if req.order_state == "delivered" else "reason")
    return {"request": req.kind, "reason": req.reason, "labels": labels, "consequence": news.deadline.consequence}


def _refund_params(news) -> dict:
    refund = news.refund
    return {"amount_fen": refund.amount_fen, "channel": refund.channel.value, "kind": refund.kind,
            "state": refund.state, "expected_by": refund.expected_by.isoformat() if refund.expected_by else "",
            "fallback": bool(refund.expected_fallback), "again": refund.attempts > 1,
            "reason": refund.failure_reason or ""}


@orders.announced.register
def order_news(news) -> None:
    order: Order = news.order
    link = path_for("orders.detail", number=order.number)
    buyer = [u for u in (db.session.get(User, order.buyer_id),) if u is not None and u.active]
    params = {"order": order.number}
    if news.deadline is not None:
        params["due"] = format_local(news.deadline.due_at)
    what = news.what
    if what == "auto_approved":
        notify(buyer, what, {**params, "to": "buyer"}, link, now=news.now)
        notify(merchant_staff(order.merchant_id), what, {**params, "to": "merchant"}, link, now=news.now)
        return
    if what == "request_filed":
        params.update(_request_params(news))
    elif what == "case_window":
        params.update(why=_why(news), text=_quote(news.request.response_text if news.request else ""))
    elif what == "reissued":
        params["response"] = news.request.response
    elif what.startswith("refund_"):
        params.update(_refund_params(news))
    # a deadline tells the people it waits for; money moved tells the buyer
    notify(waiting_for(news.deadline) if news.deadline is not None else buyer, what, params, link, now=news.now)

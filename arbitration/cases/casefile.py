"""The case file (卷宗) for whoever decides: everything the decision rests on, in one view — the order's facts as
recorded, the request that was refused and the refusal (who, when, why, with its files), both parties' claims and
both parties' evidence side by side. Read for the case's arbitrator and the supervisors."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from arbitration.auth.models import User
from arbitration.cases.models import Case
from arbitration.cases.services import case_files
from arbitration.cases.workflow import N_
from arbitration.db import db
from arbitration.evidence.models import Evidence
from arbitration.orders.models import OrderRequest
from arbitration.orders.refunds import refunds_of


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class OrderFacts:
    """The order as the case opened on it (its snapshot), with what happened since that the decision needs."""
    number: str
    product_name: str
    amount_fen: int
    face_value_fen: int
    channel: str
    paid_at: dt.datetime | None
    delivery_due_at: dt.datetime | None       # the promised delivery
    delivered_at: dt.datetime | None
    delivery_kind: str | None                 # card codes / account top-up, as recorded now
    codes_delivered: int
    confirmed_at: dt.datetime | None          # receipt confirmed (the goods checked and accepted)
    fee_disclosed: bool
    fee_schedule: dict | None
    fee_charged_fen: int
    hidden_fee: bool
    refunded_fen: int
    late: bool                                # delivered after the promise, or not delivered and overdue


@dataclass(frozen=True)
class CaseFile:
    order: OrderFacts
    request: OrderRequest | None
    answered_by: User | None
    request_files: list[Evidence]
    buyer_files: list[Evidence] = field(default_factory=list)
    merchant_files: list[Evidence] = field(default_factory=list)
    facts_in_words: list[str] = field(default_factory=list)   # message ids of the recorded facts


def case_file(case: Case, now: dt.datetime) -> CaseFile:
    snapshot = case.order_snapshot
    o, order = snapshot.get("order", {}), case.order
    request = db.session.get(OrderRequest, case.escalation.request_id) \
        if case.escalation is not None and case.escalation.request_id else None
    disclosure = snapshot.get("fee_disclosure", {})
    due, delivered = _time(o.get("delivery_due_at")), order.delivered_at
    facts = OrderFacts(
        number=o.get("number", order.number), product_name=o.get("product_name", order.product_name),
        amount_fen=o.get("amount_fen", order.amount_fen), face_value_fen=o.get("face_value_fen", 0),
        channel=o.get("channel", order.channel.value), paid_at=_time(o.get("paid_at")), delivery_due_at=due,
        delivered_at=delivered, delivery_kind=order.delivery_kind, codes_delivered=len(order.card_codes),
        confirmed_at=order.completed_at, fee_disclosed=bool(disclosure.get("disclosed")),
        fee_schedule=disclosure.get("schedule"), fee_charged_fen=request.fee_fen if request else 0,
        hidden_fee=bool(request and request.hidden_fee),
        refunded_fen=sum(r.amount_fen for r in refunds_of(order) if r.state != "failed"),
        late=bool(due and ((delivered and delivered > due) or (not delivered and now > due))))
    files = case_files(case)
    request_ids = {f.id for f in files if f.subject_type == "order_request"}
    return CaseFile(
        order=facts, request=request,
        answered_by=db.session.get(User, request.responded_by_id) if request and request.responded_by_id else None,
        request_files=[f for f in files if f.id in request_ids],
        buyer_files=[f for f in files if f.party == "buyer"], merchant_files=[f for f in files if f.party != "buyer"],
        facts_in_words=recorded_facts(facts))


def recorded_facts(o: OrderFacts) -> list[str]:
    """The order's facts that bear on the decision, as sentences (message ids)."""
    out = []
    if o.paid_at and not o.delivered_at:
        out.append(N_("Paid and not delivered."))
    if o.late:
        out.append(N_("Delivered later than promised.") if o.delivered_at else N_("Delivery is overdue."))
    if o.delivered_at and not o.confirmed_at:
        out.append(N_("Delivered; receipt not confirmed."))
    if o.confirmed_at:
        out.append(N_("Receipt confirmed by the buyer (or automatically)."))
    if not o.fee_disclosed:
        out.append(N_("No cancellation fee was shown before payment: none may be charged."))
    if o.hidden_fee:
        out.append(N_("The merchant asked for a fee that was not disclosed."))
    return out

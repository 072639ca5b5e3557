"""Translated words for the order feature: state and reason labels, refusal messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from arbitration.audit import events
from arbitration.orders.rules import Action, OrderState

STATE_LABELS = {
    OrderState.pending_payment: _l("Awaiting payment"),
    OrderState.paid: _l("Paid, awaiting delivery"),
    OrderState.delivered: _l("Delivered, not yet confirmed"),
    OrderState.completed: _l("Completed"),
    OrderState.closed: _l("Closed (not paid in time)"),
    OrderState.cancelled: _l("Cancelled"),
    OrderState.refunded: _l("Refunded"),
}

ACTION_LABELS = {
    Action.pay: _l("pay"), Action.deliver: _l("deliver"), Action.close_unpaid: _l("close"),
    Action.cancel: _l("cancel"), Action.request_cancellation: _l("request cancellation"),
    Action.review_cancellation: _l("review the cancellation"),
    Action.respond_cancellation: _l("answer the cancellation request"),
    Action.approve_cancellation_by_default: _l("approve by default"),
    Action.confirm_receipt: _l("confirm receipt"), Action.auto_confirm: _l("confirm automatically"),
    Action.request_after_sales: _l("request after-sales service"),
    Action.respond_after_sales: _l("answer the after-sales request"),
    Action.verify_reissue: _l("check the reissued goods"),
    Action.report_platform_fault: _l("report a platform fault"), Action.lock: _l("lock"), Action.unlock: _l("unlock"),
    Action.withdraw_request: _l("withdraw the request"),
}

CANCEL_REASON_LABELS = {
    "wrong_item": _l("Ordered the wrong item (拍错商品)"),
    "not_needed": _l("No longer needed (不需要了)"),
    "duplicate_order": _l("Duplicate order (重复下单)"),
    "not_as_described": _l("Not as described (商品描述不符)"),
    "late_delivery": _l("Delivery overdue (发货超时)"),
    "other": _l("Other (explain)"),
}

GROUND_LABELS = {
    "not_as_described": _l("Not as described (e.g. the face value differs from the listing)"),
    "late_delivery": _l("Delivered later than promised (e.g. no card code 24 h after payment)"),
    "security_risk": _l("Security risk (e.g. a phishing link or a suspicious account)"),
}

PROBLEM_LABELS = {
    "invalid_code": _l("The card code is invalid"),
    "not_activated": _l("The membership was not activated"),
    "face_value_short": _l("The face value is short"),
    "other": _l("Another quality problem"),
}

FAULT_LABELS = {
    "duplicate_payment": _l("Charged twice for one order"),
    "wrong_auto_cancellation": _l("The platform cancelled the order by mistake"),
}

RESPONSE_LABELS = {
    "approve": _l("Approved"), "reject": _l("Rejected"), "full_refund": _l("Full refund"),
    "partial_refund": _l("Partial refund"), "compensation": _l("Compensation, the order continues"),
    "refuse": _l("Refused"), "reissue": _l("Reissue the card code"), "replace": _l("Replace the goods"),
}

REQUEST_STATE_LABELS = {
    "pending": _l("Waiting for the merchant"), "reissued": _l("Reissued: waiting for the buyer's check"),
    "approved": _l("Approved"), "auto_approved": _l("Approved by default (the merchant did not decide in time)"),
    "rejected": _l("Rejected"), "resolved": _l("Resolved"), "accepted": _l("Accepted"),
    "failed": _l("The reissue failed too"), "timed_out": _l("The merchant did not answer in time"),
    "escalated": _l("Sent to the platform"), "withdrawn": _l("Withdrawn by the buyer"),
}

CHANNEL_LABELS = {"alipay": _l("Alipay"), "wechat": _l("WeChat Pay"), "balance": _l("Account balance"),
                  "bank_card": _l("Bank card")}

PRODUCT_LABELS = {"game_card": _l("Game card"), "membership": _l("Membership"), "top_up": _l("Game top-up"),
                  "gift_pack": _l("Gift pack")}

UNLOCK_METHODS = {"id_document": _l("ID document checked"), "face_check": _l("Face verification"),
                  "phone_callback": _l("Call back to the registered phone")}

LOCK_REASONS = {"many_orders": _l("Many orders in a short time"), "account_switching": _l("Frequent account switching"),
                "manual": _l("Locked by support")}


def refusal(reason: str, action: Action, state: OrderState):
    """Why an action is refused, for the person who tried it."""
    if reason == "locked":
        return _l("This order is locked by risk control. Contact support to verify your identity; "
                  "after that it can be unlocked.")
    if reason == "request_open":
        return _l("There is already an open request or case on this order. Wait for its answer.")
    if reason in ("no_cancellation", "no_after_sales", "no_reissue", "no_request"):
        return _l("There is no open request to answer on this order.")
    if reason == "not_locked":
        return _l("This order is not locked.")
    if reason == "role":
        return _l("You may not do this on this order.")
    if action in (Action.cancel, Action.request_cancellation) and state == OrderState.completed:
        return _l("A completed order cannot be cancelled. If the goods have a quality problem, request "
                  "after-sales service; if that is refused, you can open a dispute case.")
    return _l("This order is %(state)s: you cannot %(action)s now.", state=STATE_LABELS[state],
              action=ACTION_LABELS[action])


AFTER_SALES_PROBLEMS_CHOICES = list(PROBLEM_LABELS.items())

DEADLINE_LABELS = {
    "payment_window": _l("Payment"),
    "auto_confirm": _l("Automatic confirmation of receipt"),
    "cancellation_review": _l("The merchant's review of the cancellation"),
    "cancellation_response": _l("The merchant's answer to the cancellation request"),
    "after_sales_response": _l("The merchant's answer to the after-sales request"),
    "reissue_verification": _l("The buyer's check of the reissued goods"),
    "case_window": _l("The buyer's window to open a dispute case"),
}

REFUND_STATE_LABELS = {"pending": _l("on its way"), "done": _l("arrived"), "failed": _l("failed")}

EVIDENCE_KIND_LABELS = {
    "screenshot": _l("Screenshot"), "chat_log": _l("Chat log"), "order_record": _l("Order record"),
    "card_code_proof": _l("Card code proof"), "payment_record": _l("Payment record"), "video": _l("Screen recording"),
    "other": _l("Other"),
}
PARTY_LABELS = {"buyer": _l("Buyer"), "merchant": _l("Merchant"), "platform": _l("Platform")}

events.declare({
    "order.created": _l("The order was placed"),
    "order.pay": _l("The buyer paid"),
    "order.deliver": _l("The goods were delivered"),
    "order.close_unpaid": _l("The unpaid order closed"),
    "order.cancel": _l("The buyer cancelled the unpaid order"),
    "order.request_cancellation": _l("The buyer asked to cancel"),
    "order.review_cancellation": _l("The merchant decided on the cancellation"),
    "order.respond_cancellation": _l("The merchant answered the cancellation request"),
    "order.approve_cancellation_by_default": _l("The merchant did not decide in time: cancellation approved"),
    "order.confirm_receipt": _l("The buyer confirmed receipt"),
    "order.auto_confirm": _l("Receipt was confirmed automatically"),
    "order.request_after_sales": _l("The buyer asked for after-sales service"),
    "order.respond_after_sales": _l("The merchant answered the after-sales request"),
    "order.verify_reissue": _l("The buyer checked the reissued goods"),
    "order.report_platform_fault": _l("A platform fault was reported"),
    "order.lock": _l("Risk control locked the order"),
    "order.unlock": _l("Support unlocked the order after checking the buyer's identity"),
    "order.withdraw_request": _l("The buyer withdrew the request"),
    "order.request_filed": _l("A request was filed"),
    "order.merchant_missed_deadline": _l("The merchant did not answer in time"),
    "order.case_eligible": _l("The order may go to a dispute case"),
    "order.refund_issued": _l("A refund was issued"),
    "order.refund_done": _l("The refund arrived"),
    "order.refund_failed": _l("The refund failed"),
    "order.refund_retry": _l("The failed refund was sent again"),
    "order.refund_arrival_recomputed": _l("The refund's expected arrival was counted again with the year's holidays"),
})

"""Translated words for cases: states, categories, remedies, origins."""
from flask_babel import lazy_gettext as _l

from arbitration.cases.workflow import CaseState

STATE_LABELS = {
    CaseState.negotiation: _l("Negotiation (协商)"), CaseState.offer_pending: _l("Offer awaiting the buyer"),
    CaseState.evidence: _l("Evidence (举证)"), CaseState.supplementary: _l("Supplementary evidence (补充举证)"),
    CaseState.review: _l("Under review (审理)"), CaseState.reconsideration_window: _l("Decided: reconsideration window"),
    CaseState.reconsideration: _l("Reconsideration (复核)"), CaseState.enforcement: _l("Enforcement (执行)"),
    CaseState.closed: _l("Closed"), CaseState.withdrawn: _l("Withdrawn"),
}
CATEGORY_LABELS = {
    "non_delivery": _l("Not delivered"), "delivery_delay": _l("Delivered late"),
    "not_as_described": _l("Not as described"), "invalid_code": _l("Invalid card code"),
    "hidden_fee": _l("Undisclosed fee"), "duplicate_payment": _l("Charged twice"),
    "risk_lock": _l("Risk-control lock"), "fraud": _l("Fraud (fake or used codes)"), "other": _l("Other"),
}
REMEDY_LABELS = {
    "full_refund": _l("Full refund"), "partial_refund": _l("Partial refund"), "reissue": _l("Reissue the goods"),
    "void_fee": _l("Void the cancellation fee"), "compensation": _l("Compensation"),
}
ORIGIN_LABELS = {
    "cancellation_rejected": _l("Cancellation rejected"), "after_sales_failed": _l("After-sales refused or failed"),
    "merchant_timeout": _l("The merchant did not answer in time"), "platform_fault": _l("Platform fault"),
}
SENDER_LABELS = {"buyer": _l("Buyer"), "merchant": _l("Merchant"), "arbitrator": _l("Arbitrator"),
                 "supervisor": _l("Supervisor")}
OUTCOME_LABELS = {
    "accepted": _l("The merchant accepted"), "settled": _l("Settled"), "ruled": _l("Ruled"),
    "default_ruling": _l("Default ruling"), "withdrawn": _l("Withdrawn by the buyer"), "open": _l("Not decided yet"),
}

"""Translated words for rulings."""
from flask_babel import lazy_gettext as _l

from arbitration.audit import events

DECISION_LABELS = {"upheld": _l("Upheld"), "partly_upheld": _l("Partly upheld"), "dismissed": _l("Dismissed")}
KIND_LABELS = {"reasoned": _l("Decision"), "default": _l("Default decision (a missed deadline)")}
PDF_STATE_LABELS = {"pending": _l("being prepared"), "ready": _l("issued"), "failed": _l("being prepared (retrying)")}
FINDING_LABELS = {
    "hidden_fee": _l("A fee was not disclosed at purchase"), "delivery_delay": _l("Delivered late"),
    "records_withheld": _l("The merchant withheld the order's records"),
    "invalid_code": _l("The card code was invalid"), "face_value_mismatch": _l("The face value differed"),
    "not_as_described": _l("Not as described"), "fraud": _l("Knowingly fake or used codes (fraud)"),
    "no_refund_clause": _l("A \"never refundable\" clause was relied on"),
    "risk_lock": _l("A risk-control lock held the order"), "duplicate_payment": _l("Charged twice"),
    "goods_used_or_activated": _l("The goods were already used or activated"),
}

events.declare({
    "ruling.pdf_ready": _l("The ruling document was issued"),
    "ruling.downloaded": _l("A ruling document was downloaded"),
})

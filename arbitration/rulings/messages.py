"""Translated words for rulings."""
from flask_babel import lazy_gettext as _l

from arbitration.audit import events

DECISION_LABELS = {"upheld": _l("Upheld"), "partly_upheld": _l("Partly upheld"), "dismissed": _l("Dismissed")}
KIND_LABELS = {"reasoned": _l("Decision"), "default": _l("Default decision (a missed deadline)")}
PDF_STATE_LABELS = {"pending": _l("being prepared"), "ready": _l("issued"), "failed": _l("being prepared (retrying)")}
FINDING_LABELS = {
    "paid_not_delivered": _l("Paid and not delivered"),
    "hidden_fee": _l("A fee was not disclosed at purchase"), "delivery_delay": _l("Delivered late"),
    "records_withheld": _l("The merchant withheld the order's records"),
    "invalid_code": _l("The card code was invalid"), "face_value_mismatch": _l("The face value differed"),
    "not_as_described": _l("Not as described"), "fraud": _l("Knowingly fake or used codes (fraud)"),
    "no_refund_clause": _l("A \"never refundable\" clause was relied on"),
    "risk_lock": _l("A risk-control lock held the order"), "duplicate_payment": _l("Charged twice"),
    "goods_used_or_activated": _l("The goods were already used or activated"),
}

# the facts read from the file (suggestions name them as their reasons)
FACT_LABELS = {**FINDING_LABELS,
               "electronic_evidence": _l("Electronic data is on file"),
               "evidence_both_sides": _l("Both parties filed electronic data"),
               "platform_odr": _l("Decided in the platform's online dispute resolution")}
DRAFT_STATE_LABELS = {"draft": _l("being written, not issued"), "in_review": _l("with a supervisor for approval"),
                      "returned": _l("returned by a supervisor"), "approved": _l("approved by a supervisor"),
                      "issued": _l("issued")}

events.declare({
    "ruling.pdf_ready": _l("The ruling document was issued"),
    "ruling.downloaded": _l("A ruling document was downloaded"),
    # a draft's own chain (internal: never shown to the parties)
    "ruling.drafted": _l("The arbitrator saved a draft ruling"),
    "ruling.draft_sent": _l("The draft ruling was sent to a supervisor for approval"),
    "ruling.draft_approved": _l("A supervisor approved the draft ruling"),
    "ruling.draft_returned": _l("A supervisor returned the draft ruling with a note"),
    "ruling.draft_issued": _l("The ruling was issued from the draft"),
    "four_eyes.changed": _l("The rules that send draft rulings to a supervisor were changed"),
})

"""Translated words for cases: states, categories, remedies, origins, and the event types cases record."""
from flask_babel import lazy_gettext as _l

from arbitration.audit import events
from arbitration.cases.workflow import CaseState
from arbitration.money import yuan

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

events.declare({
    "case.opened": _l("The buyer opened the case"),
    "case.accept_claim": _l("The merchant accepted the claim"),
    "case.make_offer": _l("The merchant made an offer"),
    "case.refuse_claim": _l("The merchant refused the claim"),
    "case.accept_offer": _l("The buyer accepted the offer (settlement)"),
    "case.reject_offer": _l("The buyer rejected the offer"),
    "case.add_evidence": _l("Evidence was added"),
    "case.assigned": _l("An arbitrator was assigned"),
    "case.reassign": _l("A supervisor reassigned the case"),
    "case.no_more_evidence": _l("A party declared it has no more evidence"),
    "case.evidence_closed": _l("The evidence stage ended"),
    "case.request_supplementary": _l("The arbitrator asked for supplementary evidence"),
    "case.extend_deadline": _l("The arbitrator extended a deadline"),
    "case.issue_ruling": _l("A ruling was issued"),
    "case.default_ruling": _l("The merchant missed the deadline: default ruling"),
    "case.request_reconsideration": _l("A party asked for reconsideration"),
    "case.ruling_final": _l("The ruling became final"),
    "case.settle": _l("The parties settled"),
    "case.withdraw": _l("The buyer withdrew the case"),
    "case.offer_lapsed": _l("The offer lapsed"),
    "case.escalate": _l("A deadline passed: escalated to the supervisors"),
    "case.escalated": _l("A deadline passed: escalated to the supervisors"),
    "case.tasks_created": _l("Remedy tasks were created"),
    "case.task_done": _l("A remedy task was carried out"),
    "case.do_task": _l("A remedy task was carried out"),
    "case.complete_task": _l("Every remedy is carried out: the case is closed"),
    "case.message": _l("A message was sent"),
    "case.send_message": _l("A message was sent"),
    "case.note_added": _l("An internal note was added"),
    "case.add_note": _l("An internal note was added"),
    "order.case_opened": _l("A dispute case was opened on the order"),
    "user.conflict_declared": _l("A conflict of the arbitrator with a merchant was declared"),
    "user.conflict_removed": _l("A conflict of the arbitrator with a merchant was removed"),
})

# ---- a decision in words: what each party gets or must do ----

PAYER_LABELS = {"merchant": _l("The merchant"), "platform": _l("The platform")}


def remedy_sentence(remedy: str, amount_fen: int, owner: str, due: str | None, done: str | None = None):
    """One remedy as a sentence for the parties ("The merchant refunds ¥198.00 to the original payment method by
    2026-10-09 10:00"); `due` is the enforcement deadline when it runs, else the remedy falls due once the decision
    is final; `done`, when the remedy was carried out (then the sentence says so)."""
    payer, amount = PAYER_LABELS.get(owner, owner), yuan(amount_fen)
    if remedy == "void_fee":
        return _l("The cancellation fee is void: nothing may be deducted for it.")
    if done is not None:
        return {
            "full_refund": _l("%(payer)s refunded the price in full (%(amount)s) to the original payment method on "
                              "%(done)s.", payer=payer, amount=amount, done=done),
            "partial_refund": _l("%(payer)s refunded %(amount)s to the original payment method on %(done)s.",
                                 payer=payer, amount=amount, done=done),
            "reissue": _l("%(payer)s reissued the goods on %(done)s.", payer=payer, done=done),
            "compensation": _l("%(payer)s paid %(amount)s in compensation on %(done)s.", payer=payer, amount=amount,
                               done=done),
        }[remedy]
    if due is None:
        return {
            "full_refund": _l("%(payer)s refunds the price in full (%(amount)s) to the original payment method once "
                              "the decision is final.", payer=payer, amount=amount),
            "partial_refund": _l("%(payer)s refunds %(amount)s to the original payment method once the decision is "
                                 "final.", payer=payer, amount=amount),
            "reissue": _l("%(payer)s reissues the goods once the decision is final.", payer=payer),
            "compensation": _l("%(payer)s pays %(amount)s in compensation once the decision is final.", payer=payer,
                               amount=amount),
        }[remedy]
    return {
        "full_refund": _l("%(payer)s refunds the price in full (%(amount)s) to the original payment method by "
                          "%(due)s.", payer=payer, amount=amount, due=due),
        "partial_refund": _l("%(payer)s refunds %(amount)s to the original payment method by %(due)s.", payer=payer,
                             amount=amount, due=due),
        "reissue": _l("%(payer)s reissues the goods by %(due)s.", payer=payer, due=due),
        "compensation": _l("%(payer)s pays %(amount)s in compensation by %(due)s.", payer=payer, amount=amount,
                           due=due),
    }[remedy]

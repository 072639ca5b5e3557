"""The sentence of each kind of notification, in the reader's language, from the parameters stored with it (a
notification stores what happened, never translated words)."""
from __future__ import annotations

from flask_babel import gettext as _

from arbitration.cases.messages import STATE_LABELS
from arbitration.cases.workflow import CaseState
from arbitration.deadlines import registry
from arbitration.money import yuan
from arbitration.notifications.models import Notification
from arbitration.orders.messages import (CANCEL_REASON_LABELS, CHANNEL_LABELS, GROUND_LABELS, PROBLEM_LABELS,
                                         RESPONSE_LABELS)

REASONS = {"reason": CANCEL_REASON_LABELS, "ground": GROUND_LABELS, "problem": PROBLEM_LABELS}


def _case_text(kind: str, p: dict) -> str | None:
    if kind == "case_opened":
        return _("A buyer opened case %(case)s against your shop on order %(order)s.", **p)
    if kind == "your_turn":
        what = p["what"]  # an English message id from the case workflow, translated here
        return _("Case %(case)s: it is your turn — %(what)s, by %(due)s.", case=p["case"], what=_(what),
                 due=p["due"])
    if kind == "supplementary":
        return _("Case %(case)s: the arbitrator asks you for supplementary evidence: “%(note)s” Upload it by "
                 "%(due)s; after that your evidence is closed.", case=p["case"], note=p["note"], due=p["due"])
    if kind == "ruling_ready":
        return _("Case %(case)s: decision %(ruling)s is issued; its PDF can be downloaded from the case page.", **p)
    if kind == "outcome":
        return _("Case %(case)s: %(state)s.", case=p["case"], state=STATE_LABELS[CaseState(p["state"])])
    return None


def _deadline_text(kind: str, p: dict) -> str | None:
    if kind == "reminder":
        if "kind" in p:
            what, (subject, _link) = (registry.kind_label(p["kind"]),
                                      registry.describe_subject(p["subject_type"], p["subject_id"]))
        else:                  # written before issue 17, in the words of the language of its day
            what, subject = p["what"], p["subject"]
        return _("Reminder: %(what)s on %(subject)s is due %(due)s.", what=what, subject=subject, due=p["due"])
    if kind == "deadline_moved":
        subject, _link = registry.describe_subject(p["subject_type"], p["subject_id"])
        return _("The holiday calendar changed: %(what)s on %(subject)s is now due %(due)s (was %(was)s).",
                 what=registry.kind_label(p["kind"]), subject=subject, due=p["due"], was=p["was"])
    return None


def _request_filed(p: dict) -> str:
    reason = REASONS[p["labels"]].get(p["reason"], p["reason"])
    outcome = registry.get(p["consequence"]).describe()
    if p["request"] == "cancellation":
        return _("Order %(order)s: the buyer asks to cancel (%(reason)s). Answer by %(due)s; otherwise: %(outcome)s",
                 order=p["order"], reason=reason, due=p["due"], outcome=outcome)
    return _("Order %(order)s: the buyer asks for after-sales service (%(reason)s). Answer by %(due)s; otherwise: "
             "%(outcome)s", order=p["order"], reason=reason, due=p["due"], outcome=outcome)


def _case_window(p: dict) -> str:
    why, order, due = p["why"], p["order"], p["due"]
    if why == "cancellation_refused":
        return _("Order %(order)s: the merchant refused your cancellation request: “%(text)s” You may open a "
                 "dispute case until %(due)s.", order=order, text=p["text"], due=due)
    if why == "after_sales_refused":
        return _("Order %(order)s: the merchant refused your after-sales request: “%(text)s” You may open a "
                 "dispute case until %(due)s.", order=order, text=p["text"], due=due)
    if why == "reissue_failed":
        return _("Order %(order)s: you reported that the reissued goods fail too. You may open a dispute case until "
                 "%(due)s.", order=order, due=due)
    if why == "merchant_timeout":
        return _("Order %(order)s: the merchant did not answer your request in time. You may open a dispute case "
                 "until %(due)s.", order=order, due=due)
    return _("Order %(order)s: your report of a platform fault is recorded. Open a dispute case by %(due)s for the "
             "platform to decide it.", order=order, due=due)


def _refund_sent(p: dict) -> str:
    amount, channel = yuan(p["amount_fen"]), CHANNEL_LABELS[p["channel"]]
    compensation = p["kind"] == "compensation"
    if p["state"] == "done":
        text = (_("Order %(order)s: compensation of %(amount)s is paid to your %(channel)s and has arrived.",
                  order=p["order"], amount=amount, channel=channel) if compensation else
                _("Order %(order)s: %(amount)s is refunded to your %(channel)s and has arrived.",
                  order=p["order"], amount=amount, channel=channel))
        return text
    values = {"order": p["order"], "amount": amount, "channel": channel, "date": p["expected_by"]}
    if p.get("again"):
        text = _("Order %(order)s: the refund of %(amount)s is sent again to your %(channel)s; expected by "
                 "%(date)s.", **values)
    elif compensation:
        text = _("Order %(order)s: compensation of %(amount)s is on its way to your %(channel)s; expected by "
                 "%(date)s.", **values)
    else:
        text = _("Order %(order)s: a refund of %(amount)s is on its way to your %(channel)s; expected by %(date)s.",
                 **values)
    if p.get("fallback"):
        text = _("%(text)s (%(caveat)s)", text=text,
                 caveat=_("estimated on weekends only: public holidays not counted"))
    return text


def _order_text(kind: str, p: dict) -> str | None:
    if kind == "order_placed":
        return _("Order %(order)s is placed. Pay by %(due)s, or it closes by itself.", **p)
    if kind == "delivered":
        return _("Order %(order)s is delivered. Check the goods: unless you confirm receipt or ask for after-sales "
                 "service first, receipt is confirmed automatically at %(due)s.", **p)
    if kind == "confirm_restarted":
        return _("Order %(order)s: the automatic confirmation of receipt runs again: unless you confirm receipt or "
                 "ask for after-sales service first, it happens at %(due)s.", **p)
    if kind == "request_filed":
        return _request_filed(p)
    if kind == "case_window":
        return _case_window(p)
    if kind == "reissued":
        return _("Order %(order)s: the merchant answered your after-sales request: %(response)s. Check the goods: if "
                 "they fail too, report it by %(due)s; otherwise they count as accepted.", order=p["order"],
                 response=RESPONSE_LABELS[p["response"]], due=p["due"])
    if kind == "auto_approved":
        if p["to"] == "merchant":
            return _("Order %(order)s: your shop did not decide on the buyer's cancellation in time, so it is "
                     "approved by default and the buyer is refunded.", order=p["order"])
        return _("Order %(order)s: the merchant did not decide on your cancellation in time, so it is approved by "
                 "default.", order=p["order"])
    if kind == "refund_sent":
        return _refund_sent(p)
    if kind == "refund_done":
        return _("Order %(order)s: the refund of %(amount)s has arrived in your %(channel)s.", order=p["order"],
                 amount=yuan(p["amount_fen"]), channel=CHANNEL_LABELS[p["channel"]])
    if kind == "refund_failed":
        return _("Order %(order)s: the refund of %(amount)s to your %(channel)s failed: %(reason)s.",
                 order=p["order"], amount=yuan(p["amount_fen"]), channel=CHANNEL_LABELS[p["channel"]],
                 reason=p["reason"])
    return None


def text_of(n: Notification) -> str:
    """The sentence for a notification, in the current language."""
    p = n.params
    for render in (_case_text, _deadline_text, _order_text):
        text = render(n.kind, p)
        if text is not None:
            return text
    return n.kind

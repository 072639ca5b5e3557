"""What the order feature announces: each event that starts someone's deadline or moves their money. The
notifications feature listens (`announced`) and decides who is told and in which words; orders know neither."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from arbitration.hooks import Hook

# what happened -> the deadline it starts, if any (the deadline's kind)
NEWS = {
    "order_placed": "payment_window",             # the buyer pays within the window, or the order closes
    "delivered": "auto_confirm",                  # the buyer checks the goods; receipt confirms itself later
    "confirm_restarted": "auto_confirm",          # a request or a lock ended: the automatic confirmation runs again
    "request_filed": "",                          # the merchant's review or answer (cancellation_review, …)
    "case_window": "case_window",                 # a refused, failed or unanswered request: the buyer may open a case
    "reissued": "reissue_verification",           # the buyer checks the reissued goods
    "auto_approved": "",                          # the merchant missed the review: approved by default
    "refund_sent": "",                            # money on its way back (issued, or sent again)
    "refund_done": "",
    "refund_failed": "",
}


@dataclass(frozen=True)
class News:
    what: str                     # a key of NEWS
    order: object                 # the Order
    now: dt.datetime
    request: object | None = None      # the OrderRequest concerned
    refund: object | None = None       # the Refund concerned
    deadline: object | None = None     # the Deadline the event started
    data: dict = field(default_factory=dict)


# announced(news): in the transaction of the event, after it is written
announced = Hook("orders.announced")


def announce(what: str, order, now: dt.datetime, **kwargs) -> None:
    if what not in NEWS:
        raise ValueError(f"unknown order news {what!r}")
    announced(News(what, order, now, **kwargs))

"""Where an order stands and what the person looking at it must do now (pure: no Flask, no SQLAlchemy).

The order page opens with these, as the case page does (cases/now.py): a stage bar (下单 → 付款 → 发货 → 确认收货, or
the way out it took: 已关闭 / 已取消 / 已退款) and a "now" panel — what this person must do now, and the buttons for
it. By when and what happens otherwise come from the order's running deadlines. Texts are message ids (N_)."""
from __future__ import annotations

from dataclasses import dataclass

from arbitration.orders.rules import Action, OrderRole, OrderState


def N_(message: str) -> str:
    return message


S, R = OrderState, OrderRole
STAGES = ((S.pending_payment, N_("Ordered")), (S.paid, N_("Paid")), (S.delivered, N_("Delivered")),
          (S.completed, N_("Received")))
EXITS = {S.closed: N_("Closed (not paid)"), S.cancelled: N_("Cancelled"), S.refunded: N_("Refunded")}


@dataclass(frozen=True)
class Step:
    label: str
    status: str                 # done / current / todo / exit


def stage_bar(state: OrderState, reached: frozenset[OrderState], refund_on_its_way: bool = False) -> list[Step]:
    """The normal way, each stage done or current or to come; an order that left it ends with its way out (a
    refunded order whose money is still on its way says so: the order's state and its refund's agree)."""
    order = [s for s, _l in STAGES]
    if state in EXITS:
        steps = [Step(label, "done") for s, label in STAGES if s in reached]
        exit_label = N_("Refund on its way") if state == S.refunded and refund_on_its_way else EXITS[state]
        return steps + [Step(exit_label, "exit")]
    at = order.index(state)
    return [Step(label, "done" if i < at else "current" if i == at else "todo")
            for i, (_s, label) in enumerate(STAGES)]


@dataclass(frozen=True)
class Facts:
    state: OrderState
    role: OrderRole | None
    actions: frozenset[Action]             # what the rules table lets this person do now
    open_request: str | None = None        # "cancellation" / "after_sales" (pending) / "reissued"
    case_window_open: bool = False         # a refused or unanswered request: a case may be opened
    open_case: bool = False
    locked: bool = False


@dataclass(frozen=True)
class Now:
    """`headline` (a message id), whether the person must act (`yours`), and the buttons in order of weight (keys
    the page knows: cancel, request_cancellation, confirm_receipt, request_after_sales, report_platform_fault,
    verify_reissue, withdraw_request, answer_request, open_case, see_case, unlock)."""
    headline: str
    yours: bool = False
    buttons: tuple[str, ...] = ()


def now(f: Facts) -> Now:
    buyer, merchant = f.role == R.buyer, f.role == R.merchant
    if f.open_case:
        return Now(N_("A dispute case is open on this order: follow it on the case page."), buttons=("see_case",))
    if f.locked:
        if f.role in (R.support, R.admin):
            return Now(N_("Risk control locked this order: unlock it once the buyer's identity is verified."),
                       yours=True, buttons=("unlock",))
        return Now(N_("Risk control locked this order: it can be neither cancelled nor confirmed until support "
                      "verifies the buyer's identity."))
    if f.case_window_open and buyer:
        return Now(N_("Your request was refused or not answered in time: you may ask the platform to step in by "
                      "opening a dispute case."), yours=True, buttons=("open_case",))
    if f.open_request == "reissued":
        if buyer:
            return Now(N_("The merchant reissued the goods: check them, then say whether they work."), yours=True,
                       buttons=("verify_reissue",))
        return Now(N_("The goods were reissued: the buyer is checking them."))
    if f.open_request in ("cancellation", "after_sales"):
        if merchant:
            return Now(N_("The buyer asked to cancel: answer the request.") if f.open_request == "cancellation" else
                       N_("The buyer asked for after-sales service: answer the request."), yours=True,
                       buttons=("answer_request",))
        if buyer:
            return Now(N_("Your request awaits the merchant's answer."), buttons=("withdraw_request",))
        return Now(N_("A request awaits the merchant's answer."))
    buttons = tuple(key for key, action in (
        ("cancel", Action.cancel), ("confirm_receipt", Action.confirm_receipt),
        ("request_cancellation", Action.request_cancellation), ("request_after_sales", Action.request_after_sales),
        ("report_platform_fault", Action.report_platform_fault)) if action in f.actions)
    if f.state == S.pending_payment:
        return Now(N_("Awaiting payment: pay on the platform before the payment window closes, or cancel.")
                   if buyer else N_("Awaiting the buyer's payment."), yours=buyer, buttons=buttons)
    if f.state == S.paid:
        return Now(N_("Paid: the merchant delivers by the promised time. You may still ask to cancel.") if buyer else
                   N_("Paid: deliver by the promised time.") if merchant else N_("Paid, awaiting delivery."),
                   yours=merchant, buttons=buttons)
    if f.state == S.delivered:
        return Now(N_("Delivered: check the goods before you confirm receipt; if there is a problem, ask for "
                      "after-sales service instead.") if buyer else N_("Delivered: the buyer checks the goods."),
                   yours=buyer, buttons=buttons)
    if f.state == S.completed:
        return Now(N_("Completed. A quality problem can still go to after-sales service.") if buyer else
                   N_("Completed."), buttons=buttons)
    return Now(EXITS[f.state], buttons=buttons)

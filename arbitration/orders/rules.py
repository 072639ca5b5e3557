"""The order rules as data (pure: no Flask, no SQLAlchemy): states, reasons, defaults, and the table of
which role may do what in which state, each with its guard. Services and pages read this table."""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from arbitration.flows import Flow


class OrderState(str, enum.Enum):
    pending_payment = "pending_payment"   # 待付款
    paid = "paid"                         # 待发货
    delivered = "delivered"               # 已发货(未使用/待确认)
    completed = "completed"               # 已使用/已确认收货
    closed = "closed"                     # unpaid, timed out
    cancelled = "cancelled"
    refunded = "refunded"


class ProductType(str, enum.Enum):
    game_card = "game_card"
    membership = "membership"
    top_up = "top_up"
    gift_pack = "gift_pack"


class Channel(str, enum.Enum):
    alipay = "alipay"
    wechat = "wechat"
    balance = "balance"
    bank_card = "bank_card"


class OrderRole(str, enum.Enum):
    """Who someone is with respect to one order."""
    buyer = "buyer"          # the order's buyer
    merchant = "merchant"    # staff of the order's merchant
    support = "support"
    admin = "admin"
    system = "system"        # the platform: payment callbacks, deadlines, risk control


class Action(str, enum.Enum):
    pay = "pay"
    deliver = "deliver"
    close_unpaid = "close_unpaid"
    cancel = "cancel"                                   # unpaid: at once
    request_cancellation = "request_cancellation"       # paid: merchant review; delivered: with a ground
    review_cancellation = "review_cancellation"         # merchant approves or rejects (paid)
    respond_cancellation = "respond_cancellation"       # merchant negotiates (delivered)
    approve_cancellation_by_default = "approve_cancellation_by_default"
    confirm_receipt = "confirm_receipt"
    auto_confirm = "auto_confirm"
    request_after_sales = "request_after_sales"
    respond_after_sales = "respond_after_sales"
    verify_reissue = "verify_reissue"                   # buyer: it works / it fails too
    report_platform_fault = "report_platform_fault"
    lock = "lock"
    unlock = "unlock"
    withdraw_request = "withdraw_request"               # the buyer takes back a request not answered yet


# Cancellation reasons: the preset list of the platform's rules; "other" needs a specific text.
CANCEL_REASONS = ("wrong_item", "not_needed", "duplicate_order", "not_as_described", "late_delivery", "other")
# A delivered order can only be cancelled on one of these grounds, with a description.
DELIVERED_GROUNDS = ("not_as_described", "late_delivery", "security_risk")
AFTER_SALES_PROBLEMS = ("invalid_code", "not_activated", "face_value_short", "other")
PLATFORM_FAULTS = ("duplicate_payment", "wrong_auto_cancellation")
# Merchant answers
DELIVERED_RESPONSES = ("full_refund", "partial_refund", "compensation", "refuse")
AFTER_SALES_RESPONSES = ("reissue", "replace", "full_refund", "partial_refund", "refuse")

# Free text that says nothing: refused with a message pointing to the preset list.
VAGUE_REASONS = frozenset({"不想买了", "不要了", "不想要了", "没什么", "随便", "无", "其他", "没有原因", "no reason",
                           "dont want", "don't want", "other", "none", "n/a", "-", "."})
MIN_OTHER_REASON_CHARS = 6
MIN_DESCRIPTION_CHARS = 10


def reason_problem(code: str, text: str) -> str | None:
    """Why a cancellation reason is refused ("unknown", "vague"), or None when it is acceptable."""
    if code not in CANCEL_REASONS:
        return "unknown"
    if code == "other":
        t = (text or "").strip().lower()
        if len(t) < MIN_OTHER_REASON_CHARS or t in VAGUE_REASONS:
            return "vague"
    return None


@dataclass(frozen=True)
class OrderFacts:
    """What the guards look at."""
    state: OrderState
    locked: bool = False
    open_request: str | None = None        # "cancellation" / "after_sales" / None
    open_case: bool = False
    reissue_awaiting_verification: bool = False


def not_locked(f: OrderFacts) -> bool:
    return not f.locked


def no_open_request(f: OrderFacts) -> bool:
    return f.open_request is None and not f.open_case


def open_cancellation(f: OrderFacts) -> bool:
    return f.open_request == "cancellation"


def open_after_sales(f: OrderFacts) -> bool:
    return f.open_request == "after_sales" and not f.reissue_awaiting_verification


def awaiting_reissue_check(f: OrderFacts) -> bool:
    return f.open_request == "after_sales" and f.reissue_awaiting_verification


def is_locked(f: OrderFacts) -> bool:
    return f.locked


def pending_request(f: OrderFacts) -> bool:
    return f.open_request is not None and not f.reissue_awaiting_verification


GUARD_MESSAGES = {  # a key per guard: services turn it into a translated message
    not_locked: "locked",
    no_open_request: "request_open",
    open_cancellation: "no_cancellation",
    open_after_sales: "no_after_sales",
    awaiting_reissue_check: "no_reissue",
    is_locked: "not_locked",
    pending_request: "no_request",
}


@dataclass(frozen=True)
class Rule:
    action: Action
    states: frozenset[OrderState]
    roles: frozenset[OrderRole]
    guards: tuple[Callable[[OrderFacts], bool], ...] = ()
    to_state: OrderState | None = None     # None: the state does not change ...
    outcomes: frozenset[OrderState] = frozenset()  # ... unless the answer leads to one of these


S = OrderState
R = OrderRole
ANY_LIVE = frozenset({S.pending_payment, S.paid, S.delivered, S.completed})
PAID_OR_LATER = frozenset({S.paid, S.delivered, S.completed, S.refunded, S.cancelled, S.closed})

TABLE: tuple[Rule, ...] = (
    Rule(Action.pay, frozenset({S.pending_payment}), frozenset({R.system}), (), S.paid),
    Rule(Action.deliver, frozenset({S.paid}), frozenset({R.merchant, R.system}), (no_open_request,), S.delivered),
    Rule(Action.close_unpaid, frozenset({S.pending_payment}), frozenset({R.system}), (), S.closed),
    Rule(Action.cancel, frozenset({S.pending_payment}), frozenset({R.buyer}), (not_locked,), S.cancelled),
    Rule(Action.request_cancellation, frozenset({S.paid, S.delivered}), frozenset({R.buyer}),
         (not_locked, no_open_request)),
    # a locked order is not cancelled, by the merchant or by default, until support unlocks it
    Rule(Action.review_cancellation, frozenset({S.paid}), frozenset({R.merchant}), (not_locked, open_cancellation),
         outcomes=frozenset({S.refunded})),
    Rule(Action.respond_cancellation, frozenset({S.delivered}), frozenset({R.merchant}),
         (not_locked, open_cancellation), outcomes=frozenset({S.refunded})),
    Rule(Action.approve_cancellation_by_default, frozenset({S.paid}), frozenset({R.system}),
         (not_locked, open_cancellation), S.refunded),
    Rule(Action.confirm_receipt, frozenset({S.delivered}), frozenset({R.buyer}), (not_locked, no_open_request),
         S.completed),
    Rule(Action.auto_confirm, frozenset({S.delivered}), frozenset({R.system}), (not_locked, no_open_request),
         S.completed),
    Rule(Action.request_after_sales, frozenset({S.delivered, S.completed}), frozenset({R.buyer}),
         (not_locked, no_open_request)),
    Rule(Action.respond_after_sales, frozenset({S.delivered, S.completed}), frozenset({R.merchant}),
         (open_after_sales,), outcomes=frozenset({S.refunded})),
    Rule(Action.verify_reissue, frozenset({S.delivered, S.completed}), frozenset({R.buyer, R.system}),
         (awaiting_reissue_check,)),
    Rule(Action.report_platform_fault, PAID_OR_LATER, frozenset({R.buyer, R.support}), (no_open_request,),
         outcomes=frozenset({S.refunded})),
    Rule(Action.lock, ANY_LIVE, frozenset({R.support, R.admin, R.system}), (not_locked,)),
    Rule(Action.unlock, ANY_LIVE, frozenset({R.support, R.admin}), (is_locked,)),
    Rule(Action.withdraw_request, frozenset({S.paid, S.delivered, S.completed}), frozenset({R.buyer}),
         (pending_request,)),
)

RULES = {rule.action: rule for rule in TABLE}


def check(action: Action, role: OrderRole, facts: OrderFacts) -> str | None:
    """None when `role` may do `action` now; else why not: "state", "role", or a guard's key."""
    rule = RULES[action]
    if facts.state not in rule.states:
        return "state"
    if role not in rule.roles:
        return "role"
    for guard in rule.guards:
        if not guard(facts):
            return GUARD_MESSAGES[guard]
    return None


def target_state(action: Action, current: OrderState, requested: OrderState | None) -> OrderState:
    """The state an action leads to: its fixed target, or one of its permitted outcomes, or no change."""
    rule = RULES[action]
    if requested is None or requested == current:
        return rule.to_state or current
    if requested == rule.to_state or requested in rule.outcomes:
        return requested
    raise ValueError(f"{action.value} cannot lead from {current.value} to {requested.value}")


def allowed_actions(role: OrderRole, facts: OrderFacts) -> list[Action]:
    return [rule.action for rule in TABLE if check(rule.action, role, facts) is None]


# ---- money ----

def cancellation_fee(amount_fen: int, rate_bp: int) -> int:
    """Fee in fen for a cancellation at `rate_bp` basis points (1% = 100), rounded down (in the
    buyer's favour)."""
    if amount_fen < 0 or rate_bp < 0:
        raise ValueError("amounts and rates are not negative")
    return amount_fen * rate_bp // 10_000


def refundable(paid_fen: int, already_refunded_fen: int) -> int:
    return max(paid_fen - already_refunded_fen, 0)


# Expected arrival of a refund, in working days, by channel (configurable by the caller).
ARRIVAL_WORKING_DAYS = {Channel.balance: 0, Channel.alipay: 3, Channel.wechat: 3, Channel.bank_card: 7}


# ---- risk control ----

@dataclass(frozen=True)
class RiskThresholds:
    orders: int = 5              # N orders ...
    within_minutes: int = 10     # ... within M minutes
    account_switches: int = 3    # K account switches in a day


def risk_reason(recent_order_count: int, account_switches_today: int, t: RiskThresholds) -> str | None:
    """Why a new order should be locked, or None. `recent_order_count` includes the new order."""
    if recent_order_count >= t.orders:
        return "many_orders"
    if account_switches_today >= t.account_switches:
        return "account_switching"
    return None


# ---- requests and refunds: their states as data (one function moves each: requests._set_request_state,
# refunds._move) ----

REQUEST_FLOW = Flow.of("request", start={"pending"}, moves={
    # the merchant answers (or misses its deadline, or the request goes straight to the platform), or the buyer
    # takes it back
    "pending": {"approved", "auto_approved", "rejected", "resolved", "reissued", "timed_out", "escalated",
                "withdrawn"},
    # the buyer checks the reissued goods (or lets the check window pass: accepted)
    "reissued": {"accepted", "failed"},
})
OPEN_REQUEST_STATES = ("pending", "reissued")

# a refund: on its way (pending) or, to the account balance, done at once; the channel reports it done or failed;
# a failed one is sent again
REFUND_FLOW = Flow.of("refund", start={"pending", "done"}, moves={
    "pending": {"done", "failed"},
    "failed": {"pending"},
})
REFUND_OUTCOMES = {"done": "done", "failed": "failed", "retry": "pending"}   # what the channel reports -> state

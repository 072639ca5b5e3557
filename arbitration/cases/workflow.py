"""The case lifecycle as data (pure: no Flask, no SQLAlchemy): states, actions, who may take them, where
they lead, and the deadline each state starts with its published default outcome (DESIGN §3).

Services and pages read these tables; the default-outcome page is rendered from DEADLINES, never
written twice. Texts are English message ids marked with N_ and translated where they are shown.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


def N_(message: str) -> str:
    """Marks a text for translation (pybabel's default keywords include N_)."""
    return message


class CaseState(str, enum.Enum):
    negotiation = "negotiation"                    # 协商: the merchant answers
    offer_pending = "offer_pending"                # the buyer answers the merchant's offer
    evidence = "evidence"                          # 举证: both parties
    supplementary = "supplementary"                # 补充举证: the party the arbitrator asked
    review = "review"                              # 审理: the arbitrator rules
    reconsideration_window = "reconsideration_window"  # 复核期: a ruling stands, either party may ask once
    reconsideration = "reconsideration"            # 复核: a different arbitrator
    enforcement = "enforcement"                    # 执行: remedy tasks
    closed = "closed"
    withdrawn = "withdrawn"


class CaseRole(str, enum.Enum):
    buyer = "buyer"
    merchant = "merchant"            # staff of the case's merchant
    arbitrator = "arbitrator"        # the arbitrator assigned to the case (the current round)
    supervisor = "supervisor"
    support = "support"
    system = "system"                # deadlines, the platform


class Action(str, enum.Enum):
    accept_claim = "accept_claim"
    make_offer = "make_offer"
    refuse_claim = "refuse_claim"
    accept_offer = "accept_offer"
    reject_offer = "reject_offer"
    add_evidence = "add_evidence"
    no_more_evidence = "no_more_evidence"
    request_supplementary = "request_supplementary"
    issue_ruling = "issue_ruling"
    request_reconsideration = "request_reconsideration"
    settle = "settle"
    withdraw = "withdraw"
    extend_deadline = "extend_deadline"
    reassign = "reassign"
    do_task = "do_task"                    # carry out one remedy task
    complete_task = "complete_task"        # the last task done: the case closes
    send_message = "send_message"
    add_note = "add_note"                  # an internal note of the case's staff
    # applied by the deadline sweep
    default_ruling = "default_ruling"
    offer_lapsed = "offer_lapsed"
    evidence_closed = "evidence_closed"
    ruling_final = "ruling_final"
    escalate = "escalate"


S, R, A = CaseState, CaseRole, Action
PARTIES = frozenset({R.buyer, R.merchant})
OPEN = frozenset(set(S) - {S.closed, S.withdrawn})
BEFORE_RULING = frozenset({S.negotiation, S.offer_pending, S.evidence, S.supplementary, S.review})
EVIDENCE_STAGES = frozenset({S.evidence, S.supplementary, S.reconsideration})


@dataclass(frozen=True)
class CaseFacts:
    """What the guards look at."""
    state: CaseState
    reconsideration_asked_by: frozenset[str] = frozenset()   # parties who already asked once
    actor_party: str | None = None                           # "buyer" / "merchant" for a party
    deadline_extended: bool = False
    open_tasks: int = 0
    party_evidence_closed: bool = False                      # the actor's own window


def once_per_party(f: CaseFacts) -> bool:
    return f.actor_party is not None and f.actor_party not in f.reconsideration_asked_by


def not_extended_yet(f: CaseFacts) -> bool:
    return not f.deadline_extended


def last_task(f: CaseFacts) -> bool:
    return f.open_tasks <= 1


def window_open(f: CaseFacts) -> bool:
    return not f.party_evidence_closed


GUARD_KEYS = {once_per_party: "reconsideration_used", not_extended_yet: "already_extended",
              last_task: "tasks_left", window_open: "evidence_closed"}


@dataclass(frozen=True)
class Transition:
    action: Action
    states: frozenset[CaseState]
    roles: frozenset[CaseRole]
    to_state: CaseState | None = None              # None: no change
    guards: tuple[Callable[[CaseFacts], bool], ...] = ()


TABLE: tuple[Transition, ...] = (
    Transition(A.accept_claim, frozenset({S.negotiation}), frozenset({R.merchant}), S.enforcement),
    Transition(A.make_offer, frozenset({S.negotiation}), frozenset({R.merchant}), S.offer_pending),
    Transition(A.refuse_claim, frozenset({S.negotiation}), frozenset({R.merchant}), S.evidence),
    Transition(A.accept_offer, frozenset({S.offer_pending}), frozenset({R.buyer}), S.enforcement),
    Transition(A.reject_offer, frozenset({S.offer_pending}), frozenset({R.buyer}), S.evidence),
    # late uploads are kept but marked late: adding is open in every state before the ruling
    Transition(A.add_evidence, BEFORE_RULING | {S.reconsideration}, PARTIES),
    Transition(A.no_more_evidence, EVIDENCE_STAGES, PARTIES, guards=(window_open,)),
    Transition(A.request_supplementary, frozenset({S.evidence, S.review, S.reconsideration}),
               frozenset({R.arbitrator}), S.supplementary),
    Transition(A.issue_ruling, frozenset({S.review}), frozenset({R.arbitrator}), S.reconsideration_window),
    Transition(A.request_reconsideration, frozenset({S.reconsideration_window}), PARTIES, S.reconsideration,
               (once_per_party,)),
    Transition(A.issue_ruling, frozenset({S.reconsideration}), frozenset({R.arbitrator}), S.enforcement),
    Transition(A.settle, BEFORE_RULING | {S.reconsideration_window, S.reconsideration}, PARTIES, S.enforcement),
    Transition(A.withdraw, BEFORE_RULING, frozenset({R.buyer}), S.withdrawn),
    Transition(A.extend_deadline, frozenset({S.evidence, S.supplementary, S.review, S.reconsideration}),
               frozenset({R.arbitrator}), guards=(not_extended_yet,)),
    Transition(A.reassign, frozenset({S.evidence, S.supplementary, S.review, S.reconsideration}),
               frozenset({R.supervisor})),
    Transition(A.do_task, frozenset({S.enforcement}), frozenset({R.merchant, R.support, R.system})),
    Transition(A.complete_task, frozenset({S.enforcement}), frozenset({R.merchant, R.support, R.system}),
               S.closed, (last_task,)),
    Transition(A.send_message, OPEN, frozenset({R.buyer, R.merchant, R.arbitrator, R.supervisor})),
    Transition(A.add_note, frozenset(S), frozenset({R.arbitrator, R.supervisor})),
    Transition(A.default_ruling, frozenset({S.negotiation}), frozenset({R.system}), S.reconsideration_window),
    Transition(A.offer_lapsed, frozenset({S.offer_pending}), frozenset({R.system}), S.evidence),
    Transition(A.evidence_closed, frozenset({S.evidence, S.supplementary}), frozenset({R.system}), S.review),
    Transition(A.ruling_final, frozenset({S.reconsideration_window}), frozenset({R.system}), S.enforcement),
    Transition(A.escalate, frozenset({S.review, S.reconsideration, S.enforcement}), frozenset({R.system})),
)


def transitions_for(action: Action, state: CaseState) -> Transition | None:
    for t in TABLE:
        if t.action == action and state in t.states:
            return t
    return None


def check(action: Action, role: CaseRole, facts: CaseFacts) -> str | None:
    """None when `role` may take `action` now; else "state", "role" or a guard's key."""
    t = transitions_for(action, facts.state)
    if t is None:
        return "state"
    if role not in t.roles:
        return "role"
    for guard in t.guards:
        if not guard(facts):
            return GUARD_KEYS[guard]
    return None


def next_state(action: Action, state: CaseState) -> CaseState:
    t = transitions_for(action, state)
    if t is None:
        raise ValueError(f"{action.value} is not possible in {state.value}")
    return t.to_state or state


def allowed_actions(role: CaseRole, facts: CaseFacts) -> list[Action]:
    seen: list[Action] = []
    for t in TABLE:
        if t.action not in seen and check(t.action, role, facts) is None:
            seen.append(t.action)
    return seen


# ---- deadlines and their published default outcomes (DESIGN §3) ----

@dataclass(frozen=True)
class DeadlineRule:
    state: CaseState
    hours: int = 0                 # calendar hours ...
    working_days: int = 0          # ... or working days on the business calendar
    who: str = ""                  # who must act: buyer / merchant / both / the party asked / arbitrator
    consequence: Action = A.escalate
    outcome: str = ""              # published to both parties (an English message id)
    who_label: str = ""


DEADLINES: tuple[DeadlineRule, ...] = (
    DeadlineRule(S.negotiation, hours=48, who="merchant", consequence=A.default_ruling,
                 who_label=N_("The merchant: accept, offer or refuse"),
                 outcome=N_("The claim is upheld by default (a default ruling), which either party may ask to "
                            "have reconsidered.")),
    DeadlineRule(S.offer_pending, hours=72, who="buyer", consequence=A.offer_lapsed,
                 who_label=N_("The buyer: accept or reject the offer"),
                 outcome=N_("The offer lapses and the case goes to arbitration (evidence).")),
    DeadlineRule(S.evidence, hours=72, who="both", consequence=A.evidence_closed,
                 who_label=N_("Both parties: upload evidence, or declare that there is no more"),
                 outcome=N_("That party's evidence is closed; later uploads are kept but marked late. The "
                            "arbitrator then reviews the case.")),
    DeadlineRule(S.supplementary, hours=48, who="asked", consequence=A.evidence_closed,
                 who_label=N_("The party the arbitrator asked: upload the supplementary evidence"),
                 outcome=N_("That party's evidence is closed; later uploads are kept but marked late.")),
    DeadlineRule(S.review, working_days=5, who="arbitrator", consequence=A.escalate,
                 who_label=N_("The arbitrator: issue the ruling"),
                 outcome=N_("The case is escalated to a supervisor, who may reassign it; the outcome does not "
                            "change because of the delay.")),
    DeadlineRule(S.reconsideration_window, hours=7 * 24, who="both", consequence=A.ruling_final,
                 who_label=N_("Either party: ask once for reconsideration, with new facts"),
                 outcome=N_("The ruling becomes final and is carried out.")),
    DeadlineRule(S.reconsideration, working_days=5, who="arbitrator", consequence=A.escalate,
                 who_label=N_("A different arbitrator: issue the reconsideration ruling"),
                 outcome=N_("The case is escalated to a supervisor.")),
    DeadlineRule(S.enforcement, working_days=1, who="merchant", consequence=A.escalate,
                 who_label=N_("The merchant (or the platform): carry out the remedy"),
                 outcome=N_("The case is escalated; the platform may carry out the remedy from the merchant's "
                            "deposit.")),
)
DEADLINE_BY_STATE = {d.state: d for d in DEADLINES}


def who_acts(state: S, supplementary_party: str | None) -> str | None:
    """Who must act while the case is in `state` (buyer, merchant, both, arbitrator, supervisor…); None when the
    state has no deadline. "asked" is the party the arbitrator asked for supplementary evidence."""
    rule = DEADLINE_BY_STATE.get(state)
    if rule is None:
        return None
    return (supplementary_party or "both") if rule.who == "asked" else rule.who

"""Where a case stands and what the person looking at it must do now (pure: no Flask, no SQLAlchemy).

The case page opens with these: the stage bar (协商 → 举证 → 审理 → 决定 → 复核期 → 执行 → 结案) and the "now" panel
— for this person, in this state: what to do (or what is awaited from whom), and which of the page's actions
(cases/actions.py) to put first. By when, and what happens otherwise, come from the running deadline and the
published default outcomes (workflow.DEADLINES). Texts are English message ids marked with N_ and translated
where they are shown, with their parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from arbitration.cases.workflow import N_, Action, CaseRole, CaseState

S, A = CaseState, Action

# the stage bar: (key, label, the states that are this stage)
STAGES: tuple[tuple[str, str, frozenset[CaseState]], ...] = (
    ("negotiation", N_("Negotiation"), frozenset({S.negotiation, S.offer_pending})),
    ("evidence", N_("Giving evidence"), frozenset({S.evidence, S.supplementary})),
    ("review", N_("Review"), frozenset({S.review})),
    ("decision", N_("Decided"), frozenset()),                      # an instant: done once a decision is issued
    ("reconsideration", N_("Reconsideration window"), frozenset({S.reconsideration_window, S.reconsideration})),
    ("enforcement", N_("Enforcement"), frozenset({S.enforcement})),
    ("closed", N_("Closed"), frozenset({S.closed, S.withdrawn})),
)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    status: str          # done / current / skipped / todo


def stage_bar(state: CaseState, visited: frozenset[CaseState], decided: bool) -> list[Step]:
    """Each stage: done (passed through), current, skipped (the case went past it without it, e.g. a claim
    accepted in negotiation skips evidence to reconsideration) or still to come."""
    current = next(i for i, (_k, _l, states) in enumerate(STAGES) if state in states) \
        if state != S.withdrawn else len(STAGES) - 1
    steps = []
    for i, (key, label, states) in enumerate(STAGES):
        if i == current:
            status = "current"
        elif i > current:
            status = "todo"
        elif key == "decision":
            status = "done" if decided else "skipped"
        else:
            status = "done" if states & visited else "skipped"
        steps.append(Step(key, label, status))
    return steps


@dataclass(frozen=True)
class Now:
    """The "now" panel: `headline` (a message id with `params`), whether the person looking must act (`yours`),
    the actions to offer first (`primary`) and the others to keep at hand (`more`, folded) — the page shows those
    the lifecycle table allows — and `upload`: whether to point to the evidence form."""
    headline: str
    yours: bool = False
    primary: tuple[Action, ...] = ()
    more: tuple[Action, ...] = ()
    upload: bool = False
    write_ruling: bool = False
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What the panel looks at, beyond the state: the viewer's party window, the party asked for more evidence,
    whether the viewer ruled already, whether tasks are the viewer's to carry out."""
    state: CaseState
    role: CaseRole | None                    # the viewer's role on the case (None: a reader, e.g. a regulator)
    own_window_closed: bool = False
    supplementary_party: str | None = None
    tasks_for_viewer: int = 0
    other_party: str = ""                    # "buyer" / "merchant": the party that is not the viewer


def now(f: Facts) -> Now:
    party = f.role.value if f.role in (CaseRole.buyer, CaseRole.merchant) else None
    state, role = f.state, f.role
    if state == S.negotiation:
        if role == CaseRole.merchant:
            return Now(N_("Answer the buyer's claim: accept it, make an offer, or refuse it."), yours=True,
                       primary=(A.accept_claim,), more=(A.make_offer, A.refuse_claim))
        if role == CaseRole.buyer:
            return Now(N_("The merchant is considering your claim. You can add evidence or write to the merchant "
                          "meanwhile."), more=(A.withdraw,), upload=True)
        return Now(N_("Negotiation: the merchant answers the claim."))
    if state == S.offer_pending:
        if role == CaseRole.buyer:
            return Now(N_("The merchant made you an offer: accept it to settle, or reject it and the case goes to "
                          "the platform's dispute handler."), yours=True, primary=(A.accept_offer, A.reject_offer),
                       more=(A.withdraw,))
        if role == CaseRole.merchant:
            return Now(N_("Your offer was sent: the buyer accepts it or rejects it."))
        return Now(N_("An offer awaits the buyer's answer."))
    if state in (S.evidence, S.supplementary):
        asked = state == S.supplementary and party == f.supplementary_party
        if party and not f.own_window_closed and (state == S.evidence or asked):
            return Now(N_("The dispute handler asks you for more evidence.") if asked else
                       N_("Upload your evidence, then say you have no more."),
                       yours=True, primary=(A.no_more_evidence,), upload=True)
        if party:
            return Now(N_("Your evidence is in. The other party may still add theirs; then the dispute handler "
                          "reviews the case."))
        if role == CaseRole.arbitrator and state == S.evidence:
            return Now(N_("The parties are giving evidence. You may ask one of them for more, or extend the "
                          "deadline once."), more=(A.request_supplementary, A.extend_deadline))
        if role == CaseRole.arbitrator:
            return Now(N_("The party you asked is giving more evidence."), more=(A.extend_deadline,))
        if role == CaseRole.supervisor:
            return Now(N_("The parties are giving evidence."), more=(A.reassign,))
        return Now(N_("The parties are giving evidence."))
    if state in (S.review, S.reconsideration):
        if role == CaseRole.arbitrator:
            return Now(N_("Decide the case: write the decision."), yours=True, write_ruling=True,
                       more=(A.request_supplementary, A.extend_deadline))
        if party:
            return Now(N_("The dispute handler is reviewing the case and will decide it."))
        if role == CaseRole.supervisor:
            return Now(N_("The arbitrator is reviewing the case."), more=(A.reassign,))
        return Now(N_("The arbitrator is reviewing the case."))
    if state == S.reconsideration_window:
        if party:
            return Now(N_("A decision was issued. If you have new facts, you may ask once for a reconsideration; "
                          "otherwise the decision becomes final and is carried out."),
                       more=(A.request_reconsideration,))
        return Now(N_("A decision was issued; the parties may ask for a reconsideration."))
    if state == S.enforcement:
        if f.tasks_for_viewer:
            return Now(N_("Carry out the decision: mark each remedy done when it is."), yours=True)
        if party == "buyer":
            return Now(N_("The case is decided: the merchant carries out the remedy."))
        return Now(N_("The case is decided: the remedies are being carried out."))
    if state == S.withdrawn:
        return Now(N_("The buyer withdrew the case."))
    return Now(N_("The case is closed."))

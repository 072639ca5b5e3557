"""Drafts and four eyes as data (pure: no Flask, no database): the moves of a ruling draft, and the supervisors'
rules that send a draft to a supervisor before it may be issued. Texts are English message ids (N_)."""
from __future__ import annotations

from dataclasses import dataclass

from arbitration.flows import Flow
from arbitration.rulings.suggest import N_

# draft: being written; in_review: with a supervisor (it cannot change); returned: the supervisor sent it back with
# a note (it must go to a supervisor again); approved: it may be issued as approved (a change lapses the approval);
# issued: a ruling was issued from it
DRAFT_FLOW = Flow.of("ruling draft", start={"draft"}, moves={
    "draft": {"in_review", "issued"},
    "in_review": {"approved", "returned"},
    "returned": {"in_review"},
    "approved": {"issued", "draft"},
})
EDITABLE = frozenset({"draft", "returned", "approved"})


@dataclass(frozen=True)
class FourEyes:
    """The rules in force; each is off unless set."""
    amount_over_fen: int | None = None           # the amount at stake is more than this
    in_training: frozenset[int] = frozenset()    # arbitrators (user ids) in training
    reversal: bool = False                       # a reconsideration reverses the first ruling


@dataclass(frozen=True)
class DraftFacts:
    arbitrator_id: int
    decision: str
    price_fen: int                       # what the order cost
    ordered_fen: int                     # what the draft orders paid (refunds and compensation)
    first_decision: str | None = None    # the decision the draft would supersede (a reconsideration)

    @property
    def at_stake_fen(self) -> int:
        return max(self.price_fen, self.ordered_fen)


def reverses(first: str | None, decision: str) -> bool:
    """Upheld (wholly or partly) against dismissed, either way; upheld ↔ partly upheld is a change, not a reversal."""
    return first is not None and (first == "dismissed") != (decision == "dismissed")


# (key, message id, parameters)
Reason = tuple[str, str, dict]


def review_reasons(rules: FourEyes, facts: DraftFacts) -> list[Reason]:
    """Why the draft must be approved by a supervisor before it is issued (empty: it need not)."""
    found: list[Reason] = []
    if rules.amount_over_fen is not None and facts.at_stake_fen > rules.amount_over_fen:
        found.append(("amount_over", N_("The amount at stake (%(amount)s) is over %(limit)s."),
                      {"amount_fen": facts.at_stake_fen, "limit_fen": rules.amount_over_fen}))
    if facts.arbitrator_id in rules.in_training:
        found.append(("in_training", N_("The arbitrator is in training."), {}))
    if rules.reversal and reverses(facts.first_decision, facts.decision):
        found.append(("reversal", N_("This reconsideration reverses the first ruling."), {}))
    return found

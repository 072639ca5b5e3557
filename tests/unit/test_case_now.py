"""The case page's stage bar and "now" panel, for every state and every person, against the lifecycle table."""
from __future__ import annotations

import itertools

import pytest

from arbitration.cases import now as panel
from arbitration.cases import workflow as wf
from arbitration.cases.workflow import Action, CaseFacts, CaseRole, CaseState

S, R = CaseState, CaseRole
ROLES = [R.buyer, R.merchant, R.arbitrator, R.supervisor, R.support, None]


def _facts(state, role, closed=False, asked=None, tasks=0):
    return panel.Facts(state=state, role=role, own_window_closed=closed, supplementary_party=asked,
                       tasks_for_viewer=tasks)


def _must_act(state, role, closed, asked, tasks) -> bool:
    """Who must act now, read off the deadline table (workflow.who_acts) and the viewer's own window and tasks."""
    who = wf.who_acts(state, asked)
    if who is None:
        return False
    party = role.value if role in (R.buyer, R.merchant) else None
    if state == S.enforcement:
        return tasks > 0
    if state in (S.evidence, S.supplementary):
        return party is not None and not closed and who in (party, "both")
    if state == S.reconsideration_window:
        return False                     # asking for a reconsideration is a right, not a duty
    return who == (role.value if role else None) or (who == "arbitrator" and role == R.arbitrator)


CASES = [(state, role, closed, asked, tasks)
         for state, role in itertools.product(S, ROLES)
         for closed in (False, True) for asked in (None, "buyer", "merchant") for tasks in (0, 1)
         if (asked is None) == (state != S.supplementary) and (tasks == 0 or state == S.enforcement)]


@pytest.mark.parametrize("state,role,closed,asked,tasks", CASES)
def test_the_panel_says_yours_exactly_when_the_person_must_act_and_offers_only_what_they_may_do(
        state, role, closed, asked, tasks):
    now = panel.now(_facts(state, role, closed, asked, tasks))
    assert now.headline
    assert now.yours == _must_act(state, role, closed, asked, tasks), (state, role)
    party = role.value if role in (R.buyer, R.merchant) else None
    facts = CaseFacts(state=state, actor_party=party, party_evidence_closed=closed)
    for action in now.primary + now.more:
        assert isinstance(action, Action)
        assert wf.check(action, role, facts) is None, (state, role, action)


def test_a_claim_accepted_in_negotiation_skips_evidence_review_decision_and_reconsideration():
    bar = panel.stage_bar(S.enforcement, frozenset({S.negotiation, S.enforcement}), decided=False)
    assert [s.status for s in bar] == ["done", "skipped", "skipped", "skipped", "skipped", "current", "todo"]


def test_a_ruled_case_passes_every_stage_in_order():
    visited = frozenset({S.negotiation, S.evidence, S.review, S.reconsideration_window, S.enforcement, S.closed})
    bar = panel.stage_bar(S.closed, visited, decided=True)
    assert [s.status for s in bar] == ["done"] * 6 + ["current"]


def test_a_withdrawn_case_stands_at_the_end():
    bar = panel.stage_bar(S.withdrawn, frozenset({S.negotiation, S.withdrawn}), decided=False)
    assert bar[-1].status == "current" and bar[0].status == "done" and bar[1].status == "skipped"

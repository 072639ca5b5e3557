"""The case lifecycle table, cell by cell, against DESIGN §3 written out independently here."""
from __future__ import annotations

import itertools

import pytest

from arbitration.cases import workflow as wf
from arbitration.cases.workflow import Action, CaseFacts, CaseRole, CaseState

S, R, A = CaseState, CaseRole, Action
P = {R.buyer, R.merchant}
PRE_RULING = {S.negotiation, S.offer_pending, S.evidence, S.supplementary, S.review}

# (action, state) -> (roles, next state) for every allowed cell; every other cell is refused
SPEC = {
    (A.accept_claim, S.negotiation): ({R.merchant}, S.enforcement),
    (A.make_offer, S.negotiation): ({R.merchant}, S.offer_pending),
    (A.refuse_claim, S.negotiation): ({R.merchant}, S.evidence),
    (A.accept_offer, S.offer_pending): ({R.buyer}, S.enforcement),
    (A.reject_offer, S.offer_pending): ({R.buyer}, S.evidence),
    **{(A.add_evidence, s): (P, s) for s in PRE_RULING | {S.reconsideration}},
    **{(A.no_more_evidence, s): (P, s) for s in (S.evidence, S.supplementary, S.reconsideration)},
    **{(A.request_supplementary, s): ({R.arbitrator}, S.supplementary)
       for s in (S.evidence, S.review, S.reconsideration)},
    (A.issue_ruling, S.review): ({R.arbitrator}, S.reconsideration_window),
    (A.issue_ruling, S.reconsideration): ({R.arbitrator}, S.enforcement),
    (A.request_reconsideration, S.reconsideration_window): (P, S.reconsideration),
    **{(A.settle, s): (P, S.enforcement) for s in PRE_RULING | {S.reconsideration_window, S.reconsideration}},
    **{(A.withdraw, s): ({R.buyer}, S.withdrawn) for s in PRE_RULING},
    **{(A.extend_deadline, s): ({R.arbitrator}, s)
       for s in (S.evidence, S.supplementary, S.review, S.reconsideration)},
    **{(A.reassign, s): ({R.supervisor}, s) for s in (S.evidence, S.supplementary, S.review, S.reconsideration)},
    (A.do_task, S.enforcement): ({R.merchant, R.support, R.system}, S.enforcement),
    (A.complete_task, S.enforcement): ({R.merchant, R.support, R.system}, S.closed),
    **{(A.send_message, s): ({R.buyer, R.merchant, R.arbitrator, R.supervisor}, s)
       for s in set(S) - {S.closed, S.withdrawn}},
    # internal notes of the case's staff, in every state (also once it is closed)
    **{(A.add_note, s): ({R.arbitrator, R.supervisor}, s) for s in S},
    (A.default_ruling, S.negotiation): ({R.system}, S.reconsideration_window),
    (A.offer_lapsed, S.offer_pending): ({R.system}, S.evidence),
    (A.evidence_closed, S.evidence): ({R.system}, S.review),
    (A.evidence_closed, S.supplementary): ({R.system}, S.review),
    (A.ruling_final, S.reconsideration_window): ({R.system}, S.enforcement),
    **{(A.escalate, s): ({R.system}, s) for s in (S.review, S.reconsideration, S.enforcement)},
}


@pytest.mark.parametrize("action, state, role", list(itertools.product(Action, CaseState, CaseRole)),
                         ids=lambda v: v.value)
def test_every_cell_of_the_case_table(action, state, role):
    facts = CaseFacts(state=state, actor_party=role.value if role in P else None)
    problem = wf.check(action, role, facts)
    if (action, state) not in SPEC:
        assert problem == "state"
        return
    roles, to_state = SPEC[(action, state)]
    if role not in roles:
        assert problem == "role"
    else:
        assert problem is None
        assert wf.next_state(action, state) == to_state


def test_each_party_may_ask_for_reconsideration_once():
    facts = CaseFacts(S.reconsideration_window, reconsideration_asked_by=frozenset({"merchant"}),
                      actor_party="merchant")
    assert wf.check(A.request_reconsideration, R.merchant, facts) == "reconsideration_used"
    buyer = CaseFacts(S.reconsideration_window, reconsideration_asked_by=frozenset({"merchant"}), actor_party="buyer")
    assert wf.check(A.request_reconsideration, R.buyer, buyer) is None


def test_an_arbitrator_extends_a_deadline_only_once():
    assert wf.check(A.extend_deadline, R.arbitrator, CaseFacts(S.review, deadline_extended=True)) == "already_extended"


def test_the_case_closes_only_with_its_last_task():
    assert wf.check(A.complete_task, R.merchant, CaseFacts(S.enforcement, open_tasks=2)) == "tasks_left"
    assert wf.check(A.complete_task, R.merchant, CaseFacts(S.enforcement, open_tasks=1)) is None


def test_a_party_whose_window_is_closed_cannot_close_it_again():
    facts = CaseFacts(S.evidence, actor_party="buyer", party_evidence_closed=True)
    assert wf.check(A.no_more_evidence, R.buyer, facts) == "evidence_closed"


def test_every_open_state_has_a_deadline_with_a_published_outcome():
    timed = {d.state for d in wf.DEADLINES}
    assert timed == set(S) - {S.closed, S.withdrawn}
    for d in wf.DEADLINES:
        assert (d.hours > 0) != (d.working_days > 0)
        assert d.outcome and d.who_label
        assert wf.check(d.consequence, R.system, CaseFacts(d.state)) is None


@pytest.mark.parametrize("state, hours, working_days, consequence", [
    (S.negotiation, 48, 0, A.default_ruling),
    (S.offer_pending, 72, 0, A.offer_lapsed),
    (S.evidence, 72, 0, A.evidence_closed),
    (S.supplementary, 48, 0, A.evidence_closed),
    (S.review, 0, 5, A.escalate),
    (S.reconsideration_window, 168, 0, A.ruling_final),
    (S.reconsideration, 0, 5, A.escalate),
    (S.enforcement, 0, 1, A.escalate),
])
def test_the_deadline_defaults_are_those_of_design_section_3(state, hours, working_days, consequence):
    d = wf.DEADLINE_BY_STATE[state]
    assert (d.hours, d.working_days, d.consequence) == (hours, working_days, consequence)


def test_a_merchant_in_negotiation_sees_exactly_its_three_answers_and_messages():
    facts = CaseFacts(S.negotiation, actor_party="merchant")
    assert wf.allowed_actions(R.merchant, facts) == [A.accept_claim, A.make_offer, A.refuse_claim, A.add_evidence,
                                                     A.settle, A.send_message]


def test_who_acts_names_the_party_asked_for_supplementary_evidence_and_nobody_in_a_state_without_deadline():
    from arbitration.cases.workflow import CaseState, who_acts

    assert who_acts(CaseState.negotiation, None) == "merchant"
    assert who_acts(CaseState.supplementary, "buyer") == "buyer"
    assert who_acts(CaseState.supplementary, None) == "both"
    assert who_acts(CaseState.closed, None) is None

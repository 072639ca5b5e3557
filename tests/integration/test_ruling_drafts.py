"""Ruling drafts and four eyes, through the services: a draft is saved and resumed, its events carry no text of
it, its preview is the issued document marked 草稿 and is never stored; the supervisors' rules send a draft to a
supervisor, who approves it or returns it with a note, and only then is it issued (by issue_ruling)."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from arbitration import clock
from arbitration.audit.services import events_of
from arbitration.auth.models import Role
from arbitration.cases import services as cases
from arbitration.cases.workflow import CaseState
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.evidence import services as evidence
from arbitration.rulings import drafts, review
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling, RulingDraft
from arbitration.rulings.rules import Remedy
from arbitration.storage import app_store
from tests.factories import create_user, make_case
from tests.files import png

H = dt.timedelta(hours=1)
FACTS = "买家付款后商家未发货，并拒绝取消订单，草稿事实甲乙丙。"
REASONING = "商家收取预付款后未按约定提供商品，应当按照消费者的要求退回预付款。"
CONTENT = drafts.Content(decision="upheld", facts_found=FACTS, reasoning=REASONING,
                         found_tags=("paid_not_delivered",), remedies=(Remedy("full_refund"),),
                         citations=("CRPL-53", "CC-563"))


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def draft_events(draft):
    return [(e.action, e.actor_role) for e in events_of(review.DRAFT_SUBJECT, draft.id)]


@pytest.fixture
def case(session, personas, refused):
    return make_case("review", order=refused, arbitrator=personas["arbitrator"])


@pytest.fixture
def rules_on(personas):
    """Four eyes: drafts over ¥50 at stake and reversing reconsiderations go to a supervisor."""
    review.change_rules(personas["supervisor"], amount_over_fen=5_000, in_training=True, reversal=True,
                        trainee_ids=[])


# ---- drafts ----

def test_a_draft_is_saved_and_resumed_and_its_events_hold_no_text_of_it(session, personas, case):
    arbitrator = personas["arbitrator"]
    draft = drafts.save_draft(case, arbitrator, CONTENT)
    assert draft.state == "draft" and draft.round == 1 and draft.citations == ["CRPL-53", "CC-563"]
    again = drafts.save_draft(case, arbitrator, drafts.Content(**{**CONTENT.__dict__, "reasoning": REASONING + "补充。"}))
    assert again.id == draft.id and drafts.current_draft(case, arbitrator).reasoning == REASONING + "补充。"
    assert drafts.content_of(again).remedies == (Remedy("full_refund", 0),)
    assert session.scalars(sa.select(Ruling)).all() == [] and case.state == CaseState.review
    drafted = [e for e in events_of(review.DRAFT_SUBJECT, draft.id)]
    assert [e.action for e in drafted] == ["ruling.drafted", "ruling.drafted"]
    assert drafted[1].data["fields"] == ["reasoning"]
    chained = " ".join(e.data_json for e in drafted)
    assert "草稿事实" not in chained and "预付款" not in chained          # what changed, never the text
    assert not [e for e in events_of("case", case.id) if "draft" in e.action]   # nothing on the parties' chain


def test_saving_an_unchanged_draft_records_nothing(session, personas, case):
    draft = drafts.save_draft(case, personas["arbitrator"], CONTENT)
    drafts.save_draft(case, personas["arbitrator"], CONTENT)
    assert len(events_of(review.DRAFT_SUBJECT, draft.id)) == 1


def test_only_the_cases_arbitrator_drafts_and_only_while_the_ruling_is_due(session, personas, case):
    for someone in ("buyer", "merchant", "supervisor", "regulator"):
        with pytest.raises(NotAllowed):
            drafts.save_draft(case, personas[someone], CONTENT)
    evidence_case = make_case("evidence", arbitrator=personas["arbitrator"])
    with pytest.raises(Conflict):
        drafts.save_draft(evidence_case, personas["arbitrator"], CONTENT)


def test_the_preview_is_the_document_issuing_would_produce_marked_draft_on_every_page_and_never_stored(
        session, personas, case):
    draft = drafts.save_draft(case, personas["arbitrator"], CONTENT)
    stored_before = sorted(app_store().iter_keys(""))
    pages = pdf_pages(drafts.preview_pdf(draft))
    assert all("草稿" in page for page in pages)                       # on every page
    words = re.sub(r"\s+", "", "".join(pages))
    assert FACTS in words and REASONING in words and f"{case.number}-1" in words
    assert "争议处理决定书" in words and "消费者权益保护法第五十三条" in words and "¥100.00" in words
    assert "尚未作出，不发生效力，未送达当事人" in words
    assert sorted(app_store().iter_keys("")) == stored_before           # nothing stored
    assert session.scalars(sa.select(Ruling)).all() == []               # nothing issued, nothing hashed
    assert not [e for e in events_of("case", case.id) if e.action.startswith("ruling.")]


def test_a_draft_that_would_not_issue_has_no_preview(session, personas, case):
    draft = drafts.save_draft(case, personas["arbitrator"], drafts.Content(facts_found="太短"))
    with pytest.raises(InvalidInput):
        drafts.preview_pdf(draft)


def test_issuing_the_draft_goes_through_issue_ruling_and_marks_the_draft_issued(session, personas, case):
    arbitrator = personas["arbitrator"]
    drafts.save_draft(case, arbitrator, CONTENT)
    ruling = drafts.issue_draft(case, arbitrator)
    draft = drafts.get_draft(session.scalar(sa.select(RulingDraft.id)))
    assert draft.state == "issued" and draft.ruling_id == ruling.id
    assert ruling.facts_found == FACTS and [c.provision.code for c in ruling.citations] == ["CRPL-53", "CC-563"]
    assert case.state == CaseState.reconsideration_window
    issued = [e for e in events_of("case", case.id) if e.action == "case.issue_ruling"]
    assert issued[-1].data["approved_by_supervisor"] is False
    assert draft_events(draft)[-1] == ("ruling.draft_issued", "arbitrator")
    with pytest.raises(Conflict):                          # the case moved on: no second ruling from the draft
        drafts.issue_draft(case, arbitrator)


def test_the_evidence_on_file_brings_the_evidence_provisions_it_speaks_of(session, personas, case):
    codes = [p.code for p, _s in rulings.suggestions(case)]
    assert "SPC-EV-14" not in codes
    evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="截图.png", chunks=[png()],
                      kind="screenshot")
    codes = [p.code for p, _s in rulings.suggestions(case)]
    assert "SPC-EV-14" in codes and "SPC-EV-93" not in codes           # one side filed: authenticity not weighed
    evidence.add_file(personas["merchant"], cases.evidence_subject(case), filename="发货.png",
                      chunks=[png(color=(0, 0, 255))], kind="screenshot")
    assert "SPC-EV-93" in [p.code for p, _s in rulings.suggestions(case)]


# ---- four eyes ----

def test_a_draft_over_the_amount_goes_to_a_supervisor_who_returns_it_then_approves_it_before_it_is_issued(
        session, personas, case, rules_on):
    arbitrator, supervisor = personas["arbitrator"], personas["supervisor"]
    draft = drafts.save_draft(case, arbitrator, CONTENT)
    assert [k for k, _m, _p in drafts.review_needed(draft, drafts.prepared(draft))] == ["amount_over"]
    with pytest.raises(Conflict, match="主管|supervisor"):
        drafts.issue_draft(case, arbitrator)
    with pytest.raises(Conflict):                           # nor by calling issue_ruling without the draft
        rulings.issue_ruling(case, arbitrator, **CONTENT.as_issued())

    drafts.send_for_review(case, arbitrator)
    assert draft.state == "in_review" and draft.review_reasons[0]["key"] == "amount_over"
    with pytest.raises(Conflict):                           # a draft with a supervisor does not change
        drafts.save_draft(case, arbitrator, drafts.Content(**{**CONTENT.__dict__, "reasoning": REASONING * 2}))
    with pytest.raises(NotAllowed):
        drafts.approve(draft, arbitrator)
    clock.advance(2 * H)
    with pytest.raises(InvalidInput):
        drafts.return_draft(draft, supervisor, note="")
    drafts.return_draft(draft, supervisor, note="请写明商家拒绝取消的时间。")
    assert draft.state == "returned" and draft.review_seconds == 2 * 3600
    with pytest.raises(Conflict):
        drafts.issue_draft(case, arbitrator)               # returned: back to a supervisor first

    drafts.save_draft(case, arbitrator, drafts.Content(**{**CONTENT.__dict__, "facts_found": FACTS + "九月三十日拒绝。"}))
    assert draft.state == "returned"
    drafts.send_for_review(case, arbitrator)
    assert [d.id for d in drafts.waiting_for_review()] == [draft.id]
    clock.advance(H)
    assert drafts.seconds_in_review(draft) == 3 * 3600                  # the time in review, shown as it runs
    drafts.approve(draft, supervisor, note="同意。")
    assert draft.state == "approved" and draft.review_seconds == 3 * 3600 and drafts.waiting_for_review() == []

    ruling = drafts.issue_draft(case, arbitrator)
    assert ruling.facts_found == FACTS + "九月三十日拒绝。" and draft.state == "issued"
    assert draft_events(draft) == [
        ("ruling.drafted", "arbitrator"), ("ruling.draft_sent", "arbitrator"), ("ruling.draft_returned", "supervisor"),
        ("ruling.drafted", "arbitrator"), ("ruling.draft_sent", "arbitrator"), ("ruling.draft_approved", "supervisor"),
        ("ruling.draft_issued", "arbitrator")]
    returned = [e for e in events_of(review.DRAFT_SUBJECT, draft.id) if e.action == "ruling.draft_returned"][0]
    assert returned.data["note"] == "请写明商家拒绝取消的时间。" and returned.data["seconds_in_review"] == 7200
    issued = [e for e in events_of("case", case.id) if e.action == "case.issue_ruling"][-1]
    assert issued.data["approved_by_supervisor"] is True


def test_the_review_deadline_stays_the_arbitrators_while_a_supervisor_reviews(session, personas, case, rules_on):
    before = cases.running_deadline(case)
    drafts.save_draft(case, personas["arbitrator"], CONTENT)
    drafts.send_for_review(case, personas["arbitrator"])
    after = cases.running_deadline(case)
    assert after.id == before.id and after.due_at == before.due_at and after.actor_user_id == personas["arbitrator"].id


def test_changing_an_approved_draft_lapses_its_approval(session, personas, case, rules_on):
    arbitrator = personas["arbitrator"]
    draft = drafts.save_draft(case, arbitrator, CONTENT)
    drafts.send_for_review(case, arbitrator)
    drafts.approve(draft, personas["supervisor"])
    drafts.save_draft(case, arbitrator, drafts.Content(**{**CONTENT.__dict__, "reasoning": REASONING + "另查明。"}))
    assert draft.state == "draft"
    lapsed = events_of(review.DRAFT_SUBJECT, draft.id)[-1]
    assert lapsed.action == "ruling.drafted" and lapsed.data["approval_lapsed"] is True
    with pytest.raises(Conflict):
        drafts.issue_draft(case, arbitrator)


def test_an_arbitrator_in_training_needs_a_supervisor_and_the_others_do_not(session, personas, case):
    arbitrator = personas["arbitrator"]
    small = drafts.Content(**{**CONTENT.__dict__, "remedies": (Remedy("reissue"),)})
    review.change_rules(personas["admin"], amount_over_fen=None, in_training=True, reversal=False,
                        trainee_ids=[arbitrator.id])
    draft = drafts.save_draft(case, arbitrator, small)
    assert [k for k, _m, _p in drafts.review_needed(draft, drafts.prepared(draft))] == ["in_training"]
    review.change_rules(personas["supervisor"], amount_over_fen=None, in_training=True, reversal=False,
                        trainee_ids=[])
    assert drafts.issue_draft(case, arbitrator).decision == "upheld"
    changes = events_of(review.SETTINGS_SUBJECT, "rules")
    assert [e.data["trainees"] for e in changes] == [[arbitrator.id], []]


def test_a_reconsideration_that_reverses_the_first_ruling_goes_to_a_supervisor(session, personas, case):
    review.change_rules(personas["supervisor"], amount_over_fen=None, in_training=False, reversal=True,
                        trainee_ids=[])
    second = create_user("arb_second", Role.arbitrator)
    drafts.save_draft(case, personas["arbitrator"], drafts.Content(**{**CONTENT.__dict__, "remedies": (
        Remedy("reissue"),)}))
    drafts.issue_draft(case, personas["arbitrator"])
    cases.request_reconsideration(case, personas["merchant"], new_facts="游戏日志显示买家已经使用了该卡密")
    assert case.arbitrator_id == second.id
    dismissal = drafts.Content(decision="dismissed", facts_found=FACTS, reasoning=REASONING * 2,
                               found_tags=("goods_used_or_activated",), citations=("CRPL-25",))
    draft = drafts.save_draft(case, second, dismissal)
    assert draft.round == 2
    assert "reversal" in [k for k, _m, _p in drafts.review_needed(draft, drafts.prepared(draft))]
    drafts.send_for_review(case, second)
    drafts.approve(draft, personas["supervisor"])
    assert drafts.issue_draft(case, second).round == 2


def test_the_rules_refuse_a_nonpositive_amount_and_strangers_as_trainees(session, personas):
    with pytest.raises(InvalidInput):
        review.change_rules(personas["supervisor"], amount_over_fen=0, in_training=False, reversal=False,
                            trainee_ids=[])
    with pytest.raises(InvalidInput):
        review.change_rules(personas["supervisor"], amount_over_fen=None, in_training=True, reversal=False,
                            trainee_ids=[personas["buyer"].id])


def test_a_draft_of_an_earlier_round_never_comes_back_to_the_supervisors(session, personas, case):
    """A sent a first-round draft, the case went to B, who ruled; the reconsideration comes back to A: A's old
    draft is history, not a draft waiting for a supervisor."""
    first, supervisor = personas["arbitrator"], personas["supervisor"]
    second = create_user("arb_second", Role.arbitrator)
    review.change_rules(supervisor, amount_over_fen=None, in_training=True, reversal=False, trainee_ids=[first.id])
    old = drafts.save_draft(case, first, CONTENT)
    drafts.send_for_review(case, first)
    cases.reassign(case, supervisor, arbitrator_id=second.id, reason="原争议处理专员休假")
    drafts.save_draft(case, second, CONTENT)
    drafts.issue_draft(case, second)
    cases.request_reconsideration(case, personas["merchant"], new_facts="游戏日志显示买家已经使用了该卡密")
    assert case.arbitrator_id == first.id and old.state == "in_review"
    assert drafts.waiting_for_review() == [] and drafts.needing_the_author(first) == []
    with pytest.raises(Conflict):
        drafts.approve(old, supervisor)

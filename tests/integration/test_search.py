"""The search index follows the cases' text within the transaction that changes it, and finds, ranks and narrows."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import weasyprint

from arbitration import access
from arbitration.cases import messaging
from arbitration.cases import services as cases
from arbitration.cases.filters import CaseFilter
from arbitration.cases.models import Case
from arbitration.db import commit
from arbitration.evidence import services as evidence
from arbitration.search import index, queries
from arbitration.search.models import EvidenceText, SearchDocument
from tests.factories import make_case


def _found(user, words, f=None):
    return [r.case.number for r in queries.search(user, words, f).rows]


def test_a_new_case_and_its_message_are_found_in_the_same_transaction(session, personas):
    case = make_case("evidence")
    supervisor = personas["supervisor"]
    assert _found(supervisor, "发货") == [case.number]
    messaging.send_message(case, personas["buyer"], body="商家发来的卡密提示已被使用，无法兑换")
    assert _found(supervisor, "卡密 被使用") == [case.number]
    assert _found(supervisor, "卡密 退货") == []        # every word must be there


def test_the_refusal_and_the_issued_rulings_reasoning_are_searchable(session, personas):
    case = make_case("reconsideration_window")
    supervisor = personas["supervisor"]
    assert _found(supervisor, "买家已使用") == [case.number]            # the merchant's refusal (factories)
    result = queries.search(supervisor, "预付款")                     # the ruling's reasoning
    assert [r.case.number for r in result.rows] == [case.number]
    assert result.rows[0].hits[0].source == "ruling"
    assert any(p.hit and p.text == "预付款" for p in result.rows[0].hits[0].pieces)


def test_the_text_of_a_chat_log_and_of_a_pdf_is_read_after_the_upload_and_found(session, personas):
    case = make_case("evidence")
    buyer = personas["buyer"]
    subject = cases.evidence_subject(case)
    log = evidence.add_file(buyer, subject, filename="聊天记录.txt", kind="chat_log",
                            chunks=["客服说充值卡已经作废了，订单号KM778899".encode("utf-8")])
    paper = evidence.add_file(buyer, subject, filename="receipt.pdf", kind="payment_record",
                              chunks=[weasyprint.HTML(string="<p>退款凭证 ZX4471</p>").write_pdf()])
    commit()                                   # the reading jobs go with the upload's commit
    assert session.get(EvidenceText, log.id).state == "done"
    assert session.get(EvidenceText, paper.id).method == "pdf"
    supervisor = personas["supervisor"]
    assert _found(supervisor, "充值卡 作废") == [case.number]
    assert _found(supervisor, "km778899") == [case.number]
    assert _found(supervisor, "ZX4471") == [case.number]


def test_a_case_saying_the_words_more_often_ranks_first(session, personas):
    once = make_case("evidence", statement="买家收到的卡密无效，无法使用。")
    often = make_case("evidence", statement="卡密无效，卡密无效，第三次卡密还是无效。")
    assert _found(personas["supervisor"], "卡密无效") == [often.number, once.number]


def test_the_case_filters_narrow_a_search(session, personas):
    codes = make_case("evidence", category="invalid_code", statement="收到的卡密无效，无法兑换。")
    make_case("evidence", category="non_delivery", statement="卡密一直没发，卡密无效")
    assert _found(personas["supervisor"], "卡密", CaseFilter(category="invalid_code")) == [codes.number]
    assert len(_found(personas["supervisor"], "卡密", CaseFilter(stage="evidence"))) == 2
    assert _found(personas["supervisor"], "卡密", CaseFilter(stage="closed")) == []


def test_rebuilding_the_index_gives_back_every_cases_documents(session, personas):
    case = make_case("reconsideration_window")
    before = session.query(SearchDocument.source, SearchDocument.words).filter_by(case_id=case.id).all()
    session.query(SearchDocument).delete()
    assert _found(personas["supervisor"], "预付款") == []
    index.reindex(session.connection(), [case.id])
    after = session.query(SearchDocument.source, SearchDocument.words).filter_by(case_id=case.id).all()
    assert sorted(after) == sorted(before) and {s for s, _w in after} >= {"statement", "refusal", "ruling"}
    assert _found(personas["supervisor"], "预付款") == [case.number]


@pytest.mark.parametrize("window", [5000, 1], ids=["newest cases", "older cases read through the index"])
def test_a_search_over_every_case_ranks_as_the_filtered_one_while_fewer_pieces_match_than_the_caps(
        session, personas, monkeypatch, window):
    statements = ("买家收到的卡密无效。", "卡密无效，卡密无效，无法兑换。", "卡密无效，无法使用，第二张卡密也无效。")
    made = [make_case("evidence", statement=s) for s in statements]
    monkeypatch.setattr(queries, "NEWEST_WINDOW", window)      # 1: all but the newest case come from the older ones
    supervisor = personas["supervisor"]
    assert access.visible(supervisor, Case) is sa.true()            # every case: the unfiltered path below
    everything = CaseFilter(date_from=dt.date(2000, 1, 1))          # a filter that keeps every case: the other path
    for words in ("卡密无效", "卡密", "无法使用"):
        unfiltered = queries.search(supervisor, words)
        filtered = queries.search(supervisor, words, everything)
        assert [(r.case.number, r.score) for r in unfiltered.rows] == [(r.case.number, r.score) for r in filtered.rows]
        assert [[h.source for h in r.hits] for r in unfiltered.rows] == [[h.source for h in r.hits]
                                                                         for r in filtered.rows]
    assert {c.number for c in made} <= set(_found(supervisor, "卡密无效"))


@pytest.mark.parametrize("window", [5000, 1], ids=["newest cases", "older cases read through the index"])
def test_past_the_cap_an_every_case_search_ranks_the_newest_matching_pieces(session, personas, monkeypatch, window):
    older, newer, newest = (make_case("evidence", statement=s) for s in
                            ("卡密无效，卡密无效，第三次卡密还是无效。", "买家收到的卡密无效。", "买家收到的卡密无效。"))
    monkeypatch.setattr(queries, "RANKED_NEWEST", 2)
    monkeypatch.setattr(queries, "NEWEST_WINDOW", window)
    found = _found(personas["supervisor"], "卡密无效")
    assert found == [newest.number, newer.number]       # the older case says it more often, but is past the cap
    assert _found(personas["supervisor"], "卡密无效", CaseFilter(date_from=dt.date(2000, 1, 1)))[0] == older.number


def test_an_every_case_search_pages_through_its_ranked_cases(session, personas, monkeypatch):
    made = [make_case("evidence", statement="买家收到的卡密无效。") for _ in range(3)]
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    first, second = (queries.search(personas["supervisor"], "卡密无效", page=p) for p in (1, 2))
    assert [r.case.number for r in first.rows + second.rows] == [c.number for c in reversed(made)]
    assert first.more and not second.more

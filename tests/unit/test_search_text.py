"""Chinese text for the search index: how queries and documents are cut into words, and how matches are marked."""
from __future__ import annotations

import pytest

from arbitration.search.text import highlight, index_words, query_words


@pytest.mark.parametrize("typed, words", [
    ("卡密无效", ["卡密", "无效"]),
    ("未发货 退款", ["未发货", "退款"]),
    ("未发货退款", ["未发货", "退款"]),
    ("充值未到账", ["充值", "未到账"]),
    ("我的卡密", ["卡密"]),                  # stop words dropped when other words remain
    ("的", ["的"]),                          # ... but never down to nothing
    ("ＫＭ２０２６１２０１", ["km20261201"]),  # full-width typed on a phone: the same order number
    ("卡密，无效！！", ["卡密", "无效"]),      # punctuation is no word
    ("  ", []),
])
def test_a_query_is_cut_into_the_words_people_mean(typed, words):
    assert query_words(typed) == words


def test_a_document_is_indexed_by_its_long_words_and_the_words_inside_them():
    words = index_words("订单号KM20261201已发货，但是卡密无效。").split()
    assert {"订单号", "订单", "km20261201", "已发货", "发货", "卡密", "无效"} <= set(words)
    assert "，" not in words and "。" not in words


def test_a_query_finds_the_words_of_a_document_that_says_the_same_thing_differently():
    document = set(index_words("商家一直未发货，买家要求全额退款").split())
    for query in ("未发货 退款", "发货", "全额退款"):
        assert set(query_words(query)) <= document, query


def test_every_matching_word_is_marked_and_the_rest_is_kept_as_written():
    pieces = highlight("商家一直未发货，我要求退款，卡密无效", ["未发货", "退款"])
    assert "".join(p.text for p in pieces) == "商家一直未发货，我要求退款，卡密无效"
    assert [p.text for p in pieces if p.hit] == ["未发货", "退款"]


def test_marking_ignores_case_and_full_width_and_prefers_the_longest_word():
    pieces = highlight("订单号 KM123 的卡密", ["km123", "订单", "订单号"])
    assert [p.text for p in pieces if p.hit] == ["订单号", "KM123"]


def test_a_long_text_is_cut_around_its_first_match():
    text = "无关的话。" * 40 + "卡密无效" + "后面的话。" * 40
    pieces = highlight(text, ["卡密"], around=10, limit=40)
    assert pieces[0].text == "…" and pieces[-1].text == "…"
    assert [p.text for p in pieces if p.hit] == ["卡密"]
    assert sum(len(p.text) for p in pieces if p.text != "…") == 40

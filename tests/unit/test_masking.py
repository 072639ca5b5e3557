"""Masking of personal information (pure): every kind in the corpus, names, and what is left alone."""
from __future__ import annotations

import pytest

from arbitration.privacy.masking import (mask_bank_card, mask_email, mask_fields, mask_id_card, mask_name,
                                         mask_phone, mask_text)
from tests.privacy_corpus import ALL_TEXT, CORPUS, PERSONAL_VALUES


@pytest.mark.parametrize("kind,text,value,shown", CORPUS, ids=[c[0] for c in CORPUS])
def test_each_kind_of_personal_information_is_masked_in_free_text(kind, text, value, shown):
    masked = mask_text(text)
    assert value not in masked
    assert shown in masked
    assert "*" in masked


def test_a_text_with_every_kind_keeps_none_of_them():
    masked = mask_text(ALL_TEXT)
    assert [v for v in PERSONAL_VALUES if v in masked] == []


@pytest.mark.parametrize("name,masked", [("张三", "张*"), ("欧阳娜娜", "欧*"), ("Alice", "A*"), ("王", "*"),
                                         ("", ""), (None, "")])
def test_names_keep_their_first_character(name, masked):
    assert mask_name(name) == masked


def test_the_names_given_are_masked_wherever_they_stand():
    assert mask_text("商家说张三没有付款，张三不同意", names=["张三"]) == "商家说张*没有付款，张*不同意"


def test_order_numbers_amounts_and_hashes_are_left_alone():
    text = "订单 KM202610011230123456 付款 100.00 元，哈希 3f2a9c81d0e4b5a61234567890abcdef，案号 AC2026100100012"
    assert mask_text(text) == text


def test_masking_twice_changes_nothing_more():
    once = mask_text(ALL_TEXT)
    assert mask_text(once) == once


def test_single_values_of_a_known_kind():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_card("110101199003071234") == "1****************4"
    assert mask_bank_card("6222 0212 3456 7890") == "**** **** **** 7890"
    assert mask_email("zhangsan@qq.com") == "z*******@qq.com"


def test_fields_are_masked_by_their_kind():
    row = {"buyer": "张三", "statement": "张三的手机13812345678", "amount": "10.00"}
    assert mask_fields(row, name_fields=["buyer"], text_fields=["statement"], names=["张三"]) == {
        "buyer": "张*", "statement": "张*的手机138****5678", "amount": "10.00"}


@pytest.mark.parametrize("text", ["买家提起案件", "商家拒绝买家请求", "卡密已发出，买家已使用", "我是买家，已付款"])
def test_ordinary_sentences_about_the_parties_are_left_alone(text):
    assert mask_text(text) == text

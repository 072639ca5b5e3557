"""What a published decision may say: library.rules.public_text (pure)."""
from arbitration.library.rules import MERCHANT, REMOVED, public_text, reason_problem

FACTS = ("买家张三丰（手机 13812345678）于 KM202609300001 订单付款后，飞鱼卡盟未发货；客服飞鱼小美称库存不足。"
         "案件 KM-2026-000123 中，商家飞鱼卡盟拒绝取消。")


def public(text):
    return public_text(text, people=["张三丰", "飞鱼小美"], merchants=["飞鱼卡盟"],
                       numbers=["KM202609300001", "KM-2026-000123"])


def test_the_people_named_in_the_case_are_masked_wherever_they_stand():
    out = public(FACTS)
    assert "张三丰" not in out and "买家张*（" in out
    assert "飞鱼小美" not in out


def test_contact_details_are_masked_as_the_exports_mask_them():
    out = public(FACTS)
    assert "13812345678" not in out and "138****5678" in out


def test_the_order_and_case_numbers_are_removed():
    out = public(FACTS)
    assert "KM202609300001" not in out and "KM-2026-000123" not in out
    assert out.count(REMOVED) == 2


def test_the_merchant_is_called_merchant_and_the_sentence_still_reads():
    out = public(FACTS)
    assert "飞鱼卡盟" not in out
    assert f"{REMOVED} 订单付款后，{MERCHANT}未发货" in out and f"{MERCHANT}拒绝取消" in out
    assert MERCHANT * 2 not in out


def test_a_text_without_personal_information_is_left_as_it_was():
    text = "经营者收取预付款后未按约定提供商品，应当按照消费者的要求退回预付款。"
    assert public(text) == text


def test_a_reason_to_withhold_must_say_something_and_not_too_much():
    assert reason_problem("太短") == "short"
    assert reason_problem("   仅凭案情即可识别买家身份，不宜公开   ") is None
    assert reason_problem("理" * 2001) == "long"

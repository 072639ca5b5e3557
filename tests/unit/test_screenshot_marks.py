"""What is marked in text read from a screenshot: order numbers, amounts, times, as OCR gives them."""
from __future__ import annotations

import pytest

from arbitration.search.marks import marked


@pytest.mark.parametrize("line, expected", [
    ("商家：您好，订单号KM202612010042已发货", [("KM202612010042", "order")]),
    ("支付宝交易号 2026120122001456789012", [("2026120122001456789012", "order")]),
    ("金额￥128.50时间2026-12-0110:32", [("￥128.50", "amount"), ("2026-12-0110:32", "time")]),   # OCR drops spaces
    ("付款 30.00元 14:05", [("30.00元", "amount"), ("14:05", "time")]),
    ("2026年12月1日 下午", [("2026年12月1日", "time")]),
    ("¥1,280 已退", [("¥1,280", "amount")]),
    ("卡密无效，提示已被使用", []),
    ("QQ 12345", []),                                        # a short number is no order number
])
def test_order_numbers_amounts_and_times_are_marked(line, expected):
    pieces = marked(line)
    assert "".join(p.text for p in pieces) == line
    assert [(p.text, p.kind) for p in pieces if p.kind] == expected

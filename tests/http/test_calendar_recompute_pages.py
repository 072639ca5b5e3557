"""The pages say when a date was counted weekends-only, and stop saying it once the admin completed the year."""
from __future__ import annotations

import datetime as dt

import pytest

from arbitration.orders.refunds import issue_refund
from tests.factories import make_case, make_order, sign_in

SH = dt.timezone(dt.timedelta(hours=8))
CASE_NOTE = "缺少节假日数据：仅按周末计算"
REFUND_NOTE = "按周末推算，未计入法定节假日"


@pytest.fixture
def december(frozen_clock):
    frozen_clock.freeze(dt.datetime(2026, 12, 30, 10, 0, tzinfo=SH))  # a Wednesday: 3 working days reach 2027


def complete_2027(client, admin) -> None:
    sign_in(client, admin)
    assert client.post("/admin/calendar/days", data={"day": "2027-01-01", "kind": "holiday",
                                                     "name": "元旦"}).status_code == 302
    assert client.post("/admin/calendar/years", data={"year": "2027"}).status_code == 302


def test_the_case_page_drops_the_weekends_only_note_once_the_admin_completed_the_year(client, personas, december):
    case = make_case("review")
    sign_in(client, personas["buyer"])
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert CASE_NOTE in page and "2027-01-06 10:00" in page  # Dec 31, Jan 1, 4, 5, 6
    complete_2027(client, personas["admin"])
    sign_in(client, personas["buyer"])
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert CASE_NOTE not in page and "2027-01-07 10:00" in page


def test_the_order_page_warns_next_to_a_refund_date_counted_weekends_only(client, session, personas, december):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    refund = issue_refund(order, 1_000)   # Alipay, 3 working days: Dec 31, Jan 1, Jan 4
    sign_in(client, personas["buyer"])
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "2027-01-04" in page and REFUND_NOTE in page
    complete_2027(client, personas["admin"])
    session.refresh(refund)
    assert (refund.expected_by, refund.expected_fallback) == (dt.date(2027, 1, 5), False)
    sign_in(client, personas["buyer"])
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "2027-01-05" in page and REFUND_NOTE not in page


def test_the_warning_reads_in_english_too(client, personas, december):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    issue_refund(order, 1_000)
    sign_in(client, personas["buyer"])
    with client.session_transaction() as browser:
        browser["lang"] = "en"
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "estimated on weekends only: public holidays not counted" in page

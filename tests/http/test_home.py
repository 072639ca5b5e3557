"""Each role's home page shows what needs that person's attention."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import login
from tests.factories import ONE_PER_ROLE


ROLE_NAMES_ZH = {"buyer": "买家", "merchant_staff": "商家员工", "support": "平台客服", "arbitrator": "仲裁员",
                 "supervisor": "仲裁主管", "regulator": "监管人员", "admin": "管理员"}


@pytest.mark.parametrize("role", sorted(ONE_PER_ROLE))
def test_each_role_logs_in_and_sees_its_own_home_page(client, personas, role):
    login(client, ONE_PER_ROLE[role])
    page = client.get("/").get_data(as_text=True)
    assert f'class="role-{role}">{ROLE_NAMES_ZH[role]}<' in page
    assert ("/admin/users" in page) == (role == "admin")


def test_a_merchant_sees_the_deadline_running_against_its_shop_with_the_time_left(client, personas):
    from arbitration.orders import requests as order_requests
    from tests.factories import make_order

    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    order_requests.request_cancellation(order, personas["buyer"], reason="wrong_item")
    login(client, "merchant")
    page = client.get("/").get_data(as_text=True)
    assert f'<a href="/orders/{order.number}">订单 {order.number}</a>' in page
    assert "商家审核取消申请" in page and "2026-10-01 10:00" in page and "剩余 1 天 0 小时" in page
    other = client.application.test_client()
    login(other, "merchant_b")
    assert order.number not in other.get("/").get_data(as_text=True)


def test_the_admin_is_warned_that_next_years_holidays_are_missing(client, personas, frozen_clock):
    frozen_clock.freeze(dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.timezone.utc))
    login(client, "admin")
    page = client.get("/").get_data(as_text=True)
    assert "2027" in page and "/admin/calendar" in page


def test_a_buyer_sees_the_days_left_to_open_a_case_after_a_refusal(client, personas, refused):
    login(client, "buyer")
    page = client.get("/").get_data(as_text=True)
    assert f'买家发起争议仲裁的期限 · <a href="/orders/{refused.number}">订单 {refused.number}</a>' in page
    assert "2026-10-07 10:00" in page and "剩余 7 天 0 小时" in page

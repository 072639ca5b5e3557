"""The admin's user and calendar pages: real forms, bad input refused with messages, nothing changed."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration.auth.models import Role, User
from arbitration.calendar.models import CalendarDay, CalendarYear
from tests.conftest import login
from tests.factories import PASSWORD


@pytest.fixture
def admin(client, personas):
    login(client, "admin")
    return client


def _users(session):
    return session.scalar(sa.select(sa.func.count()).select_from(User))


def test_the_admin_creates_a_merchant_staff_account_that_can_log_in(app, admin, session, personas):
    merchant_id = personas["merchant"].merchant_id
    response = admin.post("/admin/users/new", data={
        "username": "shop-clerk", "display_name": "店员小王", "email": "", "role": "merchant_staff",
        "merchant_id": str(merchant_id), "password": "a-long-password-1"})
    assert response.status_code == 302
    user = session.scalar(sa.select(User).where(User.username == "shop-clerk"))
    assert user.role == Role.merchant_staff and user.merchant_id == merchant_id
    other = app.test_client()
    assert other.post("/login", data={"username": "shop-clerk", "password": "a-long-password-1"}).status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"username": "buyer"}, "已被占用"),
    ({"password": "short"}, "至少需要 10 个字符"),
    ({"role": "merchant_staff", "merchant_id": "0"}, "商家员工必须归属于某个商家"),
    ({"username": "bad name!"}, "只能使用字母"),
    ({"email": "not-an-email"}, "有效的电子邮箱"),
    ({"password": ""}, "请输入初始密码"),
    ({"role": "emperor"}, "不是有效的选择"),
])
def test_bad_new_user_input_is_refused_with_a_message_and_nothing_is_created(admin, session, data, message):
    before = _users(session)
    form = {"username": "newbie", "display_name": "新人", "email": "", "role": "buyer", "merchant_id": "0",
            "password": "a-long-password-1", **data}
    response = admin.post("/admin/users/new", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert _users(session) == before


def test_the_admin_disables_a_user_who_then_cannot_log_in(app, admin, session, personas):
    buyer = personas["buyer_b"]
    response = admin.post(f"/admin/users/{buyer.id}", data={
        "display_name": buyer.display_name, "email": "", "role": "buyer", "merchant_id": "0", "password": ""})
    assert response.status_code == 302  # 'active' unchecked
    session.refresh(buyer)
    assert buyer.active is False
    other = app.test_client()
    assert other.post("/login", data={"username": "buyer_b", "password": PASSWORD}).status_code == 403


def test_the_user_list_filters_by_role_and_searches_safely(admin, personas):
    page = admin.get("/admin/users?role=arbitrator").get_data(as_text=True)
    assert "arbitrator" in page and "buyer_b" not in page
    page = admin.get("/admin/users?q=%25_'\"").get_data(as_text=True)
    assert "没有符合条件的用户" in page


def test_the_admin_adds_next_years_holiday_on_the_calendar_page(admin, session):
    response = admin.post("/admin/calendar/days", data={"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    assert session.get(CalendarDay, dt.date(2027, 1, 1)).source == "admin"
    response = admin.post("/admin/calendar/years", data={"year": "2027"})
    assert response.status_code == 302
    assert session.get(CalendarYear, 2027).source == "admin"
    page = admin.get("/admin/calendar").get_data(as_text=True)
    assert "2027" in page and "元旦" in page


@pytest.mark.parametrize("data", [
    {"day": "2027-13-45", "kind": "holiday"},
    {"day": "2027-01-02", "kind": "holiday"},   # a Saturday
    {"day": "2026-10-01", "kind": "holiday"},   # already there
    {"day": "", "kind": "holiday"},
])
def test_bad_calendar_entries_are_refused_and_change_nothing(admin, session, data):
    before = session.scalar(sa.select(sa.func.count()).select_from(CalendarDay))
    response = admin.post("/admin/calendar/days", data={"name": "", **data})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == before


def test_a_year_out_of_range_is_refused(admin, session):
    response = admin.post("/admin/calendar/years", data={"year": "1850"})
    assert response.status_code == 400
    assert session.get(CalendarYear, 1850) is None


def test_an_arbitrator_sees_the_calendar_but_not_its_forms(client, personas):
    login(client, "arbitrator")
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "工作日历" in page and "/admin/calendar/days" not in page
    assert client.post("/admin/calendar/days", data={"day": "2027-01-01", "kind": "holiday"}).status_code == 403


def test_the_conflicts_page_still_names_an_arbitrator_whose_role_changed(app, client, session, personas):
    from arbitration.auth.models import Role
    from arbitration.cases import conflicts
    from tests.factories import create_user

    former = create_user("former_arbitrator", Role.arbitrator)
    conflicts.declare(personas["admin"], arbitrator_id=former.id, merchant_id=personas["merchant"].merchant_id,
                      reason="曾在该商家任职")
    former.role = Role.support
    session.flush()
    login(client, "admin")
    page = client.get("/admin/conflicts")
    assert page.status_code == 200 and former.display_name in page.get_data(as_text=True)


def test_a_conflict_with_bad_input_is_refused_with_its_message_and_records_nothing(
        app, client, session, personas):
    from arbitration.cases.models import ArbitratorConflict

    login(client, "admin")
    arbitrator, merchant_id = personas["arbitrator"].id, personas["merchant"].merchant_id
    for data, message in (({"arbitrator_id": personas["buyer"].id, "merchant_id": merchant_id, "reason": "曾任客服"},
                           "请选择仲裁员"),
                          ({"arbitrator_id": arbitrator, "merchant_id": 99999, "reason": "曾任客服"}, "请选择商家"),
                          ({"arbitrator_id": arbitrator, "merchant_id": merchant_id, "reason": "短"}, "至少 5 个字")):
        response = client.post("/admin/conflicts", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(ArbitratorConflict)) == 0

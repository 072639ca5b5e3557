"""Logging in and out: messages in the user's language, throttling, CSRF, session hygiene."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration.auth.models import LoginAttempt
from tests.conftest import T0, login
from tests.factories import PASSWORD, create_user


def _post_login(client, username, password, **kw):
    return client.post("/login", data={"username": username, "password": password}, **kw)


def test_the_login_page_is_in_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page


def test_a_buyer_logs_in_and_lands_on_their_home_page(client, personas):
    response = _post_login(client, "buyer", PASSWORD)
    assert response.status_code == 302 and response.location == "/"
    home = client.get("/").get_data(as_text=True)
    assert "待我处理" in home and 'class="role-buyer">买家<' in home


def test_a_wrong_password_is_refused_with_a_message_and_recorded(client, session, personas):
    response = _post_login(client, "buyer", "not-the-password")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)
                          .where(LoginAttempt.username == "buyer")) == 1


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(client, personas):
    response = _post_login(client, "nobody-here", "whatever-password")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_a_disabled_account_cannot_log_in(client, session, personas):
    create_user("gone", personas["buyer"].role, active=False)
    response = _post_login(client, "gone", PASSWORD)
    assert response.status_code == 403
    assert "该账号已停用" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_five_failures_from_one_address_lock_the_account_there_even_for_the_right_password(
        client, personas, frozen_clock):
    for _ in range(5):
        assert _post_login(client, "buyer", "wrong-password-x").status_code == 400
    response = _post_login(client, "buyer", PASSWORD)
    assert response.status_code == 403
    assert "登录失败次数过多" in response.get_data(as_text=True)
    frozen_clock.freeze(T0 + dt.timedelta(minutes=16))
    assert _post_login(client, "buyer", PASSWORD).status_code == 302


def test_failures_from_another_address_do_not_lock_the_owner_out(client, personas):
    for _ in range(5):
        _post_login(client, "buyer", "wrong-password-x", environ_base={"REMOTE_ADDR": "10.6.6.6"})
    assert _post_login(client, "buyer", PASSWORD, environ_base={"REMOTE_ADDR": "10.6.6.6"}).status_code == 403
    assert _post_login(client, "buyer", PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_many_failures_at_one_account_from_many_addresses_slow_it_down_without_locking_it(
        client, config, session, personas, frozen_clock):
    config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    for n in range(3):
        _post_login(client, "buyer", "wrong-password-x", environ_base={"REMOTE_ADDR": f"10.7.0.{n}"})
    slowed = _post_login(client, "buyer", PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert slowed.status_code == 403 and "30 秒后再试" in slowed.get_data(as_text=True)
    frozen_clock.freeze(T0 + dt.timedelta(seconds=30))
    assert _post_login(client, "buyer", PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302
    # the owner's success leaves the failures from the other addresses counted
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)
                          .where(LoginAttempt.username == "buyer")) == 3


def test_many_failures_from_one_address_lock_that_address_for_every_account(app, client, personas):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    try:
        for name in ("a1", "a2", "a3"):
            _post_login(client, name, "wrong-password-x", environ_base={"REMOTE_ADDR": "10.9.8.7"})
        blocked = _post_login(client, "admin", PASSWORD, environ_base={"REMOTE_ADDR": "10.9.8.7"})
        assert blocked.status_code == 403
        other = _post_login(client, "admin", PASSWORD, environ_base={"REMOTE_ADDR": "10.9.8.8"})
        assert other.status_code == 302
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 20


def test_a_login_form_without_its_csrf_token_is_refused(app, client, personas):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _post_login(client, "buyer", PASSWORD)
        assert response.status_code == 400
        assert "表单已过期" in response.get_data(as_text=True)
        assert client.get("/").status_code == 302  # not logged in
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_empty_form_names_what_is_missing(client):
    response = _post_login(client, "", "")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "请输入您的用户名" in page and "请输入您的密码" in page


def test_logging_in_starts_a_fresh_session(client, personas):
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    login(client, "buyer")
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_after_logout_a_copied_session_cookie_no_longer_works(app, client, personas):
    login(client, "buyer")
    with client.session_transaction() as sess:
        stolen = dict(sess)
    client.post("/logout")
    thief = app.test_client()
    with thief.session_transaction() as sess:
        sess.update(stolen)
    assert thief.get("/").status_code == 302


def test_the_next_parameter_never_leads_off_site(client, personas):
    response = client.post("/login?next=//evil.example/x", data={
        "username": "buyer", "password": PASSWORD, "next": "//evil.example/x"})
    assert response.location == "/"
    response = client.post("/logout")
    response = client.post("/login", data={"username": "buyer", "password": PASSWORD, "next": "/admin/calendar"})
    assert response.location == "/admin/calendar"


def test_the_session_cookie_is_http_only_and_same_site(client, personas):
    response = _post_login(client, "buyer", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

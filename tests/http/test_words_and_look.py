"""Words and look shared by every page: durations in one formatter, the welcome in the page's language, the
platform named like the other actors, the favicon and the icon sprite served from our own files."""
from __future__ import annotations

import re

from flask_babel import force_locale

from arbitration.cases.timeline import actor_label
from arbitration.merchants.models import Merchant
from arbitration.web import ICONS
from tests.conftest import login
from tests.factories import PASSWORD, make_case, make_order


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_published_rules_say_seven_days_not_168_hours(client, personas):
    login(client, "merchant")
    page = text(client.get("/cases/defaults"))
    assert "7 天" in page and "168 小时" not in page and "48 小时" in page and "5 个工作日" in page
    client.post("/language", data={"lang": "en"})
    page = text(client.get("/cases/defaults"))
    assert "7 days" in page and "48 hours" in page and "168 hours" not in page


def test_a_merchants_windows_are_said_by_the_same_formatter(client, session, personas):
    merchant = session.get(Merchant, personas["merchant"].merchant_id)
    merchant.review_target_minutes, merchant.review_limit_minutes, merchant.reissue_verify_hours = 30, 90, 168
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    login(client, "buyer")
    page = text(client.get(f"/orders/{order.number}/cancel"))
    assert "30 分钟" in page and "1 小时 30 分钟" in page and "0 小时" not in page
    delivered = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    page = text(client.get(f"/orders/{delivered.number}/after-sales"))
    assert "7 天内反馈" in page


def test_the_welcome_speaks_the_language_the_next_page_speaks(app, client, session, personas):
    personas["buyer"].locale = "en"           # chosen earlier, in another browser
    session.flush()
    page = text(client.post("/login", data={"username": "buyer", "password": PASSWORD}, follow_redirects=True))
    assert 'lang="en"' in page and "Welcome, Buyer." in page and "欢迎" not in page
    fresh = app.test_client()
    login(fresh, "merchant")
    page = text(fresh.get("/"))
    assert 'lang="zh-CN"' in page and "欢迎，Merchant。" in page


def test_the_platform_is_an_actor_named_like_the_others(app):
    with app.test_request_context():
        with force_locale("en"):
            assert actor_label("system") == "Platform" and actor_label("buyer") == "Buyer"
        with force_locale("zh"):
            assert actor_label("system") == "平台"


def test_the_favicon_and_the_icons_are_our_own_files(client, personas):
    login(client, "buyer")
    page = text(client.get("/"))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<a class="skip-link" href="#main">' in page and '<main class="content" id="main"' in page
    favicon = client.get("/static/favicon.svg")
    assert favicon.status_code == 200 and favicon.mimetype == "image/svg+xml"
    sprite = text(client.get("/static/icons.svg"))
    assert set(re.findall(r'<symbol id="([a-z]+)"', sprite)) == ICONS
    assert "http" not in sprite.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert ('<svg class="icon icon-deadline" aria-hidden="true" focusable="false">'
            '<use href="/static/icons.svg#deadline"></use></svg>') in page


def test_a_stages_window_in_a_message_comes_from_the_rule_table(client, session, personas):
    case = make_case("negotiation")
    login(client, "merchant")
    page = text(client.post(f"/cases/{case.number}/refuse", data={"reason": "卡密已按时发出，买家已使用。"},
                            follow_redirects=True))
    assert "双方现有 72 小时的举证期" in page

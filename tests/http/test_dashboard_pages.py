"""The regulator's dashboard as a regulator uses it: the home page shows the headline figures of the last 30
days against the 30 before; a figure leads to the case list of its cases, which says which filter is active
and how to clear it; a bad period or drill-down is refused with its message and nothing else changes."""
from __future__ import annotations

import re

from tests.conftest import client_of, text
from tests.factories import make_case


def figure(page: str, key: str) -> tuple[str, str]:
    """(the figure's link, the figure shown) of `key` on the page."""
    m = re.search(rf'id="figure-{key}">.*?<a href="([^"]+)">([^<]+)</a>', page, re.S)
    assert m, key
    return m.group(1).replace("&amp;", "&"), m.group(2).strip()


def test_the_regulators_home_page_is_the_dashboard_and_a_figure_leads_to_its_cases(app, session, personas):
    closed = make_case("closed")                 # opened and closed today (30 Sep), refund paid
    make_case()                                  # opened, still in negotiation
    regulator = client_of(app, "regulator")
    page = text(regulator.get("/"))
    assert "主要指标" in page and "2026-09-01 至 2026-09-30（30 天），对比 2026-08-02 至 2026-08-31。" in page
    link, shown = figure(page, "opened")
    assert shown == "2" and link == "/cases?happened=opened&from=2026-09-01&to=2026-09-30"
    link, shown = figure(page, "closed")
    assert shown == "1"
    listed = text(regulator.get(link))
    assert "仅显示 2026-09-01 至 2026-09-30 期间「结案」的案件。" in listed
    assert listed.count('class="case-number"') == 1 and closed.number in listed
    assert 'href="/cases?sort=deadline">清除此筛选</a>' in listed
    # the list's other orders and its next page keep the drill-down
    assert "happened=closed" in re.search(r'<nav class="sorts".*?</nav>', listed, re.S).group(0)
    assert 'trend-opened' in page and '<a href="/cases?happened=opened&amp;from=2026-09-01&amp;to=2026-09-30"' \
        in page                                 # September's bar


def test_statistics_show_the_same_headline_figures_first(app, session, personas):
    make_case("closed")
    page = text(client_of(app, "regulator").get("/stats?from=2026-09-30&to=2026-09-30"))
    assert page.index("主要指标") < page.index("按商家、类型和结果统计")
    assert figure(page, "refund_paid") == ("/cases?happened=refund_paid&from=2026-09-30&to=2026-09-30", "1")
    assert figure(page, "default_share")[0].endswith("&outcome=default_ruling")


def test_other_roles_keep_their_home_page(app, session, personas):
    for user in ("supervisor", "admin", "buyer"):
        assert "主要指标" not in text(client_of(app, user).get("/")), user


def test_a_bad_period_is_refused_next_to_the_field_and_the_last_30_days_are_shown(app, session, personas):
    response = client_of(app, "regulator").get("/stats?from=2026-10-05&to=2026-10-01")
    page = text(response)
    assert response.status_code == 400
    assert "2026-10-05" in page and 'aria-invalid="true"' in page and "（30 天）" in page


def test_a_bad_drill_down_is_refused_with_its_message(app, session, personas):
    response = client_of(app, "regulator").get("/cases?happened=teleported&from=2026-09-01&to=2026-09-30")
    assert response.status_code == 400 and "未知的筛选条件。" in text(response)

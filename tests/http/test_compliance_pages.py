"""The merchant compliance pages: a regulator's table with the formula above it and every count leading to its
cases; a merchant's own page (only its own); a bad month told next to its field, in Chinese, with a 400."""
from __future__ import annotations

import re

import pytest

from arbitration.oversight import compliance_rules as cr
from tests.conftest import client_of, text
from tests.factories import make_case


@pytest.fixture
def five_cases(session, personas):
    """Five cases of the official store (enough for a score), one upheld with a hidden fee; one of 飞鱼卡盟."""
    made = [make_case("reconsideration_window", found=["hidden_fee"])] + [make_case() for _ in range(4)]
    made.append(make_case(merchant_staff=personas["merchant_b"]))
    return made


def test_the_regulators_page_prints_the_formula_and_the_worst_first(app, five_cases, personas):
    page = text(client_of(app, "regulator").get("/oversight/merchants?from=2026-09&to=2026-09"))
    formula = re.sub(r"<[^>]+>|\s+", " ", page.split('id="formula"')[1].split("</p>")[0])
    assert "100 − (30 × 逾期次数 + 40 × 隐性收费认定 + 20 × 请求被支持" in formula and "受理案件数" in formula
    assert page.index("官方直营店") < page.index("飞鱼卡盟")
    score = 100 - (40 * 1 + 20 * 1) / 5
    assert f'<td class="score" data-label="合规评分">{score:.1f}</td>' in page and "案件过少" in page      # 飞鱼卡盟 has one case


def test_each_count_on_the_regulators_page_leads_to_the_cases_it_counts(app, five_cases, personas):
    regulator = client_of(app, "regulator")
    page = text(regulator.get("/oversight/merchants?from=2026-09&to=2026-09"))
    a = personas["merchant"].merchant_id
    row = page.split(f'id="merchant-{a}"')[1].split("</tr>")[0]
    link = re.search(r'data-element="hidden_fee" data-label="隐性收费认定"><a href="([^"]+)">(\d+)</a>', row)
    assert link.group(2) == "1"
    listed = text(regulator.get(link.group(1).replace("&amp;", "&")))
    assert five_cases[0].number in listed and five_cases[1].number not in listed


def test_a_merchant_sees_its_own_score_the_formula_and_the_cases_behind_it(app, five_cases, personas):
    merchant = client_of(app, "merchant")
    assert "/compliance" in text(merchant.get("/"))
    response = merchant.get("/compliance?from=2026-09&to=2026-09")
    assert response.status_code == 302
    page = text(merchant.get(response.headers["Location"]))
    assert "官方直营店 的合规评分" in page and 'id="formula"' in page and 'id="history"' in page
    hidden = page.split('id="cases-hidden_fee"')[1].split("</section>")[0]
    assert five_cases[0].number in hidden and five_cases[1].number not in hidden


def test_a_merchant_may_not_read_another_merchants_score(app, five_cases, personas):
    other = personas["merchant_b"].merchant_id
    assert client_of(app, "merchant").get(f"/oversight/merchants/{other}").status_code == 404
    assert client_of(app, "merchant").get("/oversight/merchants").status_code == 403
    assert client_of(app, "buyer").get(f"/oversight/merchants/{other}").status_code == 403


@pytest.mark.parametrize("query, field, message", [
    ("from=2026-13&to=2026-12", "from", "月份格式如 2026-10。"),
    ("from=2026-01&to=oops", "to", "月份格式如 2026-10。"),
    ("from=2026-10&to=2026-01", "from", "月份范围颠倒"),
])
def test_a_bad_month_is_answered_next_to_its_field_in_chinese(app, session, personas, query, field, message):
    for path in ("/oversight/merchants", f"/oversight/merchants/{personas['merchant'].merchant_id}"):
        response = client_of(app, "regulator").get(f"{path}?{query}")
        assert response.status_code == 400
        page = text(response)
        assert re.search(rf'<span class="error" id="problem-{field}" role="alert">{message}', page), path
        assert f'name="{field}"' in page.split(f'id="problem-{field}"')[0].rsplit("<label", 1)[1]


def test_the_statistics_ranking_says_it_uses_the_compliance_score(app, five_cases):
    page = text(client_of(app, "regulator").get("/stats"))
    ranking = page.split('id="ranking"')[1].split("</section>")[0]
    assert "商家排名（按合规评分，最差在前）" in ranking and 'href="/oversight/merchants"' in ranking
    assert f"少于 {cr.MIN_CASES} 件" in ranking


def test_the_regulators_page_shows_the_worst_merchants_first_and_every_one_on_request(app, five_cases, monkeypatch):
    from arbitration.oversight import views
    monkeypatch.setattr(views, "COMPLIANCE_SHOWN", 1)
    regulator = client_of(app, "regulator")
    page = text(regulator.get("/oversight/merchants?from=2026-09&to=2026-09"))
    assert "官方直营店" in page and 'id="merchant-' in page and page.count('<tr id="merchant-') == 1
    assert "此处显示评分最低的 1 家商家，共 2 家" in page and "显示全部商家" in page
    every = text(regulator.get("/oversight/merchants?from=2026-09&to=2026-09&all=1"))
    assert every.count('<tr id="merchant-') == 2 and "显示全部商家" not in every

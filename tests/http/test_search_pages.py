"""The search page: a box on the case list, results with the matching words marked, clear messages for bad input."""
from __future__ import annotations

from arbitration.cases import messaging
from arbitration.merchants.models import Merchant
from tests.conftest import text
from tests.factories import make_case, sign_in


def test_the_case_list_offers_a_search_box_to_parties_and_staff(app, session, personas):
    for who in ("buyer", "merchant", "supervisor", "regulator", "arbitrator"):
        client = app.test_client()
        sign_in(client, personas[who])
        page = text(client.get("/cases"))
        assert 'action="/search"' in page and 'name="q"' in page, who


def test_results_mark_the_matching_words_and_show_case_party_and_date(app, session, personas):
    case = make_case("evidence", statement="收到的卡密无效，商家也不退款。")
    client = app.test_client()
    sign_in(client, personas["supervisor"])
    page = text(client.get("/search?q=卡密无效"))
    assert case.number in page
    assert "<mark>卡密</mark>" in page and "<mark>无效</mark>" in page
    merchant = session.get(Merchant, case.merchant_id).name
    result = page[page.index('class="search-result"'):]
    assert merchant in result and "2026-09-30" in result     # the merchant, the date it opened (China time)


def test_what_a_party_wrote_is_shown_as_text_never_as_markup(app, session, personas):
    case = make_case("evidence")
    messaging.send_message(case, personas["buyer"], body="<script>alert(1)</script> 卡密无效")
    client = app.test_client()
    sign_in(client, personas["supervisor"])
    page = text(client.get("/search?q=卡密"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_a_bad_filter_is_named_and_the_words_are_kept(app, session, personas):
    client = app.test_client()
    sign_in(client, personas["supervisor"])
    response = client.get("/search?q=卡密无效&category=nonsense")
    assert response.status_code == 400
    page = text(response)
    assert "未知" in page or "Unknown" in page
    assert 'value="卡密无效"' in page


def test_nothing_found_says_what_to_try(app, session, personas):
    client = app.test_client()
    sign_in(client, personas["buyer"])
    response = client.get("/search?q=完全不存在的词语")
    assert response.status_code == 200 and 'id="result-count"' in text(response)


def test_people_without_a_case_list_cannot_search(app, session, personas):
    client = app.test_client()
    sign_in(client, personas["admin"])
    assert client.get("/search?q=卡密").status_code == 403

"""The case list and the buyer's orders, as lists people work from: how many cases there are (counted cheaply,
capped), three orders each paged by a keyset, the amount and the other party per role, overdue rows marked;
the orders list names the dispute on each order."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa

from arbitration import access
from arbitration.cases import queries
from arbitration.cases.models import Case
from arbitration.orders import views as order_views
from tests.conftest import client_of, text
from tests.factories import T0, make_case, make_order, make_refused_order

H = dt.timedelta(hours=1)
CASE_NUMBER = re.compile(r'class="case-number" href="/cases/(ARB-\d{4}-\d{6})"')
MORE = re.compile(r'<a class="button" href="(/cases\?[^"]*)">')


@pytest.fixture
def many(session, personas):
    """Seven cases of two buyers at two merchants, opened an hour apart, in stages with and without a running
    deadline, with amounts in dispute that tie (so the id decides) and opening times that tie too."""
    p = personas
    plan = [  # (state, buyer, merchant, order amount, partial refund claimed, opened at)
        ("negotiation", "buyer", "merchant", 10_000, None, T0),
        ("negotiation", "buyer", "merchant_b", 5_000, None, T0),              # same opening time as the first
        ("evidence", "buyer_b", "merchant", 20_000, 5_000, T0 + H),           # 50 yuan claimed of 200
        ("offer_pending", "buyer", "merchant", 5_000, None, T0 + 2 * H),      # same amount as the second
        ("withdrawn", "buyer_b", "merchant_b", 8_000, None, T0 + 3 * H),      # nothing running
        ("evidence", "buyer", "merchant_b", 30_000, None, T0 + 4 * H),
        ("negotiation", "buyer_b", "merchant", 5_000, None, T0 + 5 * H),
    ]
    made = []
    for state, buyer, merchant, amount, claimed, at in plan:
        order = make_refused_order(p[buyer], p[merchant], amount_fen=amount, now=at)
        made.append(make_case(state, order=order, merchant_staff=p[merchant], now=at,
                              **({"remedy": "partial_refund", "amount_fen": claimed} if claimed else {})))
    session.flush()
    return made


def _walk(client, url: str) -> list[str]:
    """Every case number of the list, following its More links to the end."""
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        page = text(response)
        seen += CASE_NUMBER.findall(page)
        more = MORE.search(page)
        url = html.unescape(more.group(1)) if more else None
        pages += 1
        assert pages < 20, "the More links go round in circles"
    return seen, pages


def _expected(session, sort: str, where) -> list[str]:
    order = queries.SORTS[sort]
    key = (order.column.desc(), Case.id.desc()) if order.descending else (order.column, Case.id)
    return list(session.scalars(sa.select(Case.number).where(where).order_by(*key)))


@pytest.mark.parametrize("sort", ["deadline", "opened", "amount"])
@pytest.mark.parametrize("username, query", [("supervisor", ""), ("buyer", ""), ("merchant", ""),
                                             ("supervisor", "merchant")])
def test_each_order_pages_through_every_case_once_by_keyset(app, session, personas, many, monkeypatch, sort,
                                                            username, query):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    user = personas[username]
    where = access.visible(user, Case)
    url = f"/cases?sort={sort}"
    if query == "merchant":             # staff choosing one merchant: that merchant's index serves the pages
        merchant_id = personas["merchant"].merchant_id
        where = sa.and_(where, Case.merchant_id == merchant_id)
        url += f"&merchant_id={merchant_id}"
    expected = _expected(session, sort, where)
    seen, pages = _walk(client_of(app, username), url)
    assert seen == expected and pages > 1
    assert len(expected) >= 3


def test_the_orders_are_what_they_say(app, session, personas, many):
    client = client_of(app, "supervisor")
    numbers = [c.number for c in many]
    # the largest amount first (300, 100, 80 yuan, then four of 50: the newest id first)
    assert CASE_NUMBER.findall(text(client.get("/cases?sort=amount"))) == [numbers[i] for i in (5, 0, 4, 6, 3, 2, 1)]
    # the newest first; the two opened at the same time by id
    assert CASE_NUMBER.findall(text(client.get("/cases?sort=opened"))) == [numbers[i] for i in (6, 5, 4, 3, 2, 1, 0)]
    # the nearest running deadline first (48 h of negotiation, 72 h of evidence or an offer); nothing running last
    assert CASE_NUMBER.findall(text(client.get("/cases"))) == [numbers[i] for i in (0, 1, 6, 2, 3, 5, 4)]


def test_the_amount_in_dispute_is_the_claim_for_a_partial_refund_else_the_orders_amount(app, session, many):
    assert [c.disputed_amount_fen for c in many[:3]] == [10_000, 5_000, 5_000]
    page = text(client_of(app, "supervisor").get("/cases"))
    assert "¥50.00" in page and "部分退款" in page and "¥100.00" in page and "全额退款" in page


def test_an_unknown_order_is_refused_with_a_message(app, session, personas, many):
    response = client_of(app, "supervisor").get("/cases?sort=price")
    assert response.status_code == 400 and "未知的排序方式" in text(response)


def test_the_list_says_how_many_cases_it_holds_under_the_filter(app, session, personas, many):
    client = client_of(app, "supervisor")
    assert "共 7 件案件" in text(client.get("/cases"))
    assert "共 3 件案件" in text(client.get("/cases?stage=negotiation"))
    assert "共 4 件案件" in text(client_of(app, "buyer").get("/cases"))
    assert "共 3 件案件" in text(client_of(app, "merchant_b").get("/cases"))
    assert "共 0 件案件" in text(client.get("/cases?q=NO-SUCH"))


def test_the_count_stops_at_its_cap(app, session, personas, many, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    assert "共 5+ 件案件" in text(client_of(app, "supervisor").get("/cases"))
    assert "共 4 件案件" in text(client_of(app, "buyer").get("/cases"))
    english = client_of(app, "regulator")
    english.post("/language", data={"lang": "en"})
    assert "5+ cases" in text(english.get("/cases"))


def test_the_count_reads_at_most_the_cap_plus_one_rows(app, session, personas, many, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    statements = []
    engine = app.extensions["db"].engine
    listen = lambda conn, cursor, statement, *rest: statements.append(statement)   # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        assert queries.count_cases(personas["supervisor"]) == queries.Count(2, True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == 1 and "count(" in statements[0].lower() and "LIMIT" in statements[0].upper()


def test_each_person_sees_the_other_party(app, session, personas, many):
    buyer = text(client_of(app, "buyer").get("/cases"))
    assert "官方直营店" in buyer and "飞鱼卡盟" in buyer and 'data-label="买家"' not in buyer
    merchant = text(client_of(app, "merchant").get("/cases"))
    assert 'data-label="商家"' not in merchant
    assert '<td data-label="买家">B*</td>' in merchant and "Buyer_B" not in merchant
    staff = text(client_of(app, "supervisor").get("/cases"))
    assert '<td data-label="商家">官方直营店</td>' in staff and '<td data-label="买家">B*</td>' in staff


def test_a_running_deadline_that_passed_is_marked_with_words(app, session, personas, many, frozen_clock):
    frozen_clock.freeze(T0 + 49 * H)      # the first two cases' 48 hours have passed; the sweep has not run
    page = text(client_of(app, "supervisor").get("/cases"))
    rows = re.findall(r"<tr( class=\"overdue\")?>\s*<td data-label=\"案件\"><a class=\"case-number\" "
                      r"href=\"/cases/(ARB-[\d-]+)\"", page)
    overdue = {number for mark, number in rows if mark}
    assert overdue == {many[0].number, many[1].number}
    assert page.count("已逾期</span>") == 2 and "已逾期 1 小时 0 分钟" in page


def test_the_buyers_orders_name_the_case_on_each_order(app, session, personas, many):
    plain = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    page = text(client_of(app, "buyer").get("/orders"))
    assert f'<a href="/cases/{many[0].number}">{many[0].number}</a>' in page
    assert f'<a href="/cases/{many[5].number}">{many[5].number}</a>' in page and "举证" in page
    row = page[page.index(f"/orders/{plain.number}"):]
    assert '<td data-label="争议"><span class="hint">无</span></td>' in row[:row.index("</tr>")]


def test_a_case_the_access_model_does_not_open_is_named_without_a_link(app, session, personas, many, monkeypatch):
    monkeypatch.setattr(order_views.access, "may_view", lambda user, obj: False)
    page = text(client_of(app, "buyer").get("/orders"))
    assert many[0].number in page and f'href="/cases/{many[0].number}"' not in page

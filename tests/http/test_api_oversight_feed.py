"""The regulators' open feed (issue 21, item 6): the scope `oversight:read`, the dashboard's headline figures and the
masked case list pulled by keyset pages and a `since` cursor, as the served OpenAPI document describes them."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from arbitration import clock
from arbitration.api import services as api
from arbitration.cases import services as cases
from arbitration.cases.workflow import Action
from arbitration.feed import changes
from arbitration.merchants.models import Merchant
from arbitration.oversight import rules, stats
from arbitration.privacy.masking import mask_name
from tests.factories import T0, make_case, validate

LATER = dt.timedelta(minutes=10)          # past the feed's settling time
FIGURES, CASES = "/api/v1/oversight/figures", "/api/v1/oversight/cases"


@pytest.fixture
def auth(session, personas):
    _client, token = api.create_client(personas["admin"], name="市场监管局", scopes=["oversight:read"])
    session.flush()
    return {"Authorization": f"Bearer {token}"}


def pull(client, auth, **args) -> dict:
    response = client.get(CASES, query_string=args, headers=auth)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    validate(body, "OversightCases")
    return body


def pull_all(client, auth, since=None, limit=2) -> tuple[list[dict], str, int]:
    """Every page from `since`: the cases in order, the last cursor and how many pages it took."""
    rows, pages = [], 0
    while True:
        body = pull(client, auth, limit=limit, **({"since": since} if since else {}))
        rows += body["cases"]
        pages += 1
        since = body["next"]
        if not body["more"]:
            return rows, since, pages


def test_the_feed_needs_a_token_with_the_oversight_scope(client, session, personas):
    _c, cases_only = api.create_client(personas["admin"], name="卡盟主站", scopes=["cases:read", "orders:read"])
    session.flush()
    for url in (FIGURES, CASES):
        assert client.get(url).status_code == 401
        refused = client.get(url, headers={"Authorization": f"Bearer {cases_only}"})
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_operators_and_admins_can_grant_the_oversight_scope(app, session):
    assert "oversight:read" in api.SCOPES
    made = app.test_cli_runner().invoke(args=["api", "create-client", "--name", "市场监管局",
                                              "--scope", "oversight:read"])
    assert made.exit_code == 0 and "kmapi_" in made.output


def test_the_figures_are_the_dashboards_headline_figures_for_the_period_and_the_one_before(
        client, session, personas, auth):
    make_case("closed", now=T0)
    make_case("reconsideration_window", found=["hidden_fee"], now=T0 - 35 * dt.timedelta(days=1))
    make_case(now=T0 + dt.timedelta(hours=2))
    period = rules.Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    response = client.get(FIGURES, query_string={"from": "2026-09-01", "to": "2026-10-31"}, headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    validate(body, "OversightFigures")
    assert body["period"] == {"from": "2026-09-01", "to": "2026-10-31"}
    assert body["previous_period"] == {"from": "2026-07-02", "to": "2026-08-31"}
    expected = {h.key: (h.value, h.previous, h.change) for h in stats.headline(period)}
    assert {f["key"]: (f["value"], f["previous"], f["change_percent"]) for f in body["figures"]} == expected
    assert expected["opened"][0] == 2 and expected["hidden_fee"][1] == 1       # the data counts something
    units = {f["key"]: f["unit"] for f in body["figures"]}
    assert units["opened"] == "cases" and units["median_days"] == "days" and units["default_share"] == "percent"


def test_the_figures_without_dates_cover_the_last_30_days_like_the_dashboard(client, session, auth):
    body = client.get(FIGURES, headers=auth).get_json()
    today = T0.astimezone(clock.CHINA).date()
    assert body["period"] == {"from": (today - dt.timedelta(days=29)).isoformat(), "to": today.isoformat()}


def test_the_case_list_is_masked_and_in_china_time(client, session, personas, auth):
    buyer = personas["buyer"]
    buyer.display_name = "王小明"
    ruled = make_case("reconsideration_window", now=T0)
    make_case(now=T0)
    clock.advance(LATER)
    response = client.get(CASES, headers=auth)
    body = response.get_json()
    validate(body, "OversightCases")
    text = response.get_data(as_text=True)
    assert "王小明" not in text and "小明" not in text
    assert {row["buyer"] for row in body["cases"]} == {mask_name("王小明")} == {"王*"}
    assert "付款后商家拒绝取消" not in text and "卡密已发出" not in text     # statements and reasons stay out
    row = next(r for r in body["cases"] if r["number"] == ruled.number)
    merchant = session.get(Merchant, ruled.merchant_id)
    assert row["merchant"] == {"id": merchant.id, "name": merchant.name}          # a business: named
    assert row["state"] == "reconsideration_window" and row["outcome"] == "ruled"
    assert row["decision"]["decision"] == "upheld" and row["decision"]["number"].startswith(ruled.number)
    assert row["claim_remedy"] == "full_refund" and row["disputed_amount_fen"] == 10_000
    assert row["opened_at"] == "2026-09-30T10:00:00+08:00" and row["changed_at"].endswith("+08:00")


def test_the_case_list_pages_by_keyset_with_no_duplicates_and_no_gaps(client, session, personas, auth):
    made = [make_case(now=T0 + dt.timedelta(minutes=i % 2)).number for i in range(5)]   # ties in time too
    clock.advance(LATER)
    rows, last, pages = pull_all(client, auth, limit=2)
    numbers = [r["number"] for r in rows]
    assert pages == 3 and sorted(numbers) == sorted(made) and len(set(numbers)) == 5
    assert [(r["changed_at"], r["number"]) for r in rows] == sorted((r["changed_at"], r["number"]) for r in rows)
    again = pull(client, auth, since=last)           # an unchanged platform: nothing, the same cursor
    assert again["cases"] == [] and again["next"] == last and again["more"] is False


def test_since_returns_exactly_the_cases_changed_after_the_cursor(client, session, personas, auth):
    first, second, third = (make_case(now=T0) for _ in range(3))
    clock.advance(LATER)
    _rows, cursor, _pages = pull_all(client, auth)
    cases.accept_claim(second, personas["merchant"])                 # changed now
    session.flush()
    assert pull(client, auth, since=cursor)["cases"] == []           # not settled yet: listed a little later
    clock.advance(LATER)
    body = pull(client, auth, since=cursor)
    assert [r["number"] for r in body["cases"]] == [second.number]
    assert body["cases"][0]["state"] == "enforcement" and body["cases"][0]["outcome"] == "accepted"
    assert pull(client, auth, since=body["next"])["cases"] == []


def test_a_case_changed_in_a_batch_is_listed_as_changed(session, personas):
    case = make_case(now=T0)
    cases.lock_cases([case.id])
    cases.apply_action_many([case], Action.default_ruling, now=T0 + dt.timedelta(hours=49))
    assert case.changed_at == T0 + dt.timedelta(hours=49)


@pytest.mark.parametrize(("url", "args", "fields"), [
    (FIGURES, {"from": "2026-13-01", "to": "yesterday"}, {"from", "to"}),
    (FIGURES, {"from": "2026-09-01"}, {"to"}),
    (FIGURES, {"from": "2026-10-31", "to": "2026-09-01"}, {"from"}),
    (FIGURES, {"from": "1900-01-01", "to": "2026-09-01"}, {"from"}),
    (CASES, {"since": "tomorrow", "limit": "0"}, {"since", "limit"}),
    (CASES, {"since": "99999999999999999999_1"}, {"since"}),
    (CASES, {"limit": "501"}, {"limit"}),
])
def test_bad_input_is_refused_with_each_field_named_in_both_languages(client, session, auth, url, args, fields):
    response = client.get(url, query_string=args, headers=auth)
    assert response.status_code == 422
    body = response.get_json()
    validate(body, "Error")
    assert body["error"]["code"] == "validation_failed"
    assert {f["field"] for f in body["error"]["fields"]} == fields
    for f in body["error"]["fields"]:
        assert re.search(r"[\u4e00-\u9fff]", f["message"]["zh"]) and f["message"]["en"]


def test_the_cursor_is_the_exact_stored_time_of_the_last_change():
    at = dt.datetime(2026, 9, 30, 2, 0, 0, 123457, tzinfo=dt.timezone.utc)
    assert changes.parse_since(changes.encode(at, 42)) == (at, 42)
    assert changes.parse_since(None) == (changes.EPOCH, 0)

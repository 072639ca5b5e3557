"""The supervisors' consistency page: figures per arbitrator and category against the peers, a chart, outliers
with their cases; for supervisors and regulators only."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration.auth.models import Role
from arbitration.consistency import rules
from arbitration.rulings.models import Ruling
from tests.conftest import client_of, text
from tests.factories import create_user, make_case


def test_an_arbitrator_far_from_the_peers_is_listed_with_the_cases_behind_it(app, session, personas, monkeypatch):
    monkeypatch.setattr(rules, "MIN_CASES", 2)
    monkeypatch.setattr(rules, "MIN_PEERS", 2)
    strict = create_user("strict_arbitrator", Role.arbitrator)
    lenient = personas["arbitrator"]
    made = {}
    for who, decision in ((strict, "dismissed"), (strict, "dismissed"), (lenient, "upheld"), (lenient, "upheld")):
        case = make_case("reconsideration_window", decision=decision)
        session.execute(sa.update(Ruling).where(Ruling.case_id == case.id).values(issued_by_id=who.id))
        made.setdefault(who.username, []).append(case.number)
    session.flush()
    page = text(client_of(app, "supervisor").get("/consistency?date_from=2026-01-01&date_to=2026-12-31"))
    outliers = page[page.index('id="outliers"'):page.index("</section>", page.index('id="outliers"'))]
    for number in made["strict_arbitrator"] + made["arbitrator"]:
        assert number in outliers              # each is far from the other (its only peer)
    assert "<svg" in page and "100%" in page
    assert client_of(app, "regulator").get("/consistency").status_code == 200
    for who in ("arbitrator", "buyer", "merchant", "support"):
        assert client_of(app, who).get("/consistency").status_code == 403


def test_a_bad_date_is_named_and_the_page_still_answers(app, session, personas):
    response = client_of(app, "supervisor").get("/consistency?date_from=tomorrow")
    assert response.status_code == 400 and "2026-10-01" in text(response)

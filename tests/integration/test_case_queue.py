"""The case lists' stored sort key follows the case's deadlines, and pages follow each other by keyset."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration.auth.models import User
from arbitration.cases import queries
from arbitration.cases import services as cases
from arbitration.cases.models import NOTHING_RUNNING, Case
from arbitration.deadlines.services import sweep
from tests.conftest import T0
from tests.factories import make_case

H = dt.timedelta(hours=1)


def key(session, case) -> dt.datetime:
    return session.scalar(sa.select(Case.queue_due_at).where(Case.id == case.id))


def test_the_sort_key_is_the_running_deadline_through_the_whole_case(session, personas):
    case = make_case()
    assert key(session, case) == cases.running_deadline(case).due_at == T0 + 48 * H
    cases.refuse_claim(case, personas["merchant"], reason="卡密已发出", now=T0 + H)
    assert key(session, case) == cases.running_deadline(case).due_at          # the evidence window
    arbitrator = session.get(User, case.arbitrator_id)
    before = key(session, case)
    cases.extend_deadline(case, arbitrator, hours=24, reason="双方正在补充材料", now=T0 + 2 * H)
    assert key(session, case) == before + 24 * H
    sweep(now=before + 25 * H)                                                 # the window passes: review
    session.refresh(case)
    assert case.state.value == "review" and key(session, case) == cases.running_deadline(case).due_at


def test_a_case_with_nothing_running_sorts_last(session, personas):
    case = make_case()
    cases.withdraw(case, personas["buyer"], now=T0 + H)
    assert cases.running_deadline(case) is None and key(session, case) == NOTHING_RUNNING


def test_pages_follow_each_other_in_deadline_order_without_gaps_or_repeats(session, personas, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    made = [make_case(now=T0 + i * H) for i in range(8)]
    cases.withdraw(made[2], personas["buyer"], now=T0 + 9 * H)
    supervisor = personas["supervisor"]
    seen, cursor = [], None
    while True:
        page, running = queries.case_list(supervisor, cursor=cursor)
        seen += page.rows
        assert all(running[c.id].due_at == c.queue_due_at for c in page.rows if c.queue_due_at != NOTHING_RUNNING)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    ours = [c.id for c in seen if c.id in {m.id for m in made}]
    expected = [c.id for c in made if c is not made[2]] + [made[2].id]
    assert ours == expected and len(seen) == len(set(c.id for c in seen))

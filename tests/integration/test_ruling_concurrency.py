"""Races on PostgreSQL with committed rows: the same ruling issued twice at once leaves one ruling; the
deadline sweep and the merchant acting on the same deadline at once leave one outcome."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from arbitration.auth.models import User
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import commit, db, rollback
from arbitration.deadlines.services import sweep
from arbitration.errors import DomainError
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling
from arbitration.rulings.rules import Remedy
from tests.conftest import POSTGRES_URL

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")]


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def _race(app, actions: dict) -> dict[str, str]:
    barrier = threading.Barrier(len(actions))
    results: dict[str, str] = {}

    def run(name, action):
        with app.app_context():
            try:
                prepared = action("prepare")
                barrier.wait()
                action(prepared)
                commit()
                results[name] = "done"
            except DomainError as err:
                rollback()
                results[name] = f"refused: {err.message}"
            except Exception as err:       # a deadlock or any other database error: the test says which
                rollback()
                results[name] = f"error: {type(err).__name__}: {str(err)[:200]}"

    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def rulings_removed(app, committed_case):
    """The rulings a test issued on the committed case, deleted before the case itself is."""
    yield committed_case
    with app.app_context():
        case_id = db.session.scalar(sa.select(Case.id).where(Case.number == committed_case))
        db.session.execute(sa.text("DELETE FROM ruling_citations WHERE ruling_id IN "
                                   "(SELECT id FROM rulings WHERE case_id = :c)"), {"c": case_id})
        db.session.execute(sa.text("DELETE FROM standing_decisions WHERE case_id = :c"), {"c": case_id})
        db.session.execute(sa.text("DELETE FROM rulings WHERE case_id = :c"), {"c": case_id})
        commit()


@pytest.fixture
def case_in_review(app, rulings_removed):
    number = rulings_removed
    with app.app_context():
        case = cases.get_case(number)
        cases.refuse_claim(case, _user("merchant"), reason="卡密已发出，买家已使用")
        cases.no_more_evidence(case, _user("buyer"))
        cases.no_more_evidence(case, _user("merchant"))
        arbitrator = db.session.get(User, case.arbitrator_id).username
        commit()
    return number, arbitrator


def test_the_same_ruling_issued_twice_at_once_leaves_one_ruling(app, case_in_review):
    number, arbitrator = case_in_review

    def issue(prepared):
        if prepared == "prepare":
            return cases.get_case(number), _user(arbitrator)
        case, user = prepared
        rulings.issue_ruling(case, user, decision="upheld", facts_found="买家付款后商家未发货，并拒绝取消。",
                             reasoning="商家收取预付款后未按约定提供商品，应当退回预付款。",
                             remedies=[Remedy("full_refund")], citations=["CRPL-53"])

    results = _race(app, {"first tab": issue, "second tab": issue})
    assert sorted(v.split(":")[0] for v in results.values()) == ["done", "refused"], results
    with app.app_context():
        case = cases.get_case(number)
        assert case.state == CaseState.reconsideration_window
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ruling).where(Ruling.case_id == case.id)) == 1


def test_the_sweep_and_the_merchant_on_the_same_deadline_leave_one_outcome(app, rulings_removed):
    from arbitration.deadlines.models import Deadline

    number = rulings_removed
    with app.app_context():
        case = cases.get_case(number)
        due = db.session.scalar(sa.select(Deadline.due_at).where(
            Deadline.subject_type == "case", Deadline.subject_id == str(case.id), Deadline.state == "pending"))

    def merchant(prepared):
        if prepared == "prepare":
            return cases.get_case(number), _user("merchant")
        case, user = prepared
        cases.refuse_claim(case, user, reason="卡密已发出，买家已使用", now=due + dt.timedelta(minutes=1))

    def sweeper(prepared):
        if prepared != "prepare":
            sweep(now=due + dt.timedelta(minutes=1))

    results = _race(app, {"merchant": merchant, "sweep": sweeper})
    assert not any(v.startswith("error") for v in results.values()), results
    with app.app_context():
        case = cases.get_case(number)
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Ruling).where(Ruling.case_id == case.id))
        if results["merchant"] == "done":
            assert case.state in (CaseState.evidence, CaseState.review) and count == 0
        else:
            assert case.state == CaseState.reconsideration_window and count == 1, results


@pytest.fixture
def second_arbitrator(app):
    """Another active arbitrator, committed; made inactive afterwards so that later tests' assignments (least
    load first) never pick it."""
    from arbitration.auth.models import Role
    from tests.factories import create_user

    with app.app_context():
        user = _user("arbitrator_race") or create_user("arbitrator_race", Role.arbitrator)
        user.active = True
        commit()
    yield "arbitrator_race"
    with app.app_context():
        _user("arbitrator_race").active = False
        commit()


def test_a_ruling_from_a_page_opened_before_a_reassignment_is_refused(app, case_in_review, second_arbitrator):
    """The arbitrator opened the case while it was theirs; the supervisor hands it to another and commits;
    the first arbitrator then rules: refused, because the role is judged on the locked, fresh row."""
    from arbitration.errors import NotAllowed

    number, first = case_in_review

    def supervisor_reassigns():
        with app.app_context():
            cases.reassign(cases.get_case(number), _user("supervisor"), arbitrator_id=_user("arbitrator_race").id,
                           reason="工作量调整，改派")
            commit()

    with app.app_context():
        case, user = cases.get_case(number), _user(first)        # the page, loaded while the case is theirs
        rollback()                                                # (no transaction held while it is open)
        other = threading.Thread(target=supervisor_reassigns)
        other.start()
        other.join(timeout=60)
        with pytest.raises(NotAllowed):
            rulings.issue_ruling(case, user, decision="upheld", facts_found="买家付款后商家未发货，并拒绝取消。",
                                 reasoning="商家收取预付款后未按约定提供商品，应当退回预付款。",
                                 remedies=[Remedy("full_refund")], citations=["CRPL-53"])
        rollback()
        case = cases.get_case(number)
        assert case.arbitrator_id == _user("arbitrator_race").id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ruling).where(Ruling.case_id == case.id)) == 0

"""A calendar change counts again what was counted without the year's holidays: pending case deadlines (their
reminders, the case list's key, the people told) and the expected arrival of pending refunds (issue 16)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from arbitration import create_app
from arbitration.audit.models import Event
from arbitration.auth.models import User
from arbitration.calendar import services as calendar
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.deadlines import services as deadlines
from arbitration.deadlines.models import Deadline
from arbitration.notifications.models import Notification
from arbitration.notifications.services import text_of
from arbitration.orders.models import Refund
from arbitration.orders.refunds import issue_refund, mark_refund
from tests.conftest import app_config
from tests.factories import T0, create_personas, make_case, make_order

SH = dt.timezone(dt.timedelta(hours=8))
# Monday 28 December 2026, 10:00: a review of 5 working days runs into 2027, a year the package does not know;
# from Wednesday, a refund's 3 working days do too
MONDAY = dt.datetime(2026, 12, 28, 10, 0, tzinfo=SH)
WEDNESDAY = dt.datetime(2026, 12, 30, 10, 0, tzinfo=SH)


def at(month_day: str, hour: int = 10) -> dt.datetime:
    """A time in January 2027 in Shanghai, "01-04" -> 2027-01-04 10:00."""
    return dt.datetime.fromisoformat(f"2027-{month_day}T{hour:02d}:00+08:00")


@pytest.fixture
def december(frozen_clock):
    frozen_clock.freeze(MONDAY)


def review_of(case: Case) -> Deadline:
    [deadline] = deadlines.pending_for("case", case.id)
    assert deadline.kind == "review"
    return deadline


def events(session, subject_type: str, subject_id, action: str) -> list[Event]:
    return session.scalars(sa.select(Event).where(Event.subject_type == subject_type,
                                                  Event.subject_id == str(subject_id), Event.action == action)
                           .order_by(Event.seq)).all()


def moved_notices(session, user) -> list[Notification]:
    return session.scalars(sa.select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == "deadline_moved")).all()


def test_a_review_into_an_unknown_year_is_stored_with_its_working_days_and_the_fallback(session, december):
    deadline = review_of(make_case("review"))
    # Dec 29, 30, 31, Fri Jan 1 (weekends only: worked), Mon Jan 4; reminded one working day before
    assert (deadline.working_days, deadline.calendar_fallback) == (5, True)
    assert (deadline.due_at, deadline.remind_at) == (at("01-04"), at("01-01"))


def test_entering_new_years_day_moves_the_review_its_reminder_and_the_case_lists_key(session, personas, december):
    admin = personas["admin"]
    case = make_case("review")
    deadline = review_of(case)
    calendar.add_day(admin, dt.date(2027, 1, 1), "holiday", "元旦")
    assert (deadline.due_at, deadline.remind_at) == (at("01-05"), at("01-04"))
    assert deadline.calendar_fallback  # 2027 is still not declared complete
    session.refresh(case)
    assert case.queue_due_at == at("01-05")
    [event] = events(session, "case", case.id, "deadline.recomputed")
    assert event.actor_id == admin.id
    assert event.data["from"] == at("01-04").astimezone(dt.timezone.utc).isoformat()
    assert event.data["to"] == at("01-05").astimezone(dt.timezone.utc).isoformat()
    assert event.data["deadline_id"] == deadline.id and event.data["year"] == 2027


def test_the_arbitrator_and_both_parties_are_told_the_new_date(session, personas, december):
    case = make_case("review")
    calendar.add_day(personas["admin"], dt.date(2027, 1, 1), "holiday", "元旦")
    arbitrator = session.get(User, case.arbitrator_id)
    for user in (arbitrator, personas["buyer"], personas["merchant"]):
        [notice] = moved_notices(session, user)
        text = text_of(notice)
        assert case.number in text and "2027-01-05 10:00" in text and "2027-01-04 10:00" in text, text
        assert notice.link == f"/cases/{case.number}"
    assert moved_notices(session, personas["merchant_b"]) == []


def test_declaring_the_year_complete_clears_the_fallback_and_tells_no_one_when_the_date_stays(
        session, personas, december):
    admin = personas["admin"]
    case = make_case("review")
    deadline = review_of(case)
    calendar.add_day(admin, dt.date(2027, 1, 1), "holiday", "元旦")
    calendar.mark_year_known(admin, 2027)
    assert (deadline.due_at, deadline.calendar_fallback) == (at("01-05"), False)
    last = events(session, "case", case.id, "deadline.recomputed")[-1]
    assert last.data["from"] == last.data["to"] and last.data["calendar_fallback"] is False
    assert len(moved_notices(session, personas["buyer"])) == 1   # the move, not the flag


def test_removing_the_day_again_moves_the_deadline_back(session, personas, december):
    admin = personas["admin"]
    deadline = review_of(make_case("review"))
    calendar.add_day(admin, dt.date(2027, 1, 1), "holiday", "元旦")
    calendar.remove_day(admin, dt.date(2027, 1, 1))
    assert (deadline.due_at, deadline.remind_at, deadline.calendar_fallback) == (at("01-04"), at("01-01"), True)


def test_a_reminder_sent_for_the_old_date_goes_out_again_before_the_new_one(session, personas, frozen_clock):
    frozen_clock.freeze(MONDAY)
    deadline = review_of(make_case("review"))
    assert deadlines.send_reminders(now=at("01-01", 11)) == 1
    frozen_clock.freeze(at("01-01", 11))
    calendar.add_day(personas["admin"], dt.date(2027, 1, 1), "holiday", "元旦")
    assert (deadline.remind_at, deadline.reminded_at) == (at("01-04"), None)
    assert deadlines.send_reminders(now=at("01-04", 11)) == 1


def test_deadlines_the_change_cannot_reach_are_left_alone(session, personas, december):
    admin = personas["admin"]
    review = make_case("review")
    in_hours = make_case()  # negotiation: 48 hours, never counted on the calendar
    before = {d.id: (d.due_at, d.remind_at, d.calendar_fallback)
              for d in (review_of(review), *deadlines.pending_for("case", in_hours.id))}
    calendar.add_day(admin, dt.date(2028, 1, 3), "holiday", "")  # a year the review does not reach
    calendar.mark_year_known(admin, 2028)
    assert {d.id: (d.due_at, d.remind_at, d.calendar_fallback) for d in session.scalars(
        sa.select(Deadline).where(Deadline.id.in_(before)))} == before
    assert events(session, "case", review.id, "deadline.recomputed") == []


def test_a_refund_expected_in_the_unknown_year_keeps_its_flag_and_is_recounted(session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"], now=WEDNESDAY)
    refund = issue_refund(order, 1_000, now=WEDNESDAY)  # Alipay: 3 working days, Dec 31, Jan 1, Jan 4
    assert (refund.expected_by, refund.expected_fallback) == (dt.date(2027, 1, 4), True)
    done = issue_refund(order, 1_000, now=WEDNESDAY)
    mark_refund(order, done.id, "done", None, now=WEDNESDAY)

    admin = personas["admin"]
    calendar.add_day(admin, dt.date(2027, 1, 1), "holiday", "元旦")
    assert (refund.expected_by, refund.expected_fallback) == (dt.date(2027, 1, 5), True)
    assert done.expected_by == dt.date(2027, 1, 4)  # arrived: nothing left to expect
    [event] = events(session, "order", order.id, "order.refund_arrival_recomputed")
    assert event.data == {"refund_id": refund.id, "year": 2027, "from": "2027-01-04", "to": "2027-01-05",
                          "calendar_fallback": True}
    calendar.mark_year_known(admin, 2027)
    assert (refund.expected_by, refund.expected_fallback) == (dt.date(2027, 1, 5), False)


def test_a_retried_refund_is_counted_from_the_retry(session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    refund = issue_refund(order, 1_000)  # T0: known days only
    assert refund.expected_fallback is False
    mark_refund(order, refund.id, "failed", None, reason="渠道超时")
    mark_refund(order, refund.id, "retry", None, now=WEDNESDAY)
    assert (refund.expected_by, refund.expected_fallback, refund.expected_from) == \
        (dt.date(2027, 1, 4), True, WEDNESDAY.astimezone(dt.timezone.utc))


def test_the_migrations_fill_in_what_existing_rows_need_to_be_recounted(tmp_path, december):
    """Rows written before the columns existed: pending case deadlines get their working days from the case's
    policy snapshot, pending refunds their start and whether they fell back."""
    app = create_app(app_config(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        upgrade()
        calendar.seed_from_package(T0)
        create_personas()
        case = make_case("review")
        order = make_order(case.order.buyer, "delivered")
        refund = issue_refund(order, 1_000, now=WEDNESDAY)
        db.session.commit()
        case_id, refund_id = case.id, refund.id
        db.session.close()
        downgrade(revision="0031_login_locks")
        upgrade()
        deadline = db.session.scalar(sa.select(Deadline).where(Deadline.subject_id == str(case_id),
                                                               Deadline.state == "pending"))
        assert (deadline.kind, deadline.working_days) == ("review", 5)
        refund = db.session.get(Refund, refund_id)
        assert (refund.expected_fallback, refund.expected_from) == (True, WEDNESDAY.astimezone(dt.timezone.utc))
        db.session.close()
        db.engine.dispose()

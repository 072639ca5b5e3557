"""Login throttling and password strength (pure)."""
import datetime as dt

from arbitration.auth.rules import blocked_until, password_problem

NOW = dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.timezone.utc)
WINDOW = dt.timedelta(minutes=15)


def test_fewer_failures_than_the_limit_do_not_block():
    failures = [NOW - dt.timedelta(minutes=i) for i in range(4)]
    assert blocked_until(failures, 5, WINDOW, NOW) is None


def test_the_fifth_failure_blocks_until_the_oldest_leaves_the_window():
    failures = [NOW - dt.timedelta(minutes=i) for i in range(5)]  # oldest 4 minutes ago
    assert blocked_until(failures, 5, WINDOW, NOW) == NOW - dt.timedelta(minutes=4) + WINDOW


def test_failures_outside_the_window_are_forgotten():
    failures = [NOW - dt.timedelta(minutes=20 + i) for i in range(10)]
    assert blocked_until(failures, 5, WINDOW, NOW) is None


def test_passwords_must_be_long_varied_and_not_contain_the_user_name():
    assert password_problem("short", "zhang") == "too_short"
    assert password_problem("zhang-is-my-password", "zhang") == "contains_username"
    assert password_problem("aaaaaaaaaaaa", "li") == "too_simple"
    assert password_problem("correct-horse-battery", "li") is None

"""Login throttling and password strength (pure)."""
import datetime as dt

from arbitration.auth.rules import ThrottlePolicy, Wait, blocked_until, login_wait, password_problem

NOW = dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.timezone.utc)
WINDOW = dt.timedelta(minutes=15)
POLICY = ThrottlePolicy(max_per_pair=5, max_per_address=20, max_per_account=20,
                        account_interval=dt.timedelta(seconds=30), window=WINDOW)


def test_fewer_failures_than_the_limit_do_not_block():
    failures = [NOW - dt.timedelta(minutes=i) for i in range(4)]
    assert blocked_until(failures, 5, WINDOW, NOW) is None


def test_the_fifth_failure_blocks_until_the_oldest_leaves_the_window():
    failures = [NOW - dt.timedelta(minutes=i) for i in range(5)]  # oldest 4 minutes ago
    assert blocked_until(failures, 5, WINDOW, NOW) == NOW - dt.timedelta(minutes=4) + WINDOW


def test_failures_outside_the_window_are_forgotten():
    failures = [NOW - dt.timedelta(minutes=20 + i) for i in range(10)]
    assert blocked_until(failures, 5, WINDOW, NOW) is None


def _ago(*seconds):
    return [NOW - dt.timedelta(seconds=s) for s in seconds]


def test_a_login_with_few_failures_anywhere_is_checked_at_once():
    assert login_wait(pair=_ago(10, 20), address=_ago(10, 20, 30), account=_ago(10, 20, 30, 40), policy=POLICY,
                      now=NOW) is None


def test_five_failures_from_one_address_lock_that_account_for_that_address_until_the_window_passes():
    wait = login_wait(pair=_ago(60, 120, 180, 240, 300), address=_ago(60, 120, 180, 240, 300),
                      account=_ago(60, 120, 180, 240, 300), policy=POLICY, now=NOW)
    assert wait == Wait(until=NOW - dt.timedelta(seconds=300) + WINDOW, locked=True)


def test_twenty_failures_from_one_address_at_many_accounts_lock_the_address():
    wait = login_wait(pair=[], address=_ago(*range(5, 105, 5)), account=[], policy=POLICY, now=NOW)
    assert wait == Wait(until=NOW - dt.timedelta(seconds=100) + WINDOW, locked=True)


def test_twenty_failures_at_one_account_from_elsewhere_slow_it_down_but_never_lock_it():
    elsewhere = _ago(*range(10, 210, 10))           # 20 failures, the latest 10 s ago
    assert login_wait(pair=[], address=[], account=elsewhere, policy=POLICY, now=NOW) == Wait(
        until=NOW + dt.timedelta(seconds=20), locked=False)
    later = NOW + dt.timedelta(seconds=20)
    assert login_wait(pair=[], address=[], account=elsewhere, policy=POLICY, now=later) is None


def test_the_longest_of_several_waits_is_the_one_that_counts():
    wait = login_wait(pair=_ago(1, 2, 3, 4, 5), address=[], account=_ago(*range(1, 21)), policy=POLICY, now=NOW)
    assert wait.locked and wait.until == NOW - dt.timedelta(seconds=5) + WINDOW


def test_passwords_must_be_long_varied_and_not_contain_the_user_name():
    assert password_problem("short", "zhang") == "too_short"
    assert password_problem("zhang-is-my-password", "zhang") == "contains_username"
    assert password_problem("aaaaaaaaaaaa", "li") == "too_simple"
    assert password_problem("correct-horse-battery", "li") is None

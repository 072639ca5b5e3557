"""Durations as people read them: one formatter for every page and message (`web_format.duration`)."""
import pytest

from arbitration.durations import parts
from arbitration.web_format import duration

H, D = 60, 1440


@pytest.mark.parametrize("minutes, said", [
    (0, [("minute", 0)]),
    (30, [("minute", 30)]),
    (90, [("hour", 1), ("minute", 30)]),
    (2 * H, [("hour", 2)]),
    (24 * H, [("hour", 24)]),            # short windows stay in hours, as platforms publish them
    (48 * H, [("hour", 48)]),
    (72 * H, [("hour", 72)]),
    (95 * H + 59, [("hour", 95), ("minute", 59)]),
    (96 * H, [("day", 4)]),              # from four days on: days
    (100 * H, [("day", 4), ("hour", 4)]),
    (168 * H, [("day", 7)]),             # was "168 小时"
    (30 * D, [("day", 30)]),
    (-5, [("minute", 0)]),
])
def test_a_period_is_said_in_the_largest_units_that_read_naturally(minutes, said):
    assert parts(minutes) == said


@pytest.mark.parametrize("minutes, said", [
    (7 * D, [("day", 7), ("hour", 0)]),  # a countdown keeps two neighbouring units, zeros included
    (D + 5 * H + 7, [("day", 1), ("hour", 5)]),
    (H, [("hour", 1), ("minute", 0)]),
    (59, [("minute", 59)]),
    (0, [("minute", 0)]),
])
def test_a_countdown_keeps_two_units(minutes, said):
    assert parts(minutes, countdown=True) == said


@pytest.mark.parametrize("kwargs, words", [
    ({"hours": 168}, "7 days"),
    ({"hours": 1}, "1 hour"),
    ({"hours": 48}, "48 hours"),
    ({"days": 1, "hours": 100}, "5 days 4 hours"),
    ({"minutes": 1}, "1 minute"),
    ({"minutes": 90}, "1 hour 30 minutes"),
    ({"hours": 25, "countdown": True}, "1 day 1 hour"),
])
def test_the_words_in_english_outside_a_request(kwargs, words):
    assert duration(**kwargs) == words

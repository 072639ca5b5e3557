"""Webhook signatures: HMAC-SHA256 over timestamp and body, a window against replays."""
from arbitration.api import signing

SECRET = "whsec_test"
BODY = '{"id":"evt_1","type":"case.opened"}'.encode()


def test_a_request_signed_with_the_secret_within_the_window_is_accepted():
    h = signing.headers(SECRET, 1_000_000, BODY)
    assert signing.problem(SECRET, h["X-KM-Timestamp"], h["X-KM-Signature"], BODY, now=1_000_100) is None


def test_the_signature_covers_the_body_and_the_timestamp():
    h = signing.headers(SECRET, 1_000_000, BODY)
    assert signing.problem(SECRET, h["X-KM-Timestamp"], h["X-KM-Signature"], BODY + b" ", 1_000_000) == "bad_signature"
    assert signing.problem(SECRET, "1000001", h["X-KM-Signature"], BODY, 1_000_000) == "bad_signature"
    assert signing.problem("other", h["X-KM-Timestamp"], h["X-KM-Signature"], BODY, 1_000_000) == "bad_signature"


def test_a_missing_or_malformed_signature_is_refused():
    for ts, sig in ((None, None), ("abc", "v1=00"), ("1000000", ""), ("1000000", "v0=deadbeef")):
        assert signing.problem(SECRET, ts, sig, BODY, 1_000_000) == "bad_signature"


def test_a_stale_or_future_timestamp_is_refused_even_with_a_good_signature():
    h = signing.headers(SECRET, 1_000_000, BODY)
    assert signing.problem(SECRET, h["X-KM-Timestamp"], h["X-KM-Signature"], BODY, 1_000_301) == "stale_timestamp"
    assert signing.problem(SECRET, h["X-KM-Timestamp"], h["X-KM-Signature"], BODY, 999_699) == "stale_timestamp"


def test_one_of_several_signatures_matching_is_enough_during_a_secret_rotation():
    good = signing.signature(SECRET, 1_000_000, BODY)
    assert signing.problem(SECRET, "1000000", f"v1=00ff, {good}", BODY, 1_000_000) is None

"""The anchored record (issue 20): the event chain is an HMAC with a key outside the database, so an insider who
rewrites events and recomputes plain hashes is caught and every changed event named; the heads of all chains are
anchored in a Merkle root stamped by a time stamping authority (here a real one on 127.0.0.1), so even a rewrite
by someone holding the key shows as "changed before anchor N of DATE"."""
from __future__ import annotations

import datetime as dt
import json
import secrets
import zlib

import sqlalchemy as sa

from arbitration.audit import anchors, keys
from arbitration.audit.chain import event_hash
from arbitration.audit.models import Anchor, ChainHead
from arbitration.audit.services import record_event, verify_subject
from arbitration.db import db
from tests.integration.test_audit import _raw, _without_guard
from tests.local_tsa import local_tsa_fixture, with_tsa_fixture  # noqa: F401  (fixtures)

KEYED_SINCE = "2020-01-01T00:00:00+00:00"     # this installation was keyed before any of its events


def _chain(personas, subject=77, n=3):
    return [record_event("case", subject, personas["buyer"], f"case.step{i}", {"i": i, "决定": "支持"})
            for i in range(n)]


def _rewrite(events, at: int, data_json: str, key_id: str | None, key: bytes | None):
    """What an intruder with database access does: change one event and recompute every hash after it (with the
    key when they hold it, else plain SHA-256 as the chain's arithmetic allows), the head too."""
    prev = events[at].prev_hash
    for ev in events[at:]:
        data = data_json if ev is events[at] else ev.data_json
        digest = event_hash(prev, seq=ev.seq, subject_type=ev.subject_type, subject_id=ev.subject_id,
                            actor_id=ev.actor_id, actor_role=ev.actor_role, action=ev.action,
                            created_at=ev.created_at, data_json=data, key=key)
        _without_guard("UPDATE events SET data_json = :d, prev_hash = :p, hash = :h, key_id = :k WHERE id = :id",
                       d=data, p=prev, h=digest, k=key_id, id=ev.id)
        prev = digest
    _raw("UPDATE event_chain_heads SET hash = :h WHERE subject_type = 'case' AND subject_id = :sid",
         h=prev, sid=events[0].subject_id)
    db.session.expire_all()


def _verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_events_are_keyed_and_an_unkeyed_hash_is_not_the_same(session, personas, config):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    ev = _chain(personas)[0]
    key_id, key = keys.current()
    assert ev.key_id == key_id
    fields = dict(seq=ev.seq, subject_type=ev.subject_type, subject_id=ev.subject_id, actor_id=ev.actor_id,
                  actor_role=ev.actor_role, action=ev.action, created_at=ev.created_at, data_json=ev.data_json)
    assert ev.hash == event_hash(ev.prev_hash, key=key, **fields) != event_hash(ev.prev_hash, **fields)
    assert verify_subject("case", 77).intact


def test_an_insiders_rewrite_with_recomputed_unkeyed_hashes_is_caught_and_every_changed_event_named(
        app, session, personas, config):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    events = _chain(personas)
    _rewrite(events, 1, json.dumps({"i": 1, "决定": "驳回"}, ensure_ascii=False), None, None)
    report = verify_subject("case", 77)
    assert not report.intact
    assert [(p.event_id, p.reason) for p in report.problems] == [(events[1].id, "unkeyed"), (events[2].id, "unkeyed")]
    result = _verify(app, "--subject", "case:77")
    assert result.exit_code == 1
    assert f"event id {events[1].id} (seq 2): unkeyed" in result.output
    assert f"event id {events[2].id} (seq 3): unkeyed" in result.output


def test_a_rewrite_with_a_guessed_key_is_caught_too(app, session, personas, config):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    events = _chain(personas)
    key_id, _key = keys.current()
    _rewrite(events, 2, '{"i":2}', key_id, secrets.token_bytes(32))
    assert [p.reason for p in verify_subject("case", 77).problems] == ["hash"]


def test_a_rewrite_with_the_key_before_the_last_anchor_is_named_with_the_anchor(
        app, session, personas, config, with_tsa):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    events = _chain(personas)
    anchor = anchors.take()
    assert anchors.stamp(anchor) and anchor.tsr
    later = record_event("case", 77, personas["buyer"], "case.step2", {"i": 3})    # after the anchor: still fine
    key_id, key = keys.current()
    _rewrite([*events, later], 1, json.dumps({"i": 1, "决定": "驳回"}, ensure_ascii=False), key_id, key)
    assert verify_subject("case", 77).problems == ()         # the keyed hashes are all right: they hold the key
    result = _verify(app)
    assert result.exit_code == 1, result.output
    date = anchor.created_at.strftime("%Y-%m-%d %H:%M UTC")
    assert f"REWRITTEN case:77: changed before anchor {anchor.id} of {date} (at or before seq 3)" in result.output
    assert "root stamped by Test Time Stamping Authority" in result.output


def test_an_anchor_whose_stored_heads_were_edited_to_match_a_rewrite_is_reported_altered(
        app, session, personas, config, with_tsa):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    _chain(personas)
    anchor = anchors.take()
    anchors.stamp(anchor)
    leaves = anchors.leaves_of(anchor)
    leaves[0] = (leaves[0][0], leaves[0][1], leaves[0][2], "0" * 64)
    _raw("UPDATE audit_anchors SET leaves = :l WHERE id = :id",
         l=zlib.compress(json.dumps(leaves).encode()), id=anchor.id)
    db.session.expire_all()
    result = _verify(app)
    assert result.exit_code == 1 and f"ANCHOR {anchor.id} of" in result.output and "ALTERED" in result.output


def test_an_authority_that_is_down_leaves_the_anchor_pending_until_the_next_run(
        app, session, personas, config, with_tsa):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    _chain(personas)
    with_tsa.down()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 1 and "not stamped" in result.output
    first = db.session.scalar(sa.select(Anchor).order_by(Anchor.id.desc()))
    assert first.tsr is None
    with_tsa.up()
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 0, result.output
    assert f"anchor {first.id} stamped" in result.output
    assert anchors.pending() == []


def test_a_rotated_key_signs_new_events_and_the_old_ones_keep_verifying(session, personas, config):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    old_id, old_key = keys.current()
    before = _chain(personas, subject=78, n=2)
    rotated = f"{old_id}:{old_key.hex()},k-rotated:{secrets.token_hex(32)}"
    config.update(AUDIT_KEY=rotated)
    after = record_event("case", 78, personas["buyer"], "case.step2", {})
    assert {e.key_id for e in before} == {old_id} and after.key_id == "k-rotated"
    assert verify_subject("case", 78).intact
    config.update(AUDIT_KEY=f"k-rotated:{secrets.token_hex(32)}")         # the old key lost
    assert [p.reason for p in verify_subject("case", 78).problems][:1] == ["key"]


def test_the_daily_job_anchors_once_a_day(session, personas, config):
    config["AUDIT_KEYED_SINCE"] = KEYED_SINCE
    _chain(personas)
    now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400)
    anchors.daily(now)
    anchors.daily(now + dt.timedelta(hours=1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Anchor).where(Anchor.created_at >= now)) == 1
    anchors.daily(now + dt.timedelta(days=1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Anchor).where(Anchor.created_at >= now)) == 2
    heads = db.session.scalar(sa.select(sa.func.count()).select_from(ChainHead))
    assert anchors.latest().chains == heads

"""The event hash chain: canonical hashing and the verification walk (pure)."""
import datetime as dt
from dataclasses import dataclass, replace

from arbitration.audit.chain import GENESIS, canonical_json, event_hash, verify_chain

T = dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Ev:
    id: int
    seq: int
    subject_type: str
    subject_id: str
    actor_id: int | None
    actor_role: str
    action: str
    created_at: dt.datetime
    data_json: str
    prev_hash: str
    hash: str


def build(n: int) -> list[Ev]:
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        fields = dict(seq=i, subject_type="case", subject_id="7", actor_id=3, actor_role="buyer",
                      action=f"step{i}", created_at=T + dt.timedelta(minutes=i),
                      data_json=canonical_json({"n": i, "备注": "买家"}))
        h = event_hash(prev, **fields)
        out.append(Ev(id=100 + i, prev_hash=prev, hash=h, **fields))
        prev = h
    return out


def test_an_untouched_chain_verifies():
    events = build(4)
    assert verify_chain(events, 4, events[-1].hash) is None


def test_the_hash_covers_the_previous_hash():
    a = event_hash(GENESIS, seq=1, subject_type="c", subject_id="1", actor_id=None, actor_role="system",
                   action="x", created_at=T, data_json="{}")
    b = event_hash("f" * 64, seq=1, subject_type="c", subject_id="1", actor_id=None, actor_role="system",
                   action="x", created_at=T, data_json="{}")
    assert a != b and len(a) == 64


def test_an_edited_event_is_named():
    events = build(4)
    events[1] = replace(events[1], data_json=canonical_json({"n": 999}))
    problem = verify_chain(events, 4, events[-1].hash)
    assert (problem.event_id, problem.reason) == (102, "hash")


def test_a_deleted_middle_event_is_found_where_the_gap_starts():
    events = build(4)
    del events[1]
    problem = verify_chain(events, 4, events[-1].hash)
    assert (problem.event_id, problem.seq, problem.reason) == (103, 3, "gap")


def test_a_deleted_last_event_is_caught_by_the_head():
    events = build(4)
    head = events[-1].hash
    problem = verify_chain(events[:-1], 4, head)
    assert problem.reason == "head" and problem.seq == 4


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link():
    events = build(3)
    forged = replace(events[1], action="forged")
    forged = replace(forged, hash=event_hash(forged.prev_hash, **{k: getattr(forged, k) for k in (
        "seq", "subject_type", "subject_id", "actor_id", "actor_role", "action", "created_at", "data_json")}))
    events[1] = forged
    problem = verify_chain(events, 3, events[-1].hash)
    assert (problem.event_id, problem.reason) == (103, "link")


def test_canonical_json_is_stable_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "争议"}) == '{"a":"争议","b":1}'


# ---- keyed chains (issue 20) ----

KEY = b"k" * 32


def build_keyed(n: int, key_id: str = "k1", key: bytes = KEY) -> list:
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        fields = dict(seq=i, subject_type="case", subject_id="7", actor_id=3, actor_role="buyer",
                      action=f"step{i}", created_at=T + dt.timedelta(minutes=i), data_json=canonical_json({"n": i}))
        h = event_hash(prev, key=key, **fields)
        out.append(KeyedEv(id=100 + i, prev_hash=prev, hash=h, key_id=key_id, **fields))
        prev = h
    return out


@dataclass(frozen=True)
class KeyedEv(Ev):
    key_id: str | None = None


def test_a_keyed_chain_verifies_with_its_key_and_not_without():
    from arbitration.audit.chain import Keys, chain_problems

    events = build_keyed(3)
    assert verify_chain(events, 3, events[-1].hash, Keys({"k1": KEY})) is None
    assert verify_chain(events, 3, events[-1].hash, Keys({"k1": b"x" * 32})).reason == "hash"
    assert verify_chain(events, 3, events[-1].hash, Keys({"k2": KEY})).reason == "key"
    assert [p.reason for p in chain_problems(events, 3, events[-1].hash, Keys({}))] == ["key"] * 3


def test_an_unkeyed_event_counts_only_when_older_than_the_keying():
    from arbitration.audit.chain import Keys

    legacy = build(2)                                           # plain SHA-256, key_id absent
    assert verify_chain(legacy, 2, legacy[-1].hash, Keys({"k1": KEY}, unkeyed_until=T + dt.timedelta(days=1))) is None
    problem = verify_chain(legacy, 2, legacy[-1].hash, Keys({"k1": KEY}, unkeyed_until=T))
    assert (problem.event_id, problem.reason) == (101, "unkeyed")


def test_every_changed_event_is_named_not_only_the_first():
    from arbitration.audit.chain import Keys, chain_problems

    events = build_keyed(4)
    events[1] = replace(events[1], data_json="{}")
    events[3] = replace(events[3], action="forged")
    problems = chain_problems(events, 4, events[-1].hash, Keys({"k1": KEY}))
    assert [(p.event_id, p.reason) for p in problems] == [(102, "hash"), (104, "hash")]


def test_the_merkle_root_changes_with_any_head_and_with_the_order():
    from arbitration.audit import merkle

    heads = [("case", str(i), i, f"{i:064x}") for i in range(1, 6)]
    root = merkle.root(merkle.leaf(*h) for h in heads)
    changed = [*heads[:3], ("case", "4", 4, "f" * 64), heads[4]]
    assert merkle.root(merkle.leaf(*h) for h in changed) != root
    assert merkle.root(merkle.leaf(*h) for h in reversed(heads)) != root
    assert merkle.root(merkle.leaf(*h) for h in heads) == root and len(root) == 32

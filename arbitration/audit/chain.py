"""Hash-chain arithmetic (pure): canonical content, event hash, and the verification walk.

An event's hash is an HMAC-SHA-256 with the audit key it names (key_id; the key is kept outside the database,
audit/keys.py), so someone who can write the database but cannot read the key cannot recompute a chain. Events
written before keying (key_id None) carry a plain SHA-256; a verification given the keys accepts them only
when they are older than the keying (`unkeyed_until`)."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, *, seq: int, subject_type: str, subject_id: str, actor_id: int | None,
               actor_role: str, action: str, created_at: dt.datetime, data_json: str, key: bytes | None = None) -> str:
    content = canonical_json({
        "seq": seq, "subject_type": subject_type, "subject_id": subject_id, "actor_id": actor_id,
        "actor_role": actor_role, "action": action, "created_at": format_time(created_at),
        "data": data_json,
    })
    message = (prev_hash + "\n" + content).encode("utf-8")
    if key is not None:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    seq: int | None
    reason: str   # "hash", "link", "gap", "head", "key" (a key id we do not hold), "unkeyed" (no key, too recent)


@dataclass(frozen=True)
class Keys:
    """The audit keys by id, and until when events may be unkeyed (written before keying began)."""
    keys: dict
    unkeyed_until: dt.datetime | None = None


def own_hash_problem(ev, keys: Keys | None) -> str | None:
    """Whether the event's stored hash is what its own content (and its stored prev_hash) gives."""
    key_id = getattr(ev, "key_id", None)
    key = None
    if keys is not None:
        if key_id is None:
            if keys.unkeyed_until is None or ev.created_at >= keys.unkeyed_until:
                return "unkeyed"
        elif key_id not in keys.keys:
            return "key"
        else:
            key = keys.keys[key_id]
    elif key_id is not None:
        return "key"
    computed = event_hash(ev.prev_hash, seq=ev.seq, subject_type=ev.subject_type, subject_id=ev.subject_id,
                          actor_id=ev.actor_id, actor_role=ev.actor_role, action=ev.action,
                          created_at=ev.created_at, data_json=ev.data_json, key=key)
    return None if hmac.compare_digest(computed, ev.hash) else "hash"


def verify_chain(events: Iterable, head_seq: int | None, head_hash: str | None,
                 keys: Keys | None = None) -> Problem | None:
    """Walk events ordered by seq; return the first problem or None. `events` need the model's fields.
    Without `keys`, only unkeyed hashes are checked (the chain arithmetic alone)."""
    problems = chain_problems(events, head_seq, head_hash, keys, first_only=True)
    return problems[0] if problems else None


def chain_problems(events: Iterable, head_seq: int | None, head_hash: str | None, keys: Keys | None = None,
                   first_only: bool = False) -> list[Problem]:
    """Every problem of a chain: each event whose own hash is wrong (edited, or rewritten without the key) is
    named, and each broken link, gap and a head that does not match."""
    prev = GENESIS
    expected_seq = 1
    found: list[Problem] = []
    for ev in events:
        if ev.seq != expected_seq:
            found.append(Problem(ev.id, ev.seq, "gap"))
        elif ev.prev_hash != prev:
            found.append(Problem(ev.id, ev.seq, "link"))
        reason = own_hash_problem(ev, keys)
        if reason and not (found and found[-1].event_id == ev.id):
            found.append(Problem(ev.id, ev.seq, reason))
        if found and first_only:
            return found[:1]
        prev = ev.hash
        expected_seq = ev.seq + 1
    if head_seq is not None and (head_seq != expected_seq - 1 or head_hash != prev):
        found.append(Problem(None, expected_seq, "head"))
    return found[:1] if first_only else found

"""Hash-chain arithmetic (pure): canonical content, event hash, and the verification walk."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, *, seq: int, subject_type: str, subject_id: str, actor_id: int | None,
               actor_role: str, action: str, created_at: dt.datetime, data_json: str) -> str:
    content = canonical_json({
        "seq": seq, "subject_type": subject_type, "subject_id": subject_id, "actor_id": actor_id,
        "actor_role": actor_role, "action": action, "created_at": format_time(created_at),
        "data": data_json,
    })
    return hashlib.sha256((prev_hash + "\n" + content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    seq: int | None
    reason: str   # "hash", "link", "gap", "head"


def verify_chain(events: Iterable, head_seq: int | None, head_hash: str | None) -> Problem | None:
    """Walk events ordered by seq; return the first problem or None. `events` need the model's fields."""
    prev = GENESIS
    expected_seq = 1
    for ev in events:
        if ev.seq != expected_seq:
            return Problem(ev.id, ev.seq, "gap")
        if ev.prev_hash != prev:
            return Problem(ev.id, ev.seq, "link")
        computed = event_hash(prev, seq=ev.seq, subject_type=ev.subject_type, subject_id=ev.subject_id,
                              actor_id=ev.actor_id, actor_role=ev.actor_role, action=ev.action,
                              created_at=ev.created_at, data_json=ev.data_json)
        if computed != ev.hash:
            return Problem(ev.id, ev.seq, "hash")
        prev = ev.hash
        expected_seq += 1
    if head_seq is not None and (head_seq != expected_seq - 1 or head_hash != prev):
        return Problem(None, expected_seq, "head")
    return None

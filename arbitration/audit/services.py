"""Writing and verifying the event log."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from flask import g, has_request_context

from arbitration import clock
from arbitration.audit import events, keys
from arbitration.audit.anchors import AnchorMismatch
from arbitration.audit.chain import GENESIS, Problem, canonical_json, chain_problems, event_hash
from arbitration.audit.models import ChainHead, Event
from arbitration.db import db, insert_ignore


# called with each appended event, in its transaction (the API's webhook outbox listens here)
listeners: list = []


def _event_row(prev: str, seq: int, subject_type: str, sid: str, actor, action: str, data, now: dt.datetime,
               key: tuple) -> dict:
    """One event's columns, its hash keyed with the current audit key (`key` = (key id, key bytes)): the one place
    both `record_event` and `record_events` build an event, so the two paths hash alike."""
    key_id, key_bytes = key
    actor_id = getattr(actor, "id", None)
    actor_role = getattr(actor, "role", None) or "system"
    actor_role = getattr(actor_role, "value", actor_role)
    data_json = canonical_json(data or {})
    digest = event_hash(prev, seq=seq, subject_type=subject_type, subject_id=sid, actor_id=actor_id,
                        actor_role=actor_role, action=action, created_at=now, data_json=data_json, key=key_bytes)
    return {"subject_type": subject_type, "subject_id": sid, "seq": seq, "actor_id": actor_id,
            "actor_role": actor_role, "action": action, "created_at": now, "data_json": data_json,
            "prev_hash": prev, "hash": digest, "key_id": key_id}


def record_event(subject_type: str, subject_id, actor, action: str, data: dict | None = None,
                 now: dt.datetime | None = None) -> Event:
    """Append an event to the subject's chain. `actor` is a User or None (the system). An event written while
    an API client's request runs says which client (the platform acting on a buyer's behalf)."""
    if not events.is_declared(action):
        raise LookupError(f"event type {action!r} is not declared: declare it with its label (audit.events)")
    now = now or clock.now_utc()
    if has_request_context() and g.get("api_client_id"):
        data = {**(data or {}), "via_api_client": g.api_client_id}
    session = db.session
    sid = str(subject_id)
    session.execute(insert_ignore(ChainHead.__table__,
                                  {"subject_type": subject_type, "subject_id": sid, "seq": 0, "hash": GENESIS}))
    head = session.execute(
        sa.select(ChainHead).where(ChainHead.subject_type == subject_type, ChainHead.subject_id == sid)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    event = Event(**_event_row(head.hash, head.seq + 1, subject_type, sid, actor, action, data, now,
                               keys.current()))
    session.add(event)
    head.seq, head.hash = event.seq, event.hash
    session.flush()
    for listener in listeners:
        listener(event)
    return event


def record_events(specs, now: dt.datetime | None = None) -> list[Event]:
    """Append many events at once, as `record_event` one by one would in the same order: `specs` are
    (subject_type, subject_id, actor, action, data). The chain heads are locked in one ordered SELECT ... FOR UPDATE
    (those missing made, with one statement, and locked after), the hashes computed here, the events inserted with
    one executemany and the heads moved with another. The listeners see each event (not bound to the session: no
    id)."""
    specs = list(specs)
    if not specs:
        return []
    now = now or clock.now_utc()
    for spec in specs:
        if not events.is_declared(spec[3]):
            raise LookupError(f"event type {spec[3]!r} is not declared: declare it with its label (audit.events)")
    via = g.get("api_client_id") if has_request_context() else None
    session = db.session
    chains = sorted({(st, str(sid)) for st, sid, *_ in specs})
    table = ChainHead.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    heads = {}

    def lock(wanted):
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            for row in session.execute(
                    sa.select(table.c.subject_type, table.c.subject_id, table.c.seq, table.c.hash)
                    .where(sa.tuple_(table.c.subject_type, table.c.subject_id).in_(part))
                    .order_by(table.c.subject_type, table.c.subject_id).with_for_update()):
                heads[(row.subject_type, row.subject_id)] = (row.seq, row.hash)

    lock(chains)
    missing = [chain for chain in chains if chain not in heads]     # chains without an event yet: made, then locked
    if missing:
        session.execute(dialect.insert(table).on_conflict_do_nothing(),
                        [{"subject_type": st, "subject_id": sid, "seq": 0, "hash": GENESIS} for st, sid in missing])
        lock(missing)
    rows = []
    key = keys.current()
    for subject_type, subject_id, actor, action, data in specs:
        sid = str(subject_id)
        if via:
            data = {**(data or {}), "via_api_client": via}
        seq, prev = heads[(subject_type, sid)]
        row = _event_row(prev, seq + 1, subject_type, sid, actor, action, data, now, key)
        rows.append(row)
        heads[(subject_type, sid)] = (row["seq"], row["hash"])
    session.execute(sa.insert(Event.__table__), rows)
    session.execute(sa.update(table).where(table.c.subject_type == sa.bindparam("b_type"),
                                           table.c.subject_id == sa.bindparam("b_id"))
                    .values(seq=sa.bindparam("b_seq"), hash=sa.bindparam("b_hash")),
                    [{"b_type": st, "b_id": sid, "b_seq": seq, "b_hash": h} for (st, sid), (seq, h) in heads.items()])
    made = [Event(**row) for row in rows]
    for event in made:
        for listener in listeners:
            listener(event)
    return made


def events_of(subject_type: str, subject_id) -> list[Event]:
    return list(db.session.scalars(
        sa.select(Event).where(Event.subject_type == subject_type, Event.subject_id == str(subject_id))
        .order_by(Event.seq)))


@dataclass(frozen=True)
class ChainReport:
    subject_type: str
    subject_id: str
    events: int
    head: str
    problems: tuple[Problem, ...] = ()
    anchor: AnchorMismatch | None = None

    @property
    def problem(self) -> Problem | None:
        """The first thing wrong, walking from the start."""
        return self.problems[0] if self.problems else None

    @property
    def intact(self) -> bool:
        return self.problem is None and self.anchor is None


def verify_subject(subject_type: str, subject_id, anchored=None) -> ChainReport:
    """Walk the chain with the audit keys, naming every event whose hash is wrong; with `anchored` (an
    anchors.Anchored), also compare the hashes at the seqs the anchors recorded."""
    sid = str(subject_id)
    head = db.session.get(ChainHead, (subject_type, sid), populate_existing=True)
    stream = db.session.scalars(
        sa.select(Event).where(Event.subject_type == subject_type, Event.subject_id == sid)
        .order_by(Event.seq)
        .execution_options(yield_per=500, populate_existing=True))  # the stored bytes, not cached objects
    count = 0
    wanted = anchored.seqs(subject_type, sid) if anchored else set()
    at_seq: dict[int, str] = {}

    def counted():
        nonlocal count
        for ev in stream:
            count += 1
            if ev.seq in wanted:
                at_seq[ev.seq] = ev.hash
            yield ev

    problems = chain_problems(counted(), head.seq if head else 0, head.hash if head else GENESIS, keys.ring()[1])
    mismatch = anchored.mismatch(subject_type, sid, at_seq) if anchored else None
    return ChainReport(subject_type, sid, count, head.hash if head else GENESIS, tuple(problems), mismatch)


def verify_all(subject_type: str | None = None, anchored=None) -> Iterator[ChainReport]:
    """Every chain (or every chain of one subject type), including chains whose events are all gone."""
    q = sa.union(
        sa.select(Event.subject_type, Event.subject_id),
        sa.select(ChainHead.subject_type, ChainHead.subject_id),
    ).subquery()
    stmt = sa.select(q.c.subject_type, q.c.subject_id).order_by(q.c.subject_type, q.c.subject_id)
    if subject_type:
        stmt = stmt.where(q.c.subject_type == subject_type)
    for st, sid in db.session.execute(stmt).all():
        yield verify_subject(st, sid, anchored)

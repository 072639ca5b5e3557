"""Keeping the statistics' roll-ups current (docs/DECISIONS.md, "Figures from roll-ups").

Every flush that writes what a figure counts about a case (the case's outcome, closing or last change, a ruling,
a deadline of the case met or passed, a remedy task) marks the case, and so do the deadline engine's watchers for
its plain UPDATEs; as the transaction commits, the marked cases' facts are read again from their rows
(`read_facts`, set-based), and the roll-up tables move by the difference from the facts stored the last time
(`rollup_rules.delta`), with one upsert per table. So the figures are current in the same transaction as the
change, and a change costs a few statements at any size. `rebuild` (`flask stats rebuild`) sums everything from
scratch; `flask stats check` compares the pages' figures with a full scan of the cases (oversight.stats_scan)."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from arbitration import clock
from arbitration.cases.models import Case, RemedyTask
from arbitration.cases.queries import REFUNDS
from arbitration.db import db
from arbitration.deadlines import registry
from arbitration.deadlines.models import Deadline
from arbitration.oversight import rollup_rules as rr
from arbitration.oversight.compliance_rules import AGAINST
from arbitration.oversight.models import (CaseStats, StatsDaily, StatsDailyRulingTimes, StatsOpened, StatsRulingTimes,
                                          StatsTotals)
from arbitration.rulings.models import Ruling

TABLES = {rr.OPENED: StatsOpened, rr.TOTALS: StatsTotals, rr.RULING_TIMES: StatsRulingTimes, rr.DAILY: StatsDaily,
          rr.DAILY_RULING_TIMES: StatsDailyRulingTimes}
KEYS = {rr.OPENED: ("opened_day", "merchant_id", "category", "outcome"),
        rr.TOTALS: ("merchant_id", "category", "outcome"),
        rr.RULING_TIMES: ("opened_day", "merchant_id", "category", "outcome", "tenths"),
        rr.DAILY: ("day", "what"), rr.DAILY_RULING_TIMES: ("day", "tenths")}
_DIRTY = "stats.dirty_cases"        # on the connection: see _marks
_WATCHED = {Case: ("changed_at", "outcome", "closed_at", "category", "merchant_id"),
            Ruling: ("decision", "found_tags_json", "issued_at", "round"),
            Deadline: ("state",), RemedyTask: ("state", "done_at", "created_at")}
BATCH = 500


def china_day(at: dt.datetime | None) -> dt.date | None:
    if at is None:
        return None
    at = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(clock.CHINA).date()


# ---- a case's facts, read from its rows ----

def read_facts(conn, case_ids: list[int]) -> dict[int, rr.Facts]:
    """The facts of these cases as their rows say now: five set-based selects for the whole list."""
    if not case_ids:
        return {}
    cases = conn.execute(sa.select(Case.id, Case.opened_at, Case.closed_at, Case.merchant_id, Case.category,
                                   Case.outcome).where(Case.id.in_(case_ids))).all()
    deadlines: dict[int, dict] = {}
    for subject_id, state, kind, actor, n in conn.execute(
            sa.select(Deadline.subject_id, Deadline.state, Deadline.kind, Deadline.actor_merchant_id, sa.func.count())
            .where(Deadline.subject_type == "case", Deadline.subject_id.in_([str(i) for i in case_ids]),
                   Deadline.actor_merchant_id.is_not(None), Deadline.state.in_(("met", "applied")))
            .group_by(Deadline.subject_id, Deadline.state, Deadline.kind, Deadline.actor_merchant_id)):
        deadlines.setdefault(int(subject_id), []).append((state, kind == "enforcement", actor, n))
    rulings: dict[int, list] = {}
    for r in conn.execute(sa.select(Ruling.case_id, Ruling.round, Ruling.decision, Ruling.found_tags_json,
                                    Ruling.issued_at).where(Ruling.case_id.in_(case_ids))):
        rulings.setdefault(r.case_id, []).append(r)
    refunds: dict[int, list] = {}
    for t in conn.execute(sa.select(RemedyTask.case_id, RemedyTask.state, RemedyTask.created_at, RemedyTask.done_at)
                          .where(RemedyTask.case_id.in_(case_ids), RemedyTask.remedy.in_(REFUNDS))):
        refunds.setdefault(t.case_id, []).append(t)
    return {c.id: _facts(c, deadlines.get(c.id, []), rulings.get(c.id, []), refunds.get(c.id, [])) for c in cases}


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def _facts(case, deadlines, rulings, refunds) -> rr.Facts:
    """The figures' definitions, one case at a time (oversight.stats_scan says the same over all cases in SQL)."""
    mine = [(state, enforcement, n) for state, enforcement, actor, n in deadlines if actor == case.merchant_id]
    by_round = {r.round: r for r in rulings}
    in_force = by_round[max(by_round)] if by_round else None
    first = min(rulings, key=lambda r: _utc(r.issued_at)) if rulings else None
    hidden = in_force is not None and "hidden_fee" in json.loads(in_force.found_tags_json or "[]")
    one, two = by_round.get(1), by_round.get(2)
    reversed_ = bool(one and two and ((one.decision == "dismissed" and two.decision in AGAINST)
                                      or (one.decision == "partly_upheld" and two.decision == "upheld")))
    measures = {
        "met": sum(n for state, _e, _a, n in deadlines if state == "met"),
        "applied": sum(n for state, _e, _a, n in deadlines if state == "applied"),
        "missed": int(any(state == "applied" and not enf for state, enf, _n in mine)),
        "remedy_late": int(any(state == "applied" and enf for state, enf, _n in mine)),
        "hidden_fee": int(hidden),
        "upheld": int(in_force is not None and in_force.decision in AGAINST),
        "reversed": int(reversed_),
        "risk_lock": int(case.category == "risk_lock"),
    }
    ordered = [_utc(t.created_at) for t in refunds]
    paid = [_utc(t.done_at) for t in refunds if t.state == "done" and t.done_at is not None]
    closed = china_day(case.closed_at)
    days = {"closed": closed,
            "closed_default": closed if case.outcome == "default_ruling" else None,
            "ruled": china_day(by_round[1].issued_at) if 1 in by_round else None,
            "hidden_fee": china_day(in_force.issued_at) if hidden else None,
            "refund_ordered": china_day(min(ordered)) if ordered else None,
            "refund_paid": china_day(min(paid)) if paid else None}
    tenths = rr.tenths_of_hour(_utc(case.opened_at), _utc(first.issued_at)) if first is not None else None
    return rr.Facts(china_day(case.opened_at), case.merchant_id, case.category, case.outcome or "", measures,
                    tenths, days)


_DAY_COLUMNS = {"closed": "closed_day", "closed_default": "closed_default_day", "ruled": "ruled_day",
                "hidden_fee": "hidden_fee_day", "refund_ordered": "refund_ordered_day",
                "refund_paid": "refund_paid_day"}


def _row(case_id: int, f: rr.Facts) -> dict:
    return {"case_id": case_id, "opened_day": f.opened_day, "merchant_id": f.merchant_id, "category": f.category,
            "outcome": f.outcome, "ruling_tenths": f.ruling_tenths,
            **{m: f.measures.get(m, 0) for m in rr.MEASURES[1:]},
            **{col: f.days.get(what) for what, col in _DAY_COLUMNS.items()}}


def _from_row(row) -> rr.Facts:
    return rr.Facts(row.opened_day, row.merchant_id, row.category, row.outcome,
                    {m: getattr(row, m) for m in rr.MEASURES[1:]}, row.ruling_tenths,
                    {what: getattr(row, col) for what, col in _DAY_COLUMNS.items()})


# ---- moving the tables ----

def _insert(conn, table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def apply_changes(conn, changes: dict[tuple, dict[str, int]]) -> None:
    """Add each (table, key) change with one upsert per table (keys in order, so two writers lock rows in the same
    order), then remove the rows whose count fell to 0."""
    for name, model in TABLES.items():
        places = sorted((key, cols) for (table, key), cols in changes.items() if table == name)
        if not places:
            continue
        table, key_names = model.__table__, KEYS[name]
        value_names = [c.name for c in table.columns if c.name not in key_names]
        stmt = _insert(conn, table)
        stmt = stmt.on_conflict_do_update(index_elements=list(key_names), set_={
            col: table.c[col] + stmt.excluded[col] for col in value_names})
        conn.execute(stmt, [{**dict(zip(key_names, key)), **{col: cols.get(col, 0) for col in value_names}}
                            for key, cols in places])
        gone = [key for key, cols in places if cols.get(rr.COUNT_OF[name], 0) < 0]
        if gone:
            keys = sa.tuple_(*(table.c[k] for k in key_names))
            conn.execute(sa.delete(table).where(keys.in_(gone), table.c[rr.COUNT_OF[name]] <= 0))


def refresh(conn, case_ids: Iterable[int]) -> int:
    """Bring these cases' facts and every roll-up up to date with their rows. Returns the cases looked at."""
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        old_rows = sa.select(CaseStats).where(CaseStats.case_id.in_(part)).order_by(CaseStats.case_id)
        if conn.dialect.name == "postgresql":
            old_rows = old_rows.with_for_update()      # two transactions on one case: the second waits
        old = {row.case_id: _from_row(row) for row in conn.execute(old_rows)}
        new = read_facts(conn, part)
        changes = rr.add_up(rr.delta(old.get(i), new.get(i)) for i in part)
        if changes:
            apply_changes(conn, changes)
        stale = [i for i in part if i in old and old[i] != new.get(i)]
        if stale:
            conn.execute(sa.delete(CaseStats).where(CaseStats.case_id.in_(stale)))
        fresh = [_row(i, new[i]) for i in part if i in new and old.get(i) != new[i]]
        if fresh:
            conn.execute(sa.insert(CaseStats), fresh)
    return len(ids)


def remove(conn, case_ids: Iterable[int]) -> None:
    """Cases about to be deleted (the app never deletes a case; a test's cleanup of what it committed does): their
    contributions subtracted from every roll-up and their facts removed. Call it before deleting the cases."""
    ids = sorted(set(case_ids))
    old = [_from_row(row) for row in conn.execute(sa.select(CaseStats).where(CaseStats.case_id.in_(ids)))]
    changes = rr.add_up(rr.delta(facts, None) for facts in old)
    if changes:
        apply_changes(conn, changes)
    conn.execute(sa.delete(CaseStats).where(CaseStats.case_id.in_(ids)))


# ---- the same transaction as the change ----

def _case_of(obj) -> int | None:
    if isinstance(obj, Case):
        return obj.id
    if isinstance(obj, (Ruling, RemedyTask)):
        return obj.case_id
    if isinstance(obj, Deadline) and obj.subject_type == "case":
        return int(obj.subject_id)
    return None


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    dirty = _marks(session)
    for obj in list(session.new) + list(session.dirty):
        names = _WATCHED.get(type(obj))
        if names is None:
            continue
        if obj not in session.new:
            state = sa.inspect(obj)
            if not any(state.attrs[name].history.has_changes() for name in names):
                continue
        case_id = _case_of(obj)
        if case_id is not None:
            dirty.add(case_id)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session: Session) -> None:
    """Once per transaction, as it commits: a savepoint's commit leaves the marks to its transaction's (one
    refresh, so the rows are locked once, in one order: no two writers can deadlock on them)."""
    if session.get_nested_transaction() is not None:
        return
    catch_up(session)


def catch_up(session: Session) -> None:
    """Flush, then bring the marked cases' facts and the roll-ups up to date. The commit does it; a reader of the
    roll-ups calls it first, so a transaction reads its own changes (nothing marked: only the flush)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    conn = session.connection()
    dirty = conn.info.pop(_DIRTY, set())
    if dirty:
        refresh(conn, dirty)


@event.listens_for(sa.engine.Engine, "rollback")
def _forget(conn) -> None:
    """The transaction's marks go with it."""
    conn.info.pop(_DIRTY, None)


def mark(session: Session, case_ids: Iterable[int]) -> None:
    """For writers that change cases with plain statements (no ORM objects): refresh these at commit."""
    _marks(session).update(case_ids)


def _marks(session: Session) -> set:
    """The cases this database transaction changed and the roll-ups do not count yet. Kept on the connection, not
    the session: whoever shares the transaction (a request inside a test's transaction) sees them."""
    return session.connection().info.setdefault(_DIRTY, set())


@registry.on_change("case")
def _deadlines_changed(subject_id) -> None:
    """A case's deadlines were met, passed or cancelled with plain UPDATEs (the sweep's claim, `meet`)."""
    mark(db.session, [int(subject_id)])


@registry.on_change_many("case")
def _deadlines_changed_many(subject_ids) -> None:
    mark(db.session, [int(i) for i in subject_ids])


# ---- from scratch ----

def rebuild(conn, batch: int = 2000, progress=None) -> int:
    """Every case's facts read again and every roll-up summed from them (`flask stats rebuild`). Returns the cases."""
    for model in (*TABLES.values(), CaseStats):
        conn.execute(sa.delete(model))
    last, done = 0, 0
    while True:
        ids = list(conn.scalars(sa.select(Case.id).where(Case.id > last).order_by(Case.id).limit(batch)))
        if not ids:
            break
        facts = read_facts(conn, ids)
        conn.execute(sa.insert(CaseStats), [_row(i, f) for i, f in facts.items()])
        last, done = ids[-1], done + len(ids)
        if progress:
            progress(done)
    _sum_tables(conn)
    return done


def _sum_tables(conn) -> None:
    """The roll-ups as sums of the facts, each with one INSERT … SELECT … GROUP BY."""
    s = CaseStats.__table__.c
    key = [s.opened_day, s.merchant_id, s.category, s.outcome]
    conn.execute(sa.insert(StatsOpened).from_select(
        [*KEYS[rr.OPENED], *rr.MEASURES],
        sa.select(*key, sa.func.count(), *(sa.func.sum(s[m]) for m in rr.MEASURES[1:])).group_by(*key)))
    conn.execute(sa.insert(StatsTotals).from_select(
        [*KEYS[rr.TOTALS], *rr.MEASURES],
        sa.select(*key[1:], sa.func.count(), *(sa.func.sum(s[m]) for m in rr.MEASURES[1:])).group_by(*key[1:])))
    conn.execute(sa.insert(StatsRulingTimes).from_select(
        [*KEYS[rr.RULING_TIMES], "n"],
        sa.select(*key, s.ruling_tenths, sa.func.count()).where(s.ruling_tenths.is_not(None))
        .group_by(*key, s.ruling_tenths)))
    for what in rr.HAPPENINGS:
        day = s.opened_day if what == "opened" else s[_DAY_COLUMNS[what]]
        conn.execute(sa.insert(StatsDaily).from_select(
            ["day", "what", "n"],
            sa.select(day, sa.literal(what, sa.String(20)), sa.func.count()).where(day.is_not(None)).group_by(day)))
    conn.execute(sa.insert(StatsDailyRulingTimes).from_select(
        ["day", "tenths", "n"],
        sa.select(s.ruled_day, s.ruling_tenths, sa.func.count())
        .where(s.ruled_day.is_not(None), s.ruling_tenths.is_not(None)).group_by(s.ruled_day, s.ruling_tenths)))


def table_rows(conn) -> dict[str, set]:
    """Every roll-up's rows (key and values), for comparing the tables kept by changes with a rebuild's."""
    out = {}
    for name, model in TABLES.items():
        cols = [c for c in model.__table__.columns]
        out[name] = {tuple(row) for row in conn.execute(sa.select(*cols))}
    return out

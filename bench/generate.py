"""Fill a database with a platform's history at scale: by default 1,000,000 orders and 200,000 cases over
every stage, with their requests, deadlines, events (valid hash chains), evidence rows, rulings, remedy
tasks and notifications.

    .venv/bin/python bench/generate.py --url sqlite:////tmp/scale10.db
    .venv/bin/python bench/generate.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale10
    .venv/bin/python bench/generate.py --url ... --orders 10000 --cases 2000      # small

How: the schema is made by the real migrations and `seed-demo`; then one order (and case) per path through
the rules (bench/templates.py) is made through the real services at a fixed time; then each of these
"templates" is copied many times with bulk inserts (executemany on SQLite, COPY on PostgreSQL): new ids,
a buyer, merchant (and its staff) and arbitrators drawn from generated people, new order and case numbers,
all times shifted, every event chain hashed again. What is simplified is listed in docs/BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if __name__ == "__main__":
    # the chains are keyed with the audit key of the instance the app will run with (the default one unless
    # ARBITRATION_INSTANCE_PATH or ARBITRATION_AUDIT_KEY[_FILE] say otherwise), so that `flask audit verify` and the
    # dossiers can check them; only the templates' evidence files and queued jobs go to a scratch instance
    if not os.environ.get("ARBITRATION_AUDIT_KEY") and not os.environ.get("ARBITRATION_AUDIT_KEY_FILE"):
        from arbitration.audit.keys import instance_key_file
        from arbitration.config import instance_path
        os.environ["ARBITRATION_AUDIT_KEY_FILE"] = str(instance_key_file(instance_path()))
    os.environ.setdefault("ARBITRATION_INSTANCE_PATH", tempfile.mkdtemp(prefix="generate10-"))

import sqlalchemy as sa  # noqa: E402

from arbitration.audit import keys as audit_keys  # noqa: E402
from arbitration.audit.chain import GENESIS, canonical_json, event_hash  # noqa: E402
from arbitration.oversight import rollups  # noqa: E402

PASSWORD = "bench-password"           # every generated user's password (one hash, computed once)
SKIP = {"users", "merchants", "case_number_counters", "event_chain_heads"}
SUBJECT_TABLES = {"case": "cases", "order": "orders", "order_request": "order_requests"}
CHINA = dt.timezone(dt.timedelta(hours=8))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Writer:
    """Buffers rows per table and writes them in bulk, parents before children."""

    def __init__(self, conn: sa.Connection, metadata: sa.MetaData, flush_rows: int = 50_000) -> None:
        self.conn, self.flush_rows = conn, flush_rows
        self.pg = conn.dialect.name == "postgresql"
        self.tables = {t.name: t for t in metadata.sorted_tables}
        self.order = [t.name for t in metadata.sorted_tables]
        self.buffers: dict[str, list] = defaultdict(list)
        self.columns: dict[str, list[str]] = {}
        self.processors: dict[str, list] = {}
        self.pending = 0
        self.written: dict[str, int] = defaultdict(int)
        dialect = conn.dialect
        if not self.pg:   # a bigger page cache: the indexes of a 6-million-row event log stay in memory
            conn.exec_driver_sql("PRAGMA cache_size = -262144")
        for t in metadata.sorted_tables:
            self.columns[t.name] = [c.name for c in t.columns]
            self.processors[t.name] = [c.type._cached_bind_processor(dialect) for c in t.columns]

    def add(self, table: str, row: dict) -> None:
        procs = self.processors[table]
        values = []
        for name, proc in zip(self.columns[table], procs):
            v = row.get(name)
            values.append(proc(v) if (proc is not None and v is not None) else v)
        self.buffers[table].append(values)
        self.pending += 1
        if self.pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        self.conn.exec_driver_sql("SELECT 1")      # begins the transaction (BEGIN IMMEDIATE on SQLite)
        raw = self.conn.connection.dbapi_connection
        cur = raw.cursor()
        for name in self.order:
            rows = self.buffers.pop(name, None)
            if not rows:
                continue
            cols = self.columns[name]
            if self.pg:
                with cur.copy(f'COPY "{name}" ({", ".join(cols)}) FROM STDIN') as copy:
                    for r in rows:
                        copy.write_row(r)
            else:
                cur.executemany(f'INSERT INTO "{name}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})',
                                rows)
            self.written[name] += len(rows)
        cur.close()
        self.conn.commit()
        self.pending = 0


def capture(session, metadata: sa.MetaData, before: dict[str, int]) -> dict[str, list[dict]]:
    """Every row a template made: rows with ids above the watermark taken before it."""
    rows = {}
    for t in metadata.sorted_tables:
        if t.name in SKIP or "id" not in t.c:
            continue
        found = [dict(r._mapping) for r in session.execute(
            sa.select(t).where(t.c.id > before.get(t.name, 0)).order_by(t.c.id))]
        if found:
            rows[t.name] = found
    return rows


def watermarks(session, metadata: sa.MetaData) -> dict[str, int]:
    return {t.name: session.scalar(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0)))
            for t in metadata.sorted_tables if "id" in t.c and t.name not in SKIP}


class Cloner:
    """Copies one template many times."""

    def __init__(self, name: str, rows: dict[str, list[dict]], metadata: sa.MetaData, demo: dict) -> None:
        self.name, self.rows = name, rows
        self.order_row = rows["orders"][0]
        self.case_row = rows.get("cases", [None])[0]
        self.start = self.order_row["created_at"]
        self.end = max(e["created_at"] for e in rows["events"])      # the last thing that happened
        self.demo = demo
        self.fks: dict[str, dict[str, str]] = {}
        self.times: dict[str, list[str]] = {}
        self.dates: dict[str, list[str]] = {}
        self.texts: dict[str, list[str]] = {}
        for name_, table_rows in rows.items():
            t = metadata.tables[name_]
            self.fks[name_] = {c.name: next(iter(c.foreign_keys)).column.table.name for c in t.columns
                               if c.foreign_keys}
            self.times[name_] = [c.name for c in t.columns if isinstance(c.type, sa.types.TypeDecorator)]
            self.dates[name_] = [c.name for c in t.columns if type(c.type) is sa.Date]
            self.texts[name_] = [c.name for c in t.columns if isinstance(c.type, (sa.String, sa.Text))
                                 and not isinstance(c.type, sa.Enum)]
        self.arbitrators = sorted({r["arbitrator_id"] for r in rows.get("cases", []) if r["arbitrator_id"]}
                                  | {r["issued_by_id"] for r in rows.get("rulings", []) if r["issued_by_id"]})
        self.tpl_case_number = self.case_row["number"] if self.case_row else None
        self.tpl_order_number = self.order_row["number"]

    def clone(self, w: Writer, ids: dict[str, int], shift: dt.timedelta, buyer: int, merchant: int, staff: int,
              arbitrators: list[int], order_number: str, case_number: str | None) -> None:
        idmap: dict[str, dict[int, int]] = {}
        for table, table_rows in self.rows.items():
            m = idmap[table] = {}
            for r in table_rows:
                ids[table] += 1
                m[r["id"]] = ids[table]
        users = {self.demo["buyer"]: buyer, self.demo["staff"]: staff}
        users.update(zip(self.arbitrators, arbitrators))
        merchants = {self.demo["merchant"]: merchant}
        replace = [(self.tpl_order_number, order_number)]
        if case_number:
            replace.append((self.tpl_case_number, case_number))
        chains: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for table, table_rows in self.rows.items():
            fks, times, dates, texts = self.fks[table], self.times[table], self.dates[table], self.texts[table]
            m = idmap[table]
            has_subject = "subject_type" in table_rows[0]
            for r in table_rows:
                n = dict(r)
                n["id"] = m[r["id"]]
                for col, target in fks.items():
                    v = r[col]
                    if v is None:
                        continue
                    if target == "users":
                        n[col] = users.get(v, v)
                    elif target == "merchants":
                        n[col] = merchants.get(v, v)
                    elif target in idmap:
                        n[col] = idmap[target].get(v, v)
                for col in times:
                    v = r[col]
                    if v is not None and v.year < 9000:
                        n[col] = v + shift
                for col in dates:
                    if r[col] is not None:
                        n[col] = r[col] + dt.timedelta(days=shift.days)
                for col in texts:
                    v = r[col]
                    if v and ("KM" in v or "ARB-" in v):
                        for old, new in replace:
                            v = v.replace(old, new)
                        n[col] = v
                if has_subject:
                    target = SUBJECT_TABLES.get(r["subject_type"])
                    if target in idmap:
                        n["subject_id"] = str(idmap[target][int(r["subject_id"])])
                if table == "evidence":
                    n["storage_key"] = f"{r['storage_key']}.gen{n['id']}"
                if table == "events":
                    data = json.loads(n["data_json"])
                    if "deadline_id" in data:
                        data["deadline_id"] = idmap["deadlines"].get(data["deadline_id"], data["deadline_id"])
                        n["data_json"] = canonical_json(data)
                    chains[(n["subject_type"], n["subject_id"])].append(n)
                    continue
                w.add(table, n)
        key_id, key = audit_keys.current()          # the chains are keyed as the app keys them (HMAC)
        for (stype, sid), events in chains.items():
            prev = GENESIS
            for ev in events:
                ev["prev_hash"], ev["key_id"] = prev, key_id
                ev["hash"] = prev = event_hash(prev, seq=ev["seq"], subject_type=stype, subject_id=sid,
                                               actor_id=ev["actor_id"], actor_role=ev["actor_role"],
                                               action=ev["action"], created_at=ev["created_at"],
                                               data_json=ev["data_json"], key=key)
                w.add("events", ev)
            w.add("event_chain_heads", {"subject_type": stype, "subject_id": sid, "seq": events[-1]["seq"],
                                        "hash": prev})


def make_people(w: Writer, base: tuple[dict, dict], pw: str, ids: dict[str, int], now: dt.datetime, n_merchants: int,
                n_buyers: int, n_arbitrators: int) -> tuple[list[int], dict[int, int], list[int], list[int]]:
    """Merchants (one staff user each), buyers and arbitrators, in bulk; all with PASSWORD."""
    merchant_row, user_row = base
    merchants, staff, buyers, arbitrators = [], {}, [], []
    for i in range(n_merchants):
        ids["merchants"] += 1
        mid = ids["merchants"]
        w.add("merchants", {**merchant_row, "id": mid, "name": f"卡盟商家{i:05d}", "kind": "agent" if i % 3 else
                            "official", "created_at": now})
        merchants.append(mid)

    def user(username, display, role, merchant_id=None):
        ids["users"] += 1
        w.add("users", {**user_row, "id": ids["users"], "username": username, "display_name": display, "role": role,
                        "merchant_id": merchant_id, "password_hash": pw, "email": None,
                        "session_nonce": os.urandom(16).hex(), "created_at": now, "last_login_at": None})
        return ids["users"]

    for i, mid in enumerate(merchants):
        staff[mid] = user(f"staff{i:05d}", f"商家客服{i:05d}", "merchant_staff", mid)
    for i in range(n_buyers):
        buyers.append(user(f"b{i:06d}", f"买家{i:06d}", "buyer"))
    for i in range(n_arbitrators):
        arbitrators.append(user(f"arb{i:03d}", f"仲裁员{i:03d}", "arbitrator"))
    return merchants, staff, buyers, arbitrators


def build_templates(app, at: dt.datetime):
    """Make one history per path through the services; return {name: (kind, share, rows)}."""
    from arbitration.db import commit, db
    from bench import templates as T

    session = db.session
    metadata = db.metadata
    p = T.people()
    made = {}
    paths = [(name, "case", maker, share, is_open) for name, (maker, share, is_open) in T.CASE_PATHS.items()]
    paths += [(name, "order", maker, share, is_open) for name, (maker, share, is_open) in T.ORDER_PATHS.items()]
    for i, (name, kind, maker, share, is_open) in enumerate(paths):
        before = watermarks(session, metadata)
        maker(p, at + dt.timedelta(days=20 * i))
        session.flush()
        rows = capture(session, metadata, before)
        made[name] = (kind, share, is_open, rows)
    commit()
    demo = {"buyer": p.buyer.id, "staff": p.staff.id, "merchant": p.merchant.id}
    return made, demo


def generate(url: str, n_orders: int, n_cases: int, n_merchants: int, n_buyers: int, n_arbitrators: int,
             seed: int, span_days: int, now: dt.datetime | None = None) -> dict:
    from flask_migrate import upgrade

    from arbitration import clock, create_app
    from arbitration.auth.models import User
    from arbitration.auth.services import hash_password
    from arbitration.db import commit, db
    from arbitration.merchants.models import Merchant
    from arbitration.seed import seed_demo

    rng = random.Random(seed)
    t0 = time.perf_counter()
    app = create_app({"DATABASE_URL": url, "EMBEDDED_WORKER": False, "JOBS_IMMEDIATE": False})
    stats: dict = {}
    with app.app_context():
        upgrade()
        seed_demo()
        commit()
        now = now or clock.now_utc()
        templates, demo = build_templates(app, dt.datetime(2020, 1, 6, 2, tzinfo=dt.timezone.utc))
        log(f"schema, demo data and {len(templates)} templates in {time.perf_counter() - t0:.1f} s")
        metadata = db.metadata
        session = db.session
        ids = {t.name: session.scalar(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0)))
               for t in metadata.sorted_tables if "id" in t.c}
        counter_last = dict(session.execute(sa.text("SELECT year, last FROM case_number_counters")).all())
        base = (dict(session.execute(sa.select(Merchant.__table__).order_by(Merchant.id).limit(1)).one()._mapping),
                dict(session.execute(sa.select(User.__table__).where(User.username == "buyer")).one()._mapping))
        session.close()
        pw = hash_password(PASSWORD)
        with db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # no FK triggers while copying: ids come from the templates' own rows (the SQLite run, which
                # checks every foreign key, is the test of the mapping: tests/integration/test_generator.py)
                conn.exec_driver_sql("SET session_replication_role = replica")
            w = Writer(conn, metadata)
            merchants, staff, buyers, arbitrators = make_people(w, base, pw, ids, now, n_merchants, n_buyers,
                                                                n_arbitrators)
            cloners = {name: Cloner(name, rows, metadata, demo) for name, (_, _, _, rows) in templates.items()}
            plan = []
            for name, (kind, share, is_open, _) in templates.items():
                total = n_cases if kind == "case" else n_orders - n_cases
                plan += [name] * round(total * share)
            rng.shuffle(plan)
            order_seq = 0
            done = 0
            t1 = time.perf_counter()
            for name in plan:
                c = cloners[name]
                is_open = templates[name][2]
                if is_open:   # its last step within the last 20 hours: its deadline runs now
                    end = now - dt.timedelta(seconds=rng.uniform(0, 20 * 3600))
                    shift = end - c.end
                else:         # somewhere in the history, finished before the last 30 days
                    start = now - dt.timedelta(days=rng.uniform(30, span_days))
                    shift = start - c.start
                    if c.end + shift > now - dt.timedelta(days=1):
                        shift -= (c.end + shift) - (now - dt.timedelta(days=1))
                shift = dt.timedelta(seconds=int(shift.total_seconds()))
                mid = merchants[rng.randrange(len(merchants))]
                arbs = rng.sample(arbitrators, len(c.arbitrators)) if c.arbitrators else []
                order_seq += 1
                created = c.start + shift
                order_number = f"KM{created.astimezone(CHINA):%Y%m%d%H%M}{order_seq:07d}"
                case_number = None
                if c.case_row is not None:
                    year = (c.case_row["opened_at"] + shift).astimezone(CHINA).year
                    counter_last[year] = counter_last.get(year, 0) + 1
                    case_number = f"ARB-{year}-{counter_last[year]:06d}"
                c.clone(w, ids, shift, buyers[rng.randrange(len(buyers))], mid, staff[mid], arbs, order_number,
                        case_number)
                done += 1
                if done % 50_000 == 0:
                    rate = done / (time.perf_counter() - t1)
                    log(f"{done:,}/{len(plan):,} histories ({rate:,.0f}/s)")
            w.flush()
            # the demo users too get PASSWORD (seed-demo printed random ones, and nobody kept them)
            conn.execute(sa.text("UPDATE users SET password_hash = :pw WHERE password_hash <> :pw"), {"pw": pw})
            conn.commit()
            for year, last in counter_last.items():
                conn.execute(sa.text("DELETE FROM case_number_counters WHERE year = :y"), {"y": year})
                conn.execute(sa.text("INSERT INTO case_number_counters (year, last) VALUES (:y, :l)"),
                             {"y": year, "l": last})
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET session_replication_role = DEFAULT")
                for t in metadata.sorted_tables:
                    if "id" in t.c and isinstance(t.c.id.type, sa.Integer) and t.c.id.autoincrement is not False:
                        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                                             f"(SELECT coalesce(max(id), 1) FROM \"{t.name}\"))")
            conn.commit()
            t_rollups = time.perf_counter()
            stats["rollup_cases"] = rollups.rebuild(conn)       # the copies were bulk-inserted: sum the figures
            conn.commit()
            stats["rollups_seconds"] = time.perf_counter() - t_rollups
            log(f"statistics' roll-ups from {stats['rollup_cases']:,} cases in {stats['rollups_seconds']:.1f} s")
            stats["rows"] = dict(w.written)
            stats["histories"] = len(plan)
            stats["load_seconds"] = time.perf_counter() - t1
            log(f"{len(plan):,} histories written in {stats['load_seconds']:.1f} s")
        t2 = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")
        stats["analyze_seconds"] = time.perf_counter() - t2
    stats["total_seconds"] = time.perf_counter() - t0
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--merchants", type=int, default=2_000)
    parser.add_argument("--buyers", type=int, default=300_000)
    parser.add_argument("--arbitrators", type=int, default=60)
    parser.add_argument("--span-days", type=int, default=730, help="how far back the history goes")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--now", help="the history ends at this ISO time (default: now); in the past, every "
                                      "running deadline is already due")
    args = parser.parse_args()
    now = dt.datetime.fromisoformat(args.now) if args.now else None
    stats = generate(args.url, args.orders, args.cases, args.merchants, args.buyers, args.arbitrators, args.seed,
                     args.span_days, now=now)
    out = io.StringIO()
    json.dump(stats, out, indent=1)
    print(out.getvalue())


if __name__ == "__main__":
    main()

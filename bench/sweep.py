"""Benchmark: the deadline sweep applying N due deadlines (default 100,000) with their full consequences (state
changes, events, notifications, new deadlines), against a raw bulk UPDATE marking the same rows applied.

    .venv/bin/python bench/sweep.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale10 --runs 3
    .venv/bin/python bench/sweep.py --url sqlite:////tmp/scale10.db --runs 3
    .venv/bin/python bench/sweep.py --url ... --deadlines 2000 --runs 5 --path both      # set-based and per-deadline
    .venv/bin/python bench/sweep.py --url .../scale_N --in-place --deadlines 100000 --runs 1 --no-reminders

The database made by bench/generate.py is the template: every run works on a fresh copy (PostgreSQL:
CREATE DATABASE ... TEMPLATE; SQLite: a file copy), in a fresh process. The sweep's `now` is the due time of
the N-th pending deadline, so exactly the first N (in due order) are due. The sweep's process samples its
VmRSS every 50 ms; the peak minus the resident size before the sweep is its memory growth, reported with the
growth after the first tenth of the deadlines (constant memory: the two are close). `--path` picks the sweep's
set-based path ("sweep" in the figures), its per-deadline path ("one-by-one"), or both side by side, each on its own
copy. `--in-place` (for a full-size copy there is disk for only once) makes no copies: the raw UPDATE of the N rows
is timed and rolled back, then the sweep applies them on the database itself.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402


def rss() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) * 1024


def due_time(url: str, n: int) -> tuple[dt.datetime, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        pending = conn.execute(sa.text("SELECT count(*) FROM deadlines WHERE state = 'pending'")).scalar()
        row = conn.execute(sa.text("SELECT due_at FROM deadlines WHERE state = 'pending' ORDER BY due_at, id "
                                   "LIMIT 1 OFFSET :o"), {"o": min(n, pending) - 1}).scalar()
        if isinstance(row, str):
            row = dt.datetime.fromisoformat(row)
        now = row.replace(tzinfo=dt.timezone.utc)
        due = conn.execute(sa.text("SELECT count(*) FROM deadlines WHERE state = 'pending' AND due_at <= :n"),
                           {"n": now.replace(tzinfo=None)}).scalar()
    engine.dispose()
    return now, due


def copy_db(url: str, name: str) -> str:
    if url.startswith("sqlite"):
        src = url.split("///", 1)[1]
        dst = f"{src}.{name}"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(src + suffix):
                shutil.copyfile(src + suffix, dst + suffix)
            elif os.path.exists(dst + suffix):
                os.remove(dst + suffix)
        return f"sqlite:///{dst}"
    base, dbname = url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {dbname}_{name}")
        conn.exec_driver_sql(f"CREATE DATABASE {dbname}_{name} TEMPLATE {dbname}")
    admin.dispose()
    return f"{base}/{dbname}_{name}"


def drop_db(url: str) -> None:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    base, dbname = url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {dbname}")
    admin.dispose()


def run_sweep(url: str, now: dt.datetime, batch_size: int, reminders: bool = True, batched: bool = True) -> dict:
    from arbitration import create_app
    from arbitration.db import db
    from arbitration.deadlines import services

    app = create_app({"DATABASE_URL": url, "EMBEDDED_WORKER": False})
    peak = {"v": 0}
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            peak["v"] = max(peak["v"], rss())

    with app.app_context():
        db.session.execute(sa.text("SELECT 1")).all()   # connect, import everything, before the baseline
        db.session.rollback()
        before = rss()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # the first tenth, to see whether memory grows with the number applied
        total = services.SweepResult()
        started_at = time.time()
        t0 = time.perf_counter()
        first_batches = max(1, services_count(url, now) // 10 // batch_size)
        send_reminders, services.send_reminders = services.send_reminders, lambda now, batch_size: 0
        try:   # the deadlines' consequences alone; the reminders the same sweep sends are timed apart
            part = services.sweep(now=now, batch_size=batch_size, max_batches=first_batches, batched=batched)
            growth_tenth = max(peak["v"], rss()) - before
            rest = services.sweep(now=now, batch_size=batch_size, batched=batched)
        finally:
            services.send_reminders = send_reminders
        elapsed = time.perf_counter() - t0
        ended_at = time.time()
        t1 = time.perf_counter()
        reminded = services.send_reminders(now, batch_size) if reminders else 0
        reminders_seconds = time.perf_counter() - t1
        done.set()
        sampler.join()
        total.applied = part.applied + rest.applied
        total.failed = part.failed + rest.failed
        total.batched = part.batched + rest.batched
        total.deferred = part.deferred + rest.deferred
        total.reminded = reminded
        left = db.session.execute(sa.text("SELECT count(*) FROM deadlines WHERE state = 'pending' AND due_at <= :n"),
                                  {"n": now.replace(tzinfo=None)}).scalar()
        db.session.rollback()
    return {"seconds": elapsed, "start": started_at, "end": ended_at, "applied": total.applied,
            "failed": total.failed, "reminded": total.reminded, "batched": total.batched,
            "deferred": total.deferred, "batched_path": batched,
            "left_due": left, "rate": total.applied / elapsed, "reminders_seconds": reminders_seconds,
            "growth_tenth_mib": growth_tenth / 2**20,
            "growth_mib": (max(peak["v"], rss()) - before) / 2**20}


def services_count(url: str, now: dt.datetime) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM deadlines WHERE state = 'pending' AND due_at <= :n"),
                         {"n": now.replace(tzinfo=None)}).scalar()
    engine.dispose()
    return n


def run_raw(url: str, now: dt.datetime, undo: bool = False) -> dict:
    """`undo`: time the UPDATE, then roll it back instead of committing (--in-place: the same rows are swept next)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        conn.commit()
        t0 = time.perf_counter()
        n = conn.execute(sa.text("UPDATE deadlines SET state = 'applied', closed_at = :n "
                                 "WHERE state = 'pending' AND due_at <= :n"), {"n": now.replace(tzinfo=None)}).rowcount
        if undo:
            elapsed = time.perf_counter() - t0
            conn.rollback()
        else:
            conn.commit()
            elapsed = time.perf_counter() - t0
    engine.dispose()
    return {"seconds": elapsed, "applied": n, "rate": n / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="the generated database (left unchanged)")
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--once", choices=("sweep", "one-by-one", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    parser.add_argument("--no-reminders", action="store_true", help="skip the reminders after the sweep")
    parser.add_argument("--sweepers", type=int, default=1, help="sweep processes at once on the same database")
    parser.add_argument("--json", help="write the figures here too")
    parser.add_argument("--path", choices=("batched", "one-by-one", "both"), default="batched",
                        help="the sweep's set-based path (default), the per-deadline path, or both side by side")
    parser.add_argument("--in-place", action="store_true",
                        help="no copies: each run sweeps the next N due deadlines of this database itself, after "
                             "timing the raw UPDATE of the same rows rolled back (the database is consumed)")
    args = parser.parse_args()
    if args.once:
        now = dt.datetime.fromisoformat(args.now)
        out = run_sweep(args.url, now, args.batch_size, not args.no_reminders, args.once == "sweep") \
            if args.once in ("sweep", "one-by-one") else run_raw(args.url, now, undo=args.in_place)
        print(json.dumps(out))
        return
    if args.in_place and args.path == "both":
        parser.error("--in-place sweeps the database itself: one path at a time")
    paths = {"batched": ["sweep"], "one-by-one": ["one-by-one"], "both": ["sweep", "one-by-one"]}[args.path]
    results: dict[str, list[dict]] = {"raw": [], "sweep": [], "one-by-one": []}
    now, due = due_time(args.url, args.deadlines)
    print(f"sweep time {now.isoformat()}: {due:,} pending deadlines due", flush=True)
    for i in range(args.runs):
        order = ["raw", *paths] if i % 2 == 0 or args.in_place else [*paths[::-1], "raw"]
        if args.in_place and i:
            now, due = due_time(args.url, args.deadlines)
            print(f"run {i + 1}: sweep time {now.isoformat()}: {due:,} pending deadlines due", flush=True)
        for mode in order:
            copy = args.url if args.in_place else copy_db(args.url, f"run_{mode.replace('-', '_')}")
            env = {**os.environ, "ARBITRATION_QUEUE_URL": os.environ.get("ARBITRATION_QUEUE_URL",
                                                                         "redis://127.0.0.1:6379/9")}
            count = args.sweepers if mode == "sweep" else 1
            procs = [subprocess.Popen([sys.executable, __file__, "--url", copy, "--once", mode, "--now",
                                       now.isoformat(), "--batch-size", str(args.batch_size),
                                       *(["--no-reminders"] if args.no_reminders else []),
                                       *(["--in-place"] if args.in_place else [])],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                     for _ in range(count)]
            outs = [p.communicate() for p in procs]
            if not args.in_place:
                drop_db(copy)
            if any(p.returncode for p in procs):
                raise SystemExit("\n".join(err[-3000:] for _, err in outs))
            parts = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
            res = parts[0]
            if count > 1:   # several sweepers on one database: their applied deadlines over the wall time
                wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
                res = {"seconds": wall, "applied": sum(p["applied"] for p in parts),
                       "failed": sum(p["failed"] for p in parts), "left_due": max(p["left_due"] for p in parts),
                       "growth_mib": max(p["growth_mib"] for p in parts),
                       "growth_tenth_mib": max(p["growth_tenth_mib"] for p in parts), "sweepers": count}
                res["rate"] = res["applied"] / wall
            results[mode].append(res)
            print(f"run {i + 1} {mode}: {json.dumps(res)}", flush=True)
    raw = [r["rate"] for r in results["raw"]]
    summary = {
        "due": due, "now": now.isoformat(), "runs": args.runs, "batch_size": args.batch_size,
        "sweepers": args.sweepers, "in_place": args.in_place,
        "raw_rate_median": statistics.median(raw), "raw_rate_min": min(raw), "raw_rate_max": max(raw),
        "results": results,
    }
    for mode in paths:
        swept = [r["rate"] for r in results[mode]]
        summary[mode] = {
            "rate_median": statistics.median(swept), "rate_min": min(swept), "rate_max": max(swept),
            "ratio_of_medians": statistics.median(swept) / statistics.median(raw),
            "ratio_run_by_run": [round(s / r, 4) for s, r in zip(swept, raw)],
            "growth_mib": [round(r["growth_mib"], 1) for r in results[mode]],
            "growth_tenth_mib": [round(r["growth_tenth_mib"], 1) for r in results[mode]],
        }
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()

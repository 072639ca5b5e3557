"""Benchmark: a bulk export of N cases (default 1,000) as the export job builds it — one dossier PDF per
case, manifests, the ZIP streamed to the store — with every core vs. one core, and the peak memory of the
whole export (this process plus its rendering workers, sampled every 50 ms).

    .venv/bin/python bench/export_dossiers.py --cases 1000 --runs 3

The cases are made once through the real services in a fresh SQLite instance (a third of them ruled with
citations, a quarter with an evidence file); each run then builds an export of all of them.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def tree_rss(pid: int) -> int:
    """VmRSS of a process and all its descendants, in bytes."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


class PeakSampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self._done = 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak = max(self.peak, tree_rss(os.getpid()))

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def build_once(processes: int) -> dict:
    """One export of every case, in this (fresh) process; its figures as a dict."""
    from arbitration import create_app
    from arbitration.auth.models import User
    from arbitration.cases.filters import CaseFilter
    from arbitration.db import commit, db
    from arbitration.oversight import exports

    app = create_app({"EMBEDDED_WORKER": False})
    with app.app_context():
        regulator = db.session.scalar(db_select(User).where(User.username == "regulator"))
        export = exports.request_export(regulator, CaseFilter(), enqueue=False)
        commit()
        sampler = PeakSampler()
        sampler.start()
        t0 = time.perf_counter()
        export = exports.build(export.id, processes=processes)
        elapsed = time.perf_counter() - t0
        peak = sampler.stop()
        assert export.state == "done", export.error
        return {"cases": export.total, "seconds": elapsed, "rate": export.total / elapsed, "peak_mib": peak / 2**20,
                "zip_mib": export.zip_size / 2**20}


def db_select(*what):
    import sqlalchemy as sa

    return sa.select(*what)


def make_instance(folder: Path, cases: int) -> None:
    from flask_migrate import upgrade

    from arbitration import clock, create_app
    from arbitration.auth.models import User
    from arbitration.db import commit, db
    from arbitration.merchants.models import Merchant
    from arbitration.seed import seed_demo
    from bench.data import make_cases

    app = create_app({"EMBEDDED_WORKER": False})
    with app.app_context():
        upgrade()
        seed_demo()
        users = {u.username: u for u in db.session.scalars(db_select(User).where(
            User.username.in_(("buyer", "merchant", "agent"))))}
        staff = {db.session.get(Merchant, users[n].merchant_id): users[n] for n in ("merchant", "agent")}
        started = time.perf_counter()
        make_cases(cases, buyer=users["buyer"], staff_by_merchant=staff, now=clock.now_utc())
        commit()
        print(f"{cases} cases made in {time.perf_counter() - started:.0f} s in {folder}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--instance", help="reuse an instance folder made by an earlier run")
    parser.add_argument("--build-once", type=int, metavar="PROCESSES", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_once:
        print(json.dumps(build_once(args.build_once)))
        return
    folder = Path(args.instance or tempfile.mkdtemp(prefix="bench-export-"))
    env = {**os.environ, "ARBITRATION_INSTANCE_PATH": str(folder), "ARBITRATION_RISK_ORDERS": str(10**9)}
    os.environ.update(env)
    if not args.instance:
        make_instance(folder, args.cases)
    results = {}
    for label, processes in (("one core", 1), (f"{args.processes} processes", args.processes)):
        runs = []
        for run in range(args.runs):   # each run in a fresh process: its memory is the export's own
            out = subprocess.run([sys.executable, __file__, "--build-once", str(processes)], env=env, check=True,
                                 capture_output=True, text=True).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            runs.append(figures)
            print(f"  {label} run {run + 1}: {figures['rate']:.2f} dossiers/s ({figures['seconds']:.1f} s for "
                  f"{figures['cases']}), peak {figures['peak_mib']:.0f} MiB, ZIP {figures['zip_mib']:.1f} MiB",
                  flush=True)
        rates, peaks = [r["rate"] for r in runs], [r["peak_mib"] for r in runs]
        results[label] = {"median_rate": statistics.median(rates), "min_rate": min(rates), "max_rate": max(rates),
                          "median_peak_mib": statistics.median(peaks), "max_peak_mib": max(peaks)}
    one, many = results["one core"], results[f"{args.processes} processes"]
    print(json.dumps({"cpu_count": os.cpu_count(), "results": results,
                      "speedup": many["median_rate"] / one["median_rate"]}, indent=2))


if __name__ == "__main__":
    main()

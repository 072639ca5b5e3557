"""Benchmark (issue 6, gathered by issue 10): rendering a ruling document as the queue's job does (the print
template in Chinese, laid out by WeasyPrint as PDF/A-3b with the CJK fonts embedded as subsets) against a plain
WeasyPrint render of the same HTML (`HTML(string=…).write_pdf()`), in the same process, interleaved; then the
peak memory of a fresh process rendering 50 rulings one after the other.

    .venv/bin/python bench/render_ruling.py --runs 15 --renders 50

The ruling is the demo's issued ruling (seed-demo), in a fresh SQLite instance.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ruling(app):
    import sqlalchemy as sa

    from arbitration.db import db
    from arbitration.rulings.models import Ruling

    return db.session.scalar(sa.select(Ruling).order_by(Ruling.id).limit(1))


def measure_speed(runs: int) -> dict:
    """Interleaved: ours (the job's whole render, context to PDF/A bytes) and plain WeasyPrint on its HTML."""
    from flask import render_template
    from flask_babel import force_locale
    from pypdf import PdfReader
    from weasyprint import HTML

    from arbitration import create_app, settle_heap
    from arbitration.rulings.pdf import ruling_context, ruling_pdf

    app = create_app({"EMBEDDED_WORKER": False})
    settle_heap()                  # as the queue's consumer (worker.py) and `flask serve` do
    with app.app_context(), app.test_request_context():
        ruling = _ruling(app)
        with force_locale("zh"):
            html = render_template("rulings/print.html", **ruling_context(ruling))
        pages = len(PdfReader(io.BytesIO(ruling_pdf(ruling))).pages)      # warm-up too
        HTML(string=html).write_pdf()
        ours, plain = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            ruling_pdf(ruling)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            HTML(string=html).write_pdf()
            plain.append(time.perf_counter() - t0)
    return {"pages": pages, "ours": ours, "plain": plain}


def measure_memory(renders: int) -> dict:
    """Peak resident size (VmHWM) of this fresh process over `renders` rulings."""
    from arbitration import create_app, settle_heap
    from arbitration.rulings.pdf import ruling_pdf

    def vm(field: str) -> int:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith(field)) * 1024

    app = create_app({"EMBEDDED_WORKER": False})
    settle_heap()
    with app.app_context(), app.test_request_context():
        ruling = _ruling(app)
        before = vm("VmRSS:")
        after_first = None
        for i in range(renders):
            ruling_pdf(ruling)
            if i == 0:
                after_first = vm("VmRSS:")
        return {"renders": renders, "before_mib": before / 2**20, "after_first_mib": after_first / 2**20,
                "end_mib": vm("VmRSS:") / 2**20, "peak_mib": vm("VmHWM:") / 2**20}


def make_instance() -> None:
    from flask_migrate import upgrade

    from arbitration import create_app
    from arbitration.db import commit
    from arbitration.seed import seed_demo

    app = create_app({"EMBEDDED_WORKER": False})
    with app.app_context():
        upgrade()
        seed_demo()
        commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15, help="timed renders of each kind")
    parser.add_argument("--renders", type=int, default=50, help="renders in the memory run")
    parser.add_argument("--speed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed:
        print(json.dumps(measure_speed(args.speed)))
        return
    if args.memory:
        print(json.dumps(measure_memory(args.memory)))
        return
    folder = tempfile.mkdtemp(prefix="bench-ruling-")
    env = {**os.environ, "ARBITRATION_INSTANCE_PATH": folder}
    os.environ.update(env)
    make_instance()

    def child(*flags) -> dict:
        out = subprocess.run([sys.executable, __file__, *flags], env=env, check=True, capture_output=True,
                             text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    speed = child("--speed", str(args.runs))
    ours, plain = statistics.median(speed["ours"]), statistics.median(speed["plain"])
    ratios = sorted(o / p for o, p in zip(speed["ours"], speed["plain"]))
    print(f"ruling of {speed['pages']} pages, {args.runs} interleaved renders of each")
    print(f"  ours (context + template + PDF/A-3b): median {ours:.3f} s ({min(speed['ours']):.3f}–"
          f"{max(speed['ours']):.3f})")
    print(f"  plain WeasyPrint of the same HTML:    median {plain:.3f} s ({min(speed['plain']):.3f}–"
          f"{max(speed['plain']):.3f})")
    print(f"  ratio of medians {ours / plain:.2f}; run-by-run ratios {ratios[0]:.2f}–{ratios[-1]:.2f}, "
          f"median {statistics.median(ratios):.2f}  (target ≤ 1.2)")
    memory = child("--memory", str(args.renders))
    print(f"memory over {memory['renders']} renders in a fresh process: before {memory['before_mib']:.0f} MiB, "
          f"after the first {memory['after_first_mib']:.0f} MiB, at the end {memory['end_mib']:.0f} MiB, "
          f"peak {memory['peak_mib']:.0f} MiB  (target < 300)")


if __name__ == "__main__":
    main()

"""Benchmark (issue 20): what signing adds to a ruling's render. In one process, interleaved: today's render
(context + template + WeasyPrint PDF/A-3b, unsigned) and the issued document's render (the same, then the PAdES
signature with its visible block and an RFC 3161 timestamp from a time stamping authority on 127.0.0.1: the
tests' local TSA, pyHanko's responder behind http.server, in a process of its own). Then a day's anchor of the
event log: `anchors.take()` (every chain head read, the Merkle root, the leaves compressed and stored) over N
generated chains in SQLite.

    .venv/bin/python bench/sign_ruling.py --runs 15 --chains 200000

The ruling is the demo's issued ruling (seed-demo), in a fresh SQLite instance.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure_signing(runs: int, tsa_folder: Path) -> dict:
    from flask import render_template
    from flask_babel import force_locale

    from arbitration import create_app, settle_heap
    from arbitration.pdf_render import html_to_pdf
    from arbitration.rulings.pdf import ruling_context, ruling_pdf
    from arbitration.signing import service as signing
    from bench.render_ruling import _ruling
    # the authority in a process of its own, as a real one would be (its work is not ours)
    tsa = subprocess.Popen([sys.executable, "-m", "tests.local_tsa", str(tsa_folder)], cwd=ROOT,
                           stdout=subprocess.PIPE, text=True)
    url, ca_file = tsa.stdout.readline().split()
    app = create_app({"EMBEDDED_WORKER": False, "TSA_URL": url, "TSA_CA": (ca_file,)})
    settle_heap()
    with app.app_context(), app.test_request_context():
        ruling = _ruling(app)

        def unsigned() -> bytes:             # today's render (ruling_pdf before issue 20)
            with force_locale("zh"):
                html = render_template("rulings/print.html", **ruling_context(ruling), draft=False)
            return html_to_pdf(html)

        signed = ruling_pdf(ruling)          # warm-up: development certificate, the stamp's font subset
        unsigned()
        report = signing.verify(signed)
        assert report.valid and report.check("timestamp").state == "ok", report
        today, ours, sign_only = [], [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            data = unsigned()
            today.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ruling_pdf(ruling)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            signing.sign(data, "ruling")
            sign_only.append(time.perf_counter() - t0)
    tsa.terminate()
    tsa.wait()
    return {"today": today, "ours": ours, "sign_only": sign_only, "size": len(signed)}


def measure_anchor(chains: int, runs: int) -> dict:
    import datetime as dt

    import sqlalchemy as sa

    from arbitration import create_app
    from arbitration.audit import anchors, merkle
    from arbitration.audit.models import ChainHead
    from arbitration.db import db

    app = create_app({"EMBEDDED_WORKER": False})
    with app.app_context():
        db.session.execute(sa.delete(ChainHead).where(ChainHead.subject_type == "bench"))
        rows = [{"subject_type": "bench", "subject_id": str(i), "seq": 7,
                 "hash": merkle.leaf("x", str(i), 7, "h").hex()} for i in range(chains)]
        for i in range(0, len(rows), 20000):
            db.session.execute(sa.insert(ChainHead), rows[i:i + 20000])
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(ChainHead))
        times, size = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            anchor = anchors.take(dt.datetime.now(dt.timezone.utc))
            db.session.commit()
            times.append(time.perf_counter() - t0)
            size = len(anchor.leaves)
        db.session.execute(sa.delete(ChainHead).where(ChainHead.subject_type == "bench"))
        db.session.commit()
    return {"chains": total, "times": times, "leaves_bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15, help="interleaved renders of each kind")
    parser.add_argument("--chains", type=int, default=200_000, help="chains in the anchor run")
    parser.add_argument("--anchor-runs", type=int, default=3)
    args = parser.parse_args()
    import os

    folder = tempfile.mkdtemp(prefix="bench-sign-")
    os.environ["ARBITRATION_INSTANCE_PATH"] = folder
    from bench.render_ruling import make_instance

    make_instance()
    s = measure_signing(args.runs, Path(folder) / "tsa")
    today, ours, sign_only = (statistics.median(s[k]) for k in ("today", "ours", "sign_only"))
    ratios = sorted(o / t for o, t in zip(s["ours"], s["today"]))
    print(f"ruling ({s['size'] // 1024} KiB signed), {args.runs} interleaved renders of each, local TSA in its "
          f"own process")
    print(f"  today (unsigned render):           median {today:.3f} s ({min(s['today']):.3f}–{max(s['today']):.3f})")
    print(f"  issued (render + sign + timestamp): median {ours:.3f} s ({min(s['ours']):.3f}–{max(s['ours']):.3f})")
    print(f"  signing + timestamp alone:          median {sign_only:.3f} s ({min(s['sign_only']):.3f}–"
          f"{max(s['sign_only']):.3f})")
    print(f"  added {ours - today:.3f} s (target ≤ 0.15 s); ratio of medians {ours / today:.2f}, run-by-run "
          f"{ratios[0]:.2f}–{ratios[-1]:.2f}, median {statistics.median(ratios):.2f} (target ≤ 1.5)")
    a = measure_anchor(args.chains, args.anchor_runs)
    print(f"anchor over {a['chains']} chains (SQLite): median {statistics.median(a['times']):.2f} s "
          f"({min(a['times']):.2f}–{max(a['times']):.2f}), leaves stored {a['leaves_bytes'] / 2**20:.1f} MiB, "
          f"plus one TSA request")


if __name__ == "__main__":
    main()

"""Benchmark: the regulator's pages that show figures, on a database filled by bench/generate.py (issue 21: the
statistics page ≤ 200 ms at p95 at full size), in process (Flask test client: the whole request, session,
queries, charts and template), logged in as the demo regulator; the app's heap settled (gc.freeze) as the served
app's is (wsgi.py, `flask serve`) unless --no-settle.

    .venv/bin/python bench/stats_page.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale10 --requests 40
    .venv/bin/python bench/stats_page.py --url … --scan 3     # also the same figures by full scans (the baseline)

Pages: /stats (the dashboard and every figure, no filter), /stats with a merchant, /stats with a date range,
the regulator's home page (the dashboard), the merchants' compliance table. Each page is requested
`--requests` times, interleaved with the others, after two warm-up requests; reported are p50 and p95. `--scan N`
then times N computations of the same figures by oversight.stats_scan (the full scans the page made before the
roll-ups), as the baseline the ratio is taken against.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ARBITRATION_QUEUE_URL", "redis://127.0.0.1:6379/9")   # never touch instance/jobs.db

import sqlalchemy as sa  # noqa: E402

PASSWORD = "bench-password"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--scan", type=int, default=0, help="also time N full-scan computations (the baseline)")
    parser.add_argument("--json", help="write the figures here too")
    parser.add_argument("--no-settle", action="store_true", help="skip settle_heap (gc.freeze), which the served "
                        "app does at start")
    args = parser.parse_args()

    from arbitration import create_app, settle_heap

    app = create_app({"DATABASE_URL": args.url, "EMBEDDED_WORKER": False, "WTF_CSRF_ENABLED": False})
    if not args.no_settle:
        settle_heap()           # as wsgi.py and `flask serve` do once the app is built
    engine = sa.create_engine(args.url)
    with engine.connect() as conn:
        merchant = conn.execute(sa.text("SELECT merchant_id FROM cases GROUP BY merchant_id ORDER BY count(*) DESC "
                                        "LIMIT 1")).scalar()
        cases = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar()
        rollup_rows = conn.execute(sa.text("SELECT count(*) FROM stats_opened")).scalar()
    engine.dispose()
    client = app.test_client()
    r = client.post("/login", data={"username": "regulator", "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    pages = {
        "/stats (dashboard + every figure)": "/stats",
        "/stats, one merchant": f"/stats?merchant_id={merchant}",
        "/stats, one month opened": "/stats?date_from=2026-06-01&date_to=2026-06-30",
        "home (the regulator's dashboard)": "/",
        "merchant compliance, last 12 months": "/oversight/merchants",
    }
    for path in pages.values():
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.requests):
        for name, path in pages.items():
            t0 = time.perf_counter()
            client.get(path)
            times[name].append(time.perf_counter() - t0)
    result = {"cases": cases, "stats_opened_rows": rollup_rows, "requests": args.requests, "pages": {}}
    print(f"{cases:,} cases, {rollup_rows:,} rows in stats_opened\n")
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in times.items():
        ms = [v * 1000 for v in values]
        result["pages"][name] = {"p50_ms": statistics.median(ms), "p95_ms": percentile(ms, 95), "max_ms": max(ms)}
        print(f"{name:<40} {statistics.median(ms):>8.1f} {percentile(ms, 95):>8.1f} {max(ms):>8.1f}")
    if args.scan:
        from arbitration.cases.filters import CaseFilter
        from arbitration.oversight import dashboard, rules, stats_scan

        with app.test_request_context("/stats"):
            today = dashboard.today()
            scans = []
            for _ in range(args.scan):
                t0 = time.perf_counter()
                for fn in stats_scan.FIGURES.values():
                    fn(CaseFilter())
                period = rules.last_days(today)
                stats_scan.headline(period)
                for what in ("opened", "closed"):
                    stats_scan.monthly(what, today)
                scans.append(time.perf_counter() - t0)
        ms = [s * 1000 for s in scans]
        result["scan_ms"] = ms
        page = result["pages"]["/stats (dashboard + every figure)"]["p50_ms"]
        print(f"\nthe same figures by full scans (the page before the roll-ups, queries only): median "
              f"{statistics.median(ms):.0f} ms over {len(ms)} (min {min(ms):.0f}, max {max(ms):.0f}); "
              f"the page now, whole request: {page:.1f} ms = {page / statistics.median(ms):.3f}×")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

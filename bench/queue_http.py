"""Benchmark: the arbitrator's queue page served by gunicorn on this machine's cores under wrk over loopback,
against the same template rendered from rows held in memory (bench/wsgi_bench.py), in the same run.

    .venv/bin/python bench/queue_http.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale10 --runs 5

gunicorn: `-w 2 -k gthread --threads 2` (2 cores), one warm-up run per page, then `--runs` runs of each page
taking turns, each `wrk -t1 -c4 -d<seconds>s --latency` with the arbitrator's session cookie and
`Connection: close` (unless --keep-alive). Reported per
page: requests/s and p99 latency, median (min–max) over runs; the ratio queue/in-memory run by run.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password"


def login(port: int, username: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    r = conn.getresponse()
    body = r.read().decode()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body) or \
        re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "username": username, "password": PASSWORD})
    conn.request("POST", "/login", body=form, headers={"Cookie": cookie,
                                                       "Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    assert r.status == 302, r.status
    return r.getheader("Set-Cookie").split(";")[0]


def wrk(port: int, path: str, cookie: str, seconds: int, connections: int, close: bool) -> dict:
    # "Connection: close": a new connection per request, so the kernel spreads requests over the workers;
    # with keep-alive, wrk's 4 connections stay wherever they were accepted (all on one worker, sometimes)
    extra = ["-H", "Connection: close"] if close else []
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}",
                          *extra, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert not errors, out
    return {"rps": rps, "p50_ms": ms("50%"), "p99_ms": ms("99%")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", help="default: the arbitrator with the most cases")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--keep-alive", action="store_true", help="reuse wrk's connections (see wrk())")
    parser.add_argument("--json")
    args = parser.parse_args()
    user = args.user
    if not user:
        import sqlalchemy as sa

        engine = sa.create_engine(args.url)
        with engine.connect() as conn:
            user = conn.execute(sa.text("SELECT u.username FROM cases c JOIN users u ON u.id = c.arbitrator_id "
                                        "GROUP BY u.username ORDER BY count(*) DESC LIMIT 1")).scalar()
        engine.dispose()
    instance = tempfile.mkdtemp(prefix="queue-http-")
    env = {**os.environ, "ARBITRATION_DATABASE_URL": args.url, "ARBITRATION_INSTANCE_PATH": instance,
           "ARBITRATION_QUEUE_URL": os.environ.get("ARBITRATION_QUEUE_URL", "redis://127.0.0.1:6379/9"),
           "ARBITRATION_SECRET_KEY": "bench-only-secret-key", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-k", "gthread",
                               "--threads", str(args.threads), "-b", f"127.0.0.1:{args.port}", "--log-level",
                               "warning", "bench.wsgi_bench:app"], env=env, cwd=ROOT, start_new_session=True)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/login")
                break
            except OSError:
                time.sleep(0.2)
        cookie = login(args.port, user)
        pages = {"queue (database)": "/cases", "same template, rows in memory": "/bench/queue-in-memory"}
        for path in pages.values():
            wrk(args.port, path, cookie, 3, args.connections, not args.keep_alive)   # warm-up every worker
        runs: dict[str, list[dict]] = {name: [] for name in pages}
        for i in range(args.runs):
            order = list(pages.items()) if i % 2 == 0 else list(reversed(pages.items()))
            for name, path in order:
                res = wrk(args.port, path, cookie, args.seconds, args.connections, not args.keep_alive)
                runs[name].append(res)
                print(f"run {i + 1} {name}: {res}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    db_runs, mem_runs = runs["queue (database)"], runs["same template, rows in memory"]
    summary = {"user": user, "runs": args.runs, "seconds": args.seconds, "connections": args.connections,
               "keep_alive": args.keep_alive,
               "gunicorn": f"-w {args.workers} -k gthread --threads {args.threads}", "pages": {}}
    for name, rs in runs.items():
        rps = [r["rps"] for r in rs]
        p99 = [r["p99_ms"] for r in rs]
        summary["pages"][name] = {"rps_median": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
                                  "p99_ms_median": statistics.median(p99), "p99_ms_min": min(p99),
                                  "p99_ms_max": max(p99), "p50_ms_median": statistics.median(r["p50_ms"] for r in rs)}
    ratios = [d["rps"] / m["rps"] for d, m in zip(db_runs, mem_runs)]
    summary["ratio_run_by_run"] = [round(r, 3) for r in ratios]
    summary["ratio_median"] = statistics.median(ratios)
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

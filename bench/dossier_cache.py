"""Benchmark: a case's dossier downloaded by a regulator, the first time (rendered) and again (the stored copy,
oversight/dossier_cache.py), through the whole app in process (Flask's test client: session, permission, key,
store, response).

    .venv/bin/python bench/dossier_cache.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale10 --cases 5

For each of `--cases` cases with the most events (every stage), the first download and `--again` downloads after
it are timed; reported: each case's first download and the median of its later ones, and the median over cases.
Writes dossiers into the instance's local store (a temporary folder) and `case.dossier_exported` events into the
database: run it on a copy.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--cases", type=int, default=5)
    parser.add_argument("--again", type=int, default=5)
    args = parser.parse_args()
    from arbitration import create_app

    store = tempfile.mkdtemp(prefix="dossier-bench-")
    # the instance folder stays the app's: its audit key is the one bench/generate.py keyed the chains with (under
    # another key every chain reads as broken, and a broken chain's dossier is rendered on every download)
    app = create_app({"DATABASE_URL": args.url, "EMBEDDED_WORKER": False, "STORAGE_URL": f"local://{store}/store",
                      "WTF_CSRF_ENABLED": False})
    engine = sa.create_engine(args.url)
    with engine.connect() as conn:
        regulator = conn.execute(sa.text("SELECT username FROM users WHERE role = 'regulator' ORDER BY id LIMIT 1")
                                 ).scalar()
        numbers = conn.execute(sa.text(
            "SELECT c.number FROM cases c JOIN event_chain_heads h ON h.subject_type = 'case' "
            "AND h.subject_id = CAST(c.id AS TEXT) ORDER BY h.seq DESC, c.id LIMIT :n"), {"n": args.cases}).scalars()
        numbers = list(numbers)
    engine.dispose()
    client = app.test_client()
    login = client.post("/login", data={"username": regulator, "password": "bench-password"})
    assert login.status_code == 302, login.status_code
    results = []
    for number in numbers:
        times = []
        for _ in range(1 + args.again):
            t0 = time.perf_counter()
            response = client.get(f"/cases/{number}/dossier")
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200 and response.data.startswith(b"%PDF"), response.status_code
        results.append({"case": number, "first_ms": round(times[0], 1),
                        "again_ms": round(statistics.median(times[1:]), 1), "again_max_ms": round(max(times[1:]), 1)})
        print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"first_ms_median": statistics.median(r["first_ms"] for r in results),
                      "again_ms_median": statistics.median(r["again_ms"] for r in results),
                      "again_ms_max": max(r["again_max_ms"] for r in results)}))


if __name__ == "__main__":
    main()

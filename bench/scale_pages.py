"""Benchmark: the case lists and the case page on a database filled by bench/generate.py, in process
(Flask test client: the whole request, session, queries and template), first page against a deep keyset page.

    .venv/bin/python bench/scale_pages.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale10 --rounds 7

Each round times `--requests` requests of every variant, interleaved; reported are the median over rounds of
each round's median request time, the spread (min–max of the round medians), and the ratio deep/first page
computed round by round. `--explain` prints PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of every list query.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ARBITRATION_QUEUE_URL", "redis://127.0.0.1:6379/9")   # never touch instance/jobs.db

import sqlalchemy as sa  # noqa: E402

PASSWORD = "bench-password"


def cursor_at(conn, where: str, params: dict, page: int, size: int = 20) -> str:
    """The keyset cursor that starts page `page` (found with OFFSET here, in the benchmark only)."""
    from arbitration.pagination import encode

    row = conn.execute(sa.text(f"SELECT queue_due_at, id FROM cases WHERE {where} ORDER BY queue_due_at, id "
                               f"LIMIT 1 OFFSET :off"), {**params, "off": (page - 1) * size - 1}).one()
    due = row[0]
    if isinstance(due, str):
        import datetime as dt

        due = dt.datetime.fromisoformat(due)
    return encode(due.replace(tzinfo=__import__("datetime").timezone.utc), row[1])


def pick_people(conn) -> dict:
    arb = conn.execute(sa.text("SELECT u.username, u.id, count(*) FROM cases c JOIN users u ON u.id = c.arbitrator_id "
                               "GROUP BY u.username, u.id ORDER BY count(*) DESC LIMIT 1")).one()
    staff = conn.execute(sa.text("SELECT u.username, u.merchant_id, count(*) FROM cases c JOIN users u "
                                 "ON u.merchant_id = c.merchant_id AND u.role = 'merchant_staff' "
                                 "GROUP BY u.username, u.merchant_id ORDER BY count(*) DESC LIMIT 1")).one()
    review = conn.execute(sa.text("SELECT number FROM cases WHERE state = 'review' AND arbitrator_id = :a "
                                  "ORDER BY id LIMIT 1"), {"a": arb[1]}).scalar()
    closed = conn.execute(sa.text("SELECT c.number FROM cases c JOIN rulings r ON r.case_id = c.id "
                                  "WHERE c.state = 'closed' AND c.arbitrator_id = :a ORDER BY c.id LIMIT 1"),
                          {"a": arb[1]}).scalar()
    total = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar()
    return {"arbitrator": arb[0], "arbitrator_id": arb[1], "arbitrator_cases": arb[2], "staff": staff[0],
            "merchant_id": staff[1], "merchant_cases": staff[2], "review_case": review, "closed_case": closed,
            "cases": total}


def timed(client, path: str) -> float:
    t0 = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - t0
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--deep-page", type=int, default=1000)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()

    from arbitration import create_app

    app = create_app({"DATABASE_URL": args.url, "EMBEDDED_WORKER": False, "WTF_CSRF_ENABLED": False})
    engine = sa.create_engine(args.url)
    with engine.connect() as conn:
        who = pick_people(conn)
        arb_pages = who["arbitrator_cases"] // 20
        arb_deep = min(args.deep_page, arb_pages)
        staff_deep = min(args.deep_page, who["merchant_cases"] // 20)
        cursors = {
            "supervisor": cursor_at(conn, "1=1", {}, args.deep_page),
            "arbitrator": cursor_at(conn, "arbitrator_id = :a", {"a": who["arbitrator_id"]}, arb_deep),
            "staff": cursor_at(conn, "merchant_id = :m", {"m": who["merchant_id"]}, staff_deep),
        }
    print(json.dumps(who, ensure_ascii=False), flush=True)
    clients = {}
    for name, username in (("supervisor", "supervisor"), ("arbitrator", who["arbitrator"]),
                           ("staff", who["staff"])):
        c = app.test_client()
        r = c.post("/login", data={"username": username, "password": PASSWORD})
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
        clients[name] = c
    variants = {
        "arbitrator queue, page 1": ("arbitrator", "/cases"),
        f"arbitrator queue, page {arb_deep} (last full)": ("arbitrator", f"/cases?after={cursors['arbitrator']}"),
        "all cases (supervisor), page 1": ("supervisor", "/cases"),
        f"all cases (supervisor), page {args.deep_page}": ("supervisor", f"/cases?after={cursors['supervisor']}"),
        "merchant's cases, page 1": ("staff", "/cases"),
        f"merchant's cases, page {staff_deep} (last full)": ("staff", f"/cases?after={cursors['staff']}"),
        "case page, in review": ("arbitrator", f"/cases/{who['review_case']}"),
        "case page, closed after a ruling": ("arbitrator", f"/cases/{who['closed_case']}"),
    }
    for name, (client, path) in variants.items():   # warm-up, and check each page has rows
        body = clients[client].get(path).get_data(as_text=True)
        assert len(re.findall(r"ARB-\d{4}-\d{6}", body)) >= 1, name
        for _ in range(3):
            timed(clients[client], path)
    rounds: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (client, path) in variants.items():
            rounds[name].append(statistics.median(timed(clients[client], path) for _ in range(args.requests)))
    names = list(variants)
    result = {"who": who, "rounds": args.rounds, "requests": args.requests, "variants": {}}
    print(f"\n{'page':<48} {'median ms':>10} {'spread (min–max)':>18}")
    for name in names:
        ms = [x * 1000 for x in rounds[name]]
        result["variants"][name] = {"median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms)}
        print(f"{name:<48} {statistics.median(ms):>10.2f} {min(ms):>8.2f}–{max(ms):<8.2f}")
    print("\nratios deep page / page 1 (round by round: median, min–max)")
    result["ratios"] = {}
    for first, deep in ((names[0], names[1]), (names[2], names[3]), (names[4], names[5])):
        per_round = [d / f for f, d in zip(rounds[first], rounds[deep])]
        result["ratios"][deep] = {"median": statistics.median(per_round), "min": min(per_round),
                                  "max": max(per_round)}
        print(f"{deep:<48} {statistics.median(per_round):.2f} ({min(per_round):.2f}–{max(per_round):.2f})")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if args.explain:
        explain(app, who, cursors, args.deep_page)


def explain(app, who: dict, cursors: dict, deep_page: int) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the list queries as the app sends them (PostgreSQL)."""
    from arbitration.auth.models import User
    from arbitration.cases import queries
    from arbitration.db import db

    with app.app_context():
        session = db.session
        statements = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", capture)
        try:
            for username, cursor in (("supervisor", None), ("supervisor", cursors["supervisor"]),
                                     (who["arbitrator"], cursors["arbitrator"]), (who["staff"], cursors["staff"])):
                user = session.scalar(sa.select(User).where(User.username == username))
                statements.clear()
                queries.case_list(user, cursor=cursor)
                for statement, params in statements:
                    if "FROM cases" not in statement or "ORDER BY" not in statement:
                        continue
                    conn = session.connection()
                    raw = conn.connection.dbapi_connection.cursor()
                    raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                    print(f"\n-- {username}, cursor={cursor}\n" + "\n".join(r[0] for r in raw.fetchall()))
        finally:
            sa.event.remove(engine, "before_cursor_execute", capture)


if __name__ == "__main__":
    main()

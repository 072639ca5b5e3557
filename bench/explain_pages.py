"""Query plans of every page a person can open without arguments (every list page among them), as each role,
on a PostgreSQL database filled by bench/generate.py: every SQL statement a page runs is captured and run
again under EXPLAIN (ANALYZE, BUFFERS). Reports per page the statements, the slowest one, and any sequential
scan of a large table; `--plans` prints the plans themselves.

    .venv/bin/python bench/explain_pages.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale10
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ARBITRATION_QUEUE_URL", "redis://127.0.0.1:6379/9")

import sqlalchemy as sa  # noqa: E402

PASSWORD = "bench-password"
SKIP = ("/logout", "/static", "/bench", "/api/", "/lang", "/__")
BIG = 10_000   # a sequential scan of a table with more rows than this is reported


def people(conn) -> dict[str, str]:
    pick = {
        "arbitrator": "SELECT u.username FROM cases c JOIN users u ON u.id = c.arbitrator_id GROUP BY u.username "
                      "ORDER BY count(*) DESC LIMIT 1",
        "merchant_staff": "SELECT u.username FROM cases c JOIN users u ON u.merchant_id = c.merchant_id "
                          "AND u.role = 'merchant_staff' GROUP BY u.username ORDER BY count(*) DESC LIMIT 1",
        "buyer": "SELECT u.username FROM orders o JOIN users u ON u.id = o.buyer_id GROUP BY u.username "
                 "ORDER BY count(*) DESC LIMIT 1",
    }
    found = {role: conn.execute(sa.text(q)).scalar() for role, q in pick.items()}
    found.update({r: r for r in ("supervisor", "regulator", "support", "admin")})
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--plans", action="store_true", help="print every plan")
    args = parser.parse_args()

    from arbitration import create_app

    app = create_app({"DATABASE_URL": args.url, "EMBEDDED_WORKER": False, "WTF_CSRF_ENABLED": False})
    engine = sa.create_engine(args.url)
    with engine.connect() as conn:
        who = people(conn)
        sizes = dict(conn.execute(sa.text("SELECT relname, n_live_tup FROM pg_stat_user_tables")).all())
    paths = sorted({r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments
                    and not r.rule.startswith(SKIP)})
    paths += ["/cases?sort=opened", "/cases?sort=amount"]      # the case list's other orders (issue 17)
    captured: list[tuple[str, dict]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    rows = []
    with app.app_context():
        from arbitration.db import db

        sa.event.listen(db.engine, "before_cursor_execute", capture)
    for role, username in who.items():
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        for path in paths:
            for page in ("first", "next"):
                captured.clear()
                response = client.get(path)
                if page == "next":
                    more = re.search(r'href="([^"]*[?&]after=[^"]+)"', response.get_data(as_text=True))
                    if not more:
                        break
                    captured.clear()
                    response = client.get(more.group(1).replace("&amp;", "&"))
                if response.status_code != 200:
                    break
                name = path if page == "first" else path + " (next page)"
                rows.append((role, name, explain(app, list(captured), sizes, args.plans)))
    print(f"\n{'role':<15} {'page':<34} {'stmts':>5} {'slowest ms':>10}  large seq scans")
    for role, path, (count, slowest, scans, _) in rows:
        print(f"{role:<15} {path:<34} {count:>5} {slowest:>10.2f}  {', '.join(scans) or '-'}")


def explain(app, statements, sizes, show: bool):
    from arbitration.db import db

    slowest, scans = 0.0, []
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            for statement, params in statements:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                plan = "\n".join(r[0] for r in cur.fetchall())
                ms = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
                slowest = max(slowest, ms)
                for table in re.findall(r"Seq Scan on (\w+)", plan):
                    if sizes.get(table, 0) > BIG:
                        scans.append(f"{table} ({ms:.1f} ms)")
                if show:
                    print("\n" + statement[:300] + "\n" + plan)
            raw.rollback()
        finally:
            raw.close()
    return len(statements), slowest, scans, None


if __name__ == "__main__":
    main()

"""Benchmark: full-text search and similar decisions on a database filled by bench/generate.py and indexed with
`flask search reindex` (docs/BENCHMARKS.md, issue 19).

    ARBITRATION_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scale_19 .venv/bin/flask db upgrade
    ARBITRATION_DATABASE_URL=... .venv/bin/flask search reindex --batch 2000
    .venv/bin/python bench/search.py --url postgresql+psycopg://postgres@127.0.0.1:5432/scale_19 --rounds 5

Times, in process, `queries.search` (the search page's query: ranking, the access clause, the excerpts) as a
regulator (every case) and as a buyer and an arbitrator (their own), for one- and two-word Chinese queries; then
`precedents.services.similar` for random cases; and the similarity quality: the share of ruled cases whose five
most similar decisions all share the case's category and main finding (its ruling's first finding).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ARBITRATION_QUEUE_URL", "redis://127.0.0.1:6379/9")   # never touch instance/jobs.db

import sqlalchemy as sa  # noqa: E402

ONE = ["卡密", "退款", "发货", "充值", "会员"]
TWO = ["卡密 无效", "未发货 退款", "拒绝 取消", "会员 开通", "充值 到账"]


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=50, help="cases timed for similar decisions per round")
    parser.add_argument("--quality", type=int, default=300, help="ruled cases checked for the similarity quality")
    args = parser.parse_args()

    from arbitration import create_app
    from arbitration.auth.models import Role, User
    from arbitration.cases.models import Case
    from arbitration.db import db
    from arbitration.precedents import services as precedents
    from arbitration.rulings.models import Ruling
    from arbitration.search import queries

    app = create_app({"DATABASE_URL": args.url, "EMBEDDED_WORKER": False})
    rng = random.Random(19)
    with app.app_context():
        users = {role: db.session.scalar(sa.select(User).where(User.role == role).order_by(User.id).limit(1))
                 for role in (Role.regulator, Role.buyer, Role.arbitrator)}
        buyer_with_cases = db.session.scalar(sa.select(User).join(Case, Case.buyer_id == User.id).limit(1))
        users[Role.buyer] = buyer_with_cases or users[Role.buyer]
        arbitrator = db.session.scalar(sa.select(User).join(Case, Case.arbitrator_id == User.id).limit(1))
        users[Role.arbitrator] = arbitrator or users[Role.arbitrator]
        queries.search(users[Role.regulator], "卡密")      # jieba's dictionary, the connection: not timed
        results = {}
        for label, words in (("one word", ONE), ("two words", TWO)):
            for role, user in users.items():
                if user is None:
                    continue
                rounds = []
                for _ in range(args.rounds):
                    times = [timed(queries.search, user, q) for q in words]
                    rounds.append(times)
                flat = [t for r in rounds for t in r]
                results[f"search {label} as {role.value}"] = {
                    "p50_ms": round(statistics.median(flat), 1), "p95_ms": round(p95(flat), 1), "n": len(flat)}
                db.session.rollback()
        ids = list(db.session.scalars(sa.select(Case.id).order_by(Case.id)))
        sims = []
        for _ in range(args.rounds):
            for case_id in rng.sample(ids, args.cases):
                case = db.session.get(Case, case_id)
                sims.append(timed(precedents.similar, case))
            db.session.rollback()
        results["similar decisions per case"] = {"p50_ms": round(statistics.median(sims), 1),
                                                 "p95_ms": round(p95(sims), 1), "n": len(sims)}
        ruled = db.session.execute(sa.select(Ruling.case_id, Ruling.found_tags_json)
                                   .where(Ruling.round == 1, Ruling.found_tags_json != "[]")).all()
        sample = rng.sample(ruled, min(args.quality, len(ruled)))
        good = 0
        for case_id, found in sample:
            case = db.session.get(Case, case_id)
            main_finding = json.loads(found)[0]
            top = precedents.similar(case)
            if len(top) == 5 and all(s.case.category == case.category
                                     and main_finding in json.loads(s.ruling.found_tags_json) for s in top):
                good += 1
        results["similarity quality (top-5 share category and main finding)"] = {
            "share": round(good / len(sample), 3) if sample else None, "cases": len(sample)}
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

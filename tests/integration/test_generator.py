"""The platform-scale generator (bench/generate.py) at a tiny size: its rows satisfy every constraint and foreign
key (SQLite checks them on insert), every hash chain verifies, each case's list key is its nearest deadline, and
every statistics figure read from the roll-ups equals the same figure computed by full scans."""
from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa

from tests.conftest import ROOT


def test_the_generator_makes_a_consistent_history(tmp_path):
    url = f"sqlite:///{tmp_path}/gen.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBITRATION_")}
    env.update({"ARBITRATION_INSTANCE_PATH": str(tmp_path / "instance"), "ARBITRATION_SECRET_KEY": "gen",
                "FLASK_APP": "wsgi:app", "ARBITRATION_DATABASE_URL": url})
    gen = subprocess.run([sys.executable, "bench/generate.py", "--url", url, "--orders", "400", "--cases", "150",
                          "--merchants", "5", "--buyers", "30", "--arbitrators", "3"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert gen.returncode == 0, gen.stdout[-2000:] + gen.stderr[-3000:]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = lambda table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: E731
        seeded = 32   # seed-demo's orders and the generator's 16 templates come first
        assert count("orders") >= 400 and count("cases") >= 150 and count("orders") <= 400 + seeded + 16
        stages = set(conn.execute(sa.text("SELECT DISTINCT state FROM cases")).scalars())
        assert stages == {"negotiation", "offer_pending", "evidence", "supplementary", "review",
                          "reconsideration_window", "reconsideration", "enforcement", "closed", "withdrawn"}
        assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        assert conn.execute(sa.text("SELECT count(*) FROM rulings")).scalar() > 0
        standing = set(conn.execute(sa.text("SELECT case_id, ruling_id FROM standing_decisions")).all())
        in_force = set(conn.execute(sa.text(
            "SELECT r.case_id, r.id FROM rulings r WHERE NOT EXISTS (SELECT 1 FROM rulings later "
            "WHERE later.case_id = r.case_id AND later.round > r.round)")).all())
        assert standing == in_force                  # similar decisions read the clones' decisions in force too
        assert conn.execute(sa.text("SELECT count(*) FROM evidence")).scalar() > 0
        wrong_key = conn.execute(sa.text(
            "SELECT count(*) FROM cases c WHERE c.queue_due_at <> coalesce((SELECT min(d.due_at) FROM deadlines d "
            "WHERE d.subject_type = 'case' AND d.subject_id = CAST(c.id AS TEXT) AND d.state = 'pending'), "
            "'9999-01-01 00:00:00.000000')")).scalar()
        assert wrong_key == 0
        numbers = conn.execute(sa.text("SELECT count(DISTINCT number), count(*) FROM cases")).one()
        assert numbers[0] == numbers[1]
    engine.dispose()
    verify = subprocess.run([sys.executable, "-m", "flask", "audit", "verify"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert verify.returncode == 0 and "intact" in verify.stdout, verify.stdout[-1000:] + verify.stderr[-1000:]
    # every figure of the statistics pages, from the roll-ups the generator summed and by full scans: equal
    check = subprocess.run([sys.executable, "-m", "flask", "stats", "check", "--days", "400"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "equals" in check.stdout, check.stdout[-3000:] + check.stderr[-1000:]

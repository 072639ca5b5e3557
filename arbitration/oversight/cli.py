"""`flask stats rebuild` sums the statistics' roll-ups from every case (after an upgrade, a bulk load or a restore;
changes made through the app keep them current by themselves); `flask stats check` compares every figure the pages
show with a full scan of the cases and exits 1 when one differs."""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from arbitration import clock
from arbitration.cases.filters import CaseFilter
from arbitration.cases.models import Case
from arbitration.db import commit, db, rollback
from arbitration.oversight import rollups, rules, stats_scan
from arbitration.oversight.models import CaseStats

stats_cli = AppGroup("stats", help="The statistics' roll-ups.")


@stats_cli.command("rebuild")
@click.option("--if-needed", is_flag=True, help="Only when the roll-ups are empty and there are cases.")
def rebuild_command(if_needed):
    """Read every case's facts again and sum the roll-ups, in one transaction (the figures never show half)."""
    if if_needed and (db.session.scalar(sa.select(CaseStats.case_id).limit(1)) is not None
                      or db.session.scalar(sa.select(Case.id).limit(1)) is None):
        click.echo("the roll-ups are current")
        return
    try:
        done = rollups.rebuild(db.session.connection(), progress=lambda n: click.echo(f"{n} cases read", err=True))
        commit()
    except Exception:
        rollback()
        raise
    click.echo(f"roll-ups rebuilt from {done} cases")


@stats_cli.command("check")
@click.option("--days", default=30, show_default=True, help="The dashboard's period: the last DAYS days.")
def check_command(days):
    """Every figure from the roll-ups and from a full scan; the differences, if any (exit 1)."""
    today = clock.now_utc().astimezone(clock.CHINA).date()
    found = stats_scan.differences(CaseFilter(), rules.last_days(today, days), today)
    for line in found:
        click.echo(line)
    if found:
        click.echo(f"{len(found)} figures differ: run `flask stats rebuild`", err=True)
        sys.exit(1)
    click.echo("every figure equals its full scan")

"""Operator commands (`flask ...`). Each command is one unit of work: commit at the end or roll back."""
from __future__ import annotations

import functools
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from arbitration.db import commit, rollback
from arbitration.errors import DomainError
from arbitration.library.cli import library_cli
from arbitration.oversight.cli import stats_cli
from arbitration.search.cli import search_cli


def unit_of_work(fn):
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            commit()
            return result
        except DomainError as err:
            rollback()
            raise click.ClickException(str(err)) from err
        except Exception:
            rollback()
            raise
    return wrapped


deadlines_cli = AppGroup("deadlines", help="The deadline engine.")
audit_cli = AppGroup("audit", help="The hash-chained event log.")
calendar_cli = AppGroup("calendar", help="The business calendar.")
users_cli = AppGroup("users", help="Accounts.")
evidence_cli = AppGroup("evidence", help="Stored evidence files.")
law_cli = AppGroup("law", help="The law library.")
rulings_cli = AppGroup("rulings", help="Rulings and their PDF documents.")
export_cli = AppGroup("export", help="Case dossiers for regulators and operators.")
api_cli = AppGroup("api", help="Clients of the platform API.")
jobs_cli = AppGroup("jobs", help="The job queue and its outbox.")
privacy_cli = AppGroup("privacy", help="Personal information: the retention purge.")


@privacy_cli.command("purge")
@click.option("--limit", type=int, default=None, help="At most this many cases in this run.")
@unit_of_work
def privacy_purge_command(limit):
    """Remove personal information whose retention period is over (docs/DECISIONS.md, issue 21)."""
    from arbitration.oversight.retention import purge

    out = purge(limit=limit)
    click.echo(f"purged {out.cases} cases ({out.messages} messages, {out.notes} notes, "
               f"{out.evidence_descriptions} evidence descriptions), {out.login_attempts} login attempts")


@api_cli.command("create-client")
@click.option("--name", required=True)
@click.option("--scope", "scopes", multiple=True, required=True,
              help="orders:read, orders:write, cases:read, cases:write, evidence:write, rulings:read, "
              "oversight:read")
@click.option("--webhook-url", default="", help="Where to send the client's webhooks (http(s)://…).")
@click.option("--event", "events", multiple=True, help="A webhook event to send (case.opened, case.your_turn, "
              "case.deadline_missed, ruling.issued, remedy.due, case.closed).")
@unit_of_work
def api_create_client_command(name, scopes, webhook_url, events):
    """Create an API client and print its token (shown only now; stored as a hash) and its signing secret."""
    from arbitration.api.services import create_client, set_webhooks

    client, token = create_client(None, name=name, scopes=list(scopes))
    if webhook_url or events:
        set_webhooks(None, client, url=webhook_url, events=list(events), rate_limit=None)
    click.echo(f"client {client.id} {client.name}: {token}")
    click.echo(f"webhook signing secret: {client.signing_secret}")


@api_cli.command("send-webhooks")
@unit_of_work
def api_send_webhooks_command():
    """Attempt the webhook deliveries that are due now (the queue's consumers do it every minute)."""
    from arbitration.api.webhooks import send_due

    click.echo(f"{send_due()} deliveries attempted")


@api_cli.command("purge-keys")
@unit_of_work
def api_purge_keys_command():
    """Forget idempotency keys older than 24 hours (the queue's consumers do it every minute)."""
    from arbitration.api.idempotency import purge

    click.echo(f"{purge()} idempotency keys purged")


@export_cli.command("dossiers")
@click.option("--from", "date_from", help="Cases opened on or after this date (YYYY-MM-DD, China time).")
@click.option("--to", "date_to", help="Cases opened on or before this date.")
@click.option("--merchant", "merchant_id", help="Merchant id.")
@click.option("--category", default="")
@click.option("--outcome", default="", help="accepted, settled, ruled, default_ruling, withdrawn or open.")
@click.option("--stage", default="")
@click.option("--missed", is_flag=True, help="Only cases where a deadline was missed.")
@click.option("--evidence", "with_evidence", is_flag=True, help="Include the evidence files.")
@click.option("--processes", type=int, default=0, help="Rendering processes (default: one per core).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The ZIP file to write.")
def export_dossiers_command(date_from, date_to, merchant_id, category, outcome, stage, missed, with_evidence,
                            processes, output):
    """Write a ZIP with one dossier PDF per matching case and a manifest (CSV and JSON), with a progress bar."""
    import hashlib
    import os

    from arbitration import clock
    from arbitration.audit.services import record_event
    from arbitration.cases.filters import parse
    from arbitration.oversight import exports

    try:
        f = parse({"date_from": date_from or "", "date_to": date_to or "", "merchant_id": merchant_id or "",
                   "category": category, "outcome": outcome, "stage": stage, "missed": "1" if missed else ""})
    except DomainError as err:
        raise click.BadParameter(str(err), param_hint=f"--{err.field.replace('_id', '')}" if err.field
                                 else None) from err
    ids = exports.matching_ids(f)
    if not ids:
        raise click.ClickException("no case matches this filter: nothing to export")
    now = clock.now_utc()
    digest, size, partial = hashlib.sha256(), 0, output + ".part"
    try:
        with open(partial, "wb") as out, click.progressbar(length=len(ids), label="dossiers") as bar:
            done = [0]

            def on_case(n):
                bar.update(n - done[0])
                done[0] = n

            rendered = exports.render_all(ids, exports.exporter_of(None), now, processes or None)
            for chunk in exports.zip_stream(rendered, exported_at=now, with_evidence=with_evidence, on_case=on_case):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        os.replace(partial, output)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
    record_event("export", "cli", None, "export.written",
                 {"filter": f.to_json(), "cases": len(ids), "file": os.path.basename(output),
                  "sha256": digest.hexdigest(), "size": size}, now=now)
    commit()
    click.echo(f"{len(ids)} dossiers written to {output} ({size} bytes, SHA-256 {digest.hexdigest()})")


@law_cli.command("load")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@unit_of_work
def law_load_command(path):
    """Bring the law library up to a data file (default: the one the project carries). New provisions are
    added, changed texts become new versions; the whole file is checked before anything is written."""
    from arbitration.law.services import DATA_FILE, load_file

    result = load_file(path or DATA_FILE)
    click.echo(f"{result.added} added, {result.amended} amended (new version), {result.unchanged} unchanged")


@rulings_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]), help="Language of the explanations.")
def rulings_verify_command(path, lang):
    """Check a PDF: the platform's signature, that no byte changed, the certificate, the trusted timestamp's time
    and authority, and whether it is a ruling issued here (by its SHA-256), and which. Exit 1 when any check
    fails or it is not an issued ruling."""
    from flask_babel import force_locale

    from arbitration.rulings.services import superseded_by
    from arbitration.rulings.verification import check

    with open(path, "rb") as fh:
        data = fh.read()
    with force_locale(lang):
        verdict = check(data)
        ruling = verdict.ruling
        click.echo(f"SHA-256 {verdict.sha256}")
        if ruling is None:
            click.echo("NOT an issued ruling: no document issued here has this hash (unknown or altered file)")
        else:
            later = superseded_by(ruling)
            click.echo(f"ISSUED ruling {ruling.number} ({ruling.kind}), issued {ruling.issued_at.isoformat()}"
                       + (f"; superseded by {later.number}" if later else ""))
        if not verdict.signed:
            click.echo("NO SIGNATURE " + ("(issued before documents were signed)" if ruling else ""))
        for c in verdict.checks:
            click.echo(f"[{c.state.upper():6}] {c.title}: {c.meaning}")
        click.echo("VALID" if verdict.valid else "NOT VALID")
    if not verdict.valid:
        sys.exit(1)


@rulings_cli.command("render-pending")
def rulings_render_pending_command():
    """Render now every ruling whose PDF is still being prepared (after a store outage, say), one at a time,
    each committed on its own, exactly as the queue's job does (a ruling the job finished meanwhile is left)."""
    from arbitration.rulings.services import pending_rulings, render_ruling

    ids = [r.id for r in pending_rulings()]
    rollback()
    failed = 0
    for ruling_id in ids:
        try:
            render_ruling.call_local(ruling_id)
        except Exception as err:   # the job marked it "retrying"; go on with the others
            failed += 1
            click.echo(f"ruling {ruling_id}: {type(err).__name__}: {err}", err=True)
    click.echo(f"{len(ids) - failed} ruling documents rendered, {failed} failed")
    if failed:
        sys.exit(1)


@evidence_cli.command("verify")
@click.argument("subject", required=False)
def evidence_verify_command(subject):
    """Re-hash stored evidence (all, or SUBJECT as TYPE:ID, e.g. order_request:12); exit 1 on any problem."""
    from arbitration.evidence.services import verify

    target = None
    if subject:
        subject_type, _sep, subject_id = subject.partition(":")
        if not subject_id:
            raise click.BadParameter("use TYPE:ID, e.g. order_request:12", param_hint="SUBJECT")
        target = (subject_type, subject_id)
    checked = bad = 0
    for evidence, finding in verify(target):
        checked += 1
        if finding:
            bad += 1
            click.echo(f"{finding.problem.upper()} evidence {finding.evidence_id} ({evidence.display_name}) "
                       f"key {finding.key}")
    click.echo(f"{checked} files checked, {bad} with problems")
    if bad:
        sys.exit(1)


@evidence_cli.command("cleanup")
@click.option("--older-than-minutes", default=60, type=click.IntRange(min=1))
def evidence_cleanup_command(older_than_minutes):
    """Remove stored objects that have no evidence row (left by failed uploads) and partial writes."""
    import datetime as dt

    from arbitration.evidence.services import cleanup

    removed, aborted = cleanup(dt.timedelta(minutes=older_than_minutes))
    click.echo(f"{removed} orphaned objects removed, {aborted} partial uploads aborted")


@deadlines_cli.command("sweep")
@click.option("--batch-size", default=None, type=int, help="Deadlines per transaction.")
@unit_of_work
def sweep_command(batch_size):
    """Apply every due deadline's consequence once, and send due reminders."""
    from arbitration.deadlines.services import sweep

    from arbitration.jobs.queue import flush

    result = sweep(batch_size=batch_size or current_app.config["SWEEP_BATCH_SIZE"])
    click.echo(f"applied {result.applied}, failed {result.failed}, reminders {result.reminded}")
    commit()
    queued, error = flush()   # sweepers run where consumers may not: they also queue jobs left in the outbox
    if queued or error:
        click.echo(f"job outbox: {queued} queued" + (f"; the queue refused the next one: {error}" if error else ""))


@jobs_cli.command("flush")
def jobs_flush_command():
    """Queue every job still in the outbox (the queue was down after its commit); exit 1 if some stay."""
    from arbitration.jobs.queue import flush, outbox_backlog

    queued, error = flush()
    left, oldest = outbox_backlog()
    rollback()
    click.echo(f"{queued} jobs queued, {left} left in the outbox"
               + (f" (oldest written {oldest.isoformat()})" if oldest else ""))
    if error:
        click.echo(f"the queue refused a job: {error}", err=True)
    if left:
        sys.exit(1)


@audit_cli.command("verify")
@click.option("--subject", default=None, help="TYPE:ID of one chain (e.g. user:3); default: every chain.")
def verify_command(subject):
    """Check the audit keys and the anchors, then recompute every event's keyed hash: name every changed event,
    and each chain rewritten before an anchor ("changed before anchor N of DATE"). Exit 1 on any problem."""
    from arbitration.audit import keys
    from arbitration.audit.anchors import Anchored
    from arbitration.audit.services import verify_all, verify_subject

    current, ring = keys.ring()
    click.echo(f"audit keys: {', '.join(ring.keys)} (current {current})"
               + (f"; unkeyed events accepted only before {ring.unkeyed_until.isoformat()}"
                  if ring.unkeyed_until else ""))
    anchored = Anchored()
    bad_anchors = 0
    for a in anchored.statuses:
        when = a.created_at.strftime("%Y-%m-%d %H:%M UTC")
        if not a.root_ok:
            bad_anchors += 1
            click.echo(f"ANCHOR {a.anchor_id} of {when} ALTERED: its stored heads no longer give its root")
        elif a.stamp is None:
            click.echo(f"anchor {a.anchor_id} of {when}: {a.chains} chains, NOT STAMPED yet (no authority, or it "
                       f"was down: `flask audit anchor` retries)")
        elif not a.stamp.ok:
            bad_anchors += 1
            click.echo(f"ANCHOR {a.anchor_id} of {when} TIMESTAMP INVALID ({a.stamp.reason})")
        else:
            click.echo(f"anchor {a.anchor_id} of {when}: {a.chains} chains, root stamped by {a.stamp.authority} "
                       f"at {a.stamp.at.isoformat()}")
    if subject:
        subject_type, _sep, subject_id = subject.partition(":")
        if not subject_id:
            raise click.BadParameter("use TYPE:ID, e.g. user:3", param_hint="--subject")
        reports = [verify_subject(subject_type, subject_id, anchored)]
    else:
        reports = verify_all(anchored=anchored)
    broken = checked = 0
    seen = set()
    for report in reports:
        checked += 1
        seen.add((report.subject_type, report.subject_id))
        if report.intact:
            continue
        broken += 1
        name = f"{report.subject_type}:{report.subject_id}"
        for p in report.problems:
            where = f"event id {p.event_id} (seq {p.seq})" if p.event_id else f"after seq {p.seq - 1} (head)"
            click.echo(f"BROKEN {name}: {'first bad ' if p is report.problems[0] else ''}{where}: {p.reason}")
        if report.anchor:
            m = report.anchor
            click.echo(f"REWRITTEN {name}: changed before anchor {m.anchor_id} of "
                       f"{m.anchored_at.strftime('%Y-%m-%d %H:%M UTC')} (at or before seq {m.seq}); the stamped "
                       f"anchor proves the chain read otherwise then")
    if not subject:
        for st, sid in sorted(anchored.chains() - seen):
            broken += 1
            click.echo(f"REWRITTEN {st}:{sid}: the chain is gone, though anchors recorded it")
    if broken or bad_anchors:
        click.echo(f"{broken} of {checked} chains are broken, {bad_anchors} anchors altered", err=True)
        sys.exit(1)
    click.echo(f"all {checked} chains intact")


@audit_cli.command("anchor")
def anchor_command():
    """Anchor now: the heads of every chain into a Merkle root, stamped by the time stamping authority (the queue
    does this daily); also stamps earlier anchors the authority could not stamp. Exit 1 if any stays unstamped."""
    from arbitration.audit import anchors

    anchor = anchors.take()
    commit()
    click.echo(f"anchor {anchor.id}: {anchor.chains} chains, root {anchor.root}")
    unstamped = 0
    for pending in anchors.pending():
        if anchors.stamp(pending):
            commit()
            click.echo(f"anchor {pending.id} stamped at {pending.stamped_at.isoformat()}")
        else:
            rollback()
            unstamped += 1
    if unstamped:
        click.echo(f"{unstamped} anchors not stamped: no time stamping authority configured (ARBITRATION_TSA_URL) "
                   f"or it did not answer", err=True)
        sys.exit(1)


@calendar_cli.command("seed")
@unit_of_work
def seed_calendar_command():
    """Load holidays and make-up working days from the chinesecalendar package (idempotent)."""
    from arbitration.calendar.services import package_years, seed_from_package

    added = seed_from_package()
    years = package_years()
    click.echo(f"{added} days added; package covers {years.start}-{years.stop - 1}")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", required=True, type=click.Choice(["buyer", "merchant_staff", "support", "arbitrator",
                                                          "supervisor", "regulator", "admin"]))
@click.option("--merchant-id", type=int, default=None)
@click.password_option()
@unit_of_work
def create_user_command(username, display_name, role, merchant_id, password):
    """Create an account (e.g. the first admin of a production install)."""
    from arbitration.auth.models import Role
    from arbitration.auth.services import create_user

    user = create_user(None, username=username, display_name=display_name, role=Role(role), password=password,
                       merchant_id=merchant_id)
    click.echo(f"created user {user.username} (id {user.id})")


@click.command("seed-demo")
@click.option("--reset-passwords", is_flag=True, help="Give the demo users new passwords and print them.")
@unit_of_work
def seed_demo_command(reset_passwords):
    """Demo merchants and one user per role (passwords printed once), plus the calendar."""
    from arbitration.seed import seed_demo

    for line in seed_demo(reset_passwords=reset_passwords):
        click.echo(line)


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host, port):
    """Run the web app (waitress, threaded) with its embedded job consumer: the embedded default.
    Production runs gunicorn and separate huey consumers instead."""
    from waitress import serve

    from arbitration import settle_heap
    from arbitration.evidence.services import max_upload_body
    from arbitration.jobs.queue import start_embedded_consumer
    from arbitration.rulings.views import VERIFY_MAX_BYTES

    settle_heap()
    if start_embedded_consumer():
        click.echo("background jobs: embedded consumer (SQLite queue)")
    else:
        click.echo("background jobs: run `huey_consumer arbitration.worker.huey` separately")
    click.echo(f"serving on http://{host}:{port}")
    # Waitress takes a whole body before the app sees it (spooled to disk past 512 KiB): refuse, from the
    # Content-Length alone, any body larger than the largest upload (waitress refuses at >= its bound).
    body_limit = max(max_upload_body(), VERIFY_MAX_BYTES + 64 * 1024, current_app.config["MAX_CONTENT_LENGTH"])
    serve(current_app._get_current_object(), host=host, port=port, threads=8, ident="arbitration",
          max_request_body_size=body_limit + 1)


def register(app: Flask) -> None:
    for command in (deadlines_cli, audit_cli, calendar_cli, users_cli, evidence_cli, law_cli, rulings_cli,
                    export_cli, api_cli, jobs_cli, search_cli, privacy_cli, library_cli, stats_cli, seed_demo_command,
                    serve_command):
        app.cli.add_command(command)

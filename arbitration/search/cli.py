"""`flask search ...`: build the index for every case, read the text of files not read yet."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from arbitration.db import commit
from arbitration.search import extract, index

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("reindex")
@click.option("--batch", default=500, show_default=True, help="Cases per transaction.")
def reindex_command(batch):
    """(Re)build the search documents of every case from what their text says now (after a bulk load or a
    change of the segmenter's dictionary). Each batch is committed on its own: searches go on meanwhile."""
    started = time.monotonic()

    def progress(last_case_id, written):
        click.echo(f"up to case {last_case_id}: {written} documents, {time.monotonic() - started:.0f} s")

    written = index.rebuild(batch=batch, progress=progress)
    click.echo(f"{written} documents indexed in {time.monotonic() - started:.1f} s")


@search_cli.command("read-texts")
@click.option("--limit", default=500, show_default=True, help="Files to read in this run.")
def read_texts_command(limit):
    """Read now the text of files that have none yet (uploads made before text reading, a lost job), one file
    per transaction."""
    done = 0
    for evidence_id in extract.unread(limit):
        extract.store_text(evidence_id)
        commit()
        done += 1
    click.echo(f"{done} files read")

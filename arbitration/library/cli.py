"""`flask library publish`: publish now the final decisions not in the library yet (the queue does it every
minute; after a bulk load, a restore, or with no consumer running)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from arbitration.db import commit
from arbitration.library import services

library_cli = AppGroup("library", help="The public decision library.")


@library_cli.command("publish")
@click.option("--batch", default=500, show_default=True, help="Decisions per transaction.")
def publish_command(batch):
    """Publish every final decision that is neither published nor withheld, a batch per transaction."""
    total = 0
    while done := services.publish_due(limit=batch):
        commit()
        total += done
    click.echo(f"{total} decisions published")

"""``flask billing events`` and ``flask billing replay <id>``: the operators' view of
Stripe events that are stuck or failed (saas.services.billing.operations)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from saas.services.billing import operations

billing_cli = AppGroup("billing", help="Stripe events: list the stuck or failed, replay one.")


def _wait_for_jobs() -> None:
    jobs = current_app.extensions["tandem_jobs"]
    if hasattr(jobs, "join"):
        jobs.join()  # embedded thread mode: the worker thread dies with this process


@billing_cli.command("events")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["received", "failed", "ignored", "processed"]),
    help="Which statuses to list (default: received and failed, the ones not done).",
)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
def events_command(statuses: tuple[str, ...], limit: int) -> None:
    """List Stripe events, newest first, with their attempts and last error."""
    lines = operations.list_events(statuses or operations.NOT_DONE, limit)
    if not lines:
        click.echo("No events to show.")
        return
    for e in lines:
        agency = e.agency_id if e.agency_id is not None else "-"
        click.echo(
            f"{e.id}\t{e.status}\t{e.type}\t{e.stripe_event_id}\tagency={agency}\t"
            f"attempts={e.attempts}\treceived={e.received_at:%Y-%m-%d %H:%M:%S}Z"
        )
        if e.last_error:
            click.echo(f"\t{e.last_error}")


@billing_cli.command("replay")
@click.argument("reference")
def replay_command(reference: str) -> None:
    """Apply one stored event again: its id from ``flask billing events``, or Stripe's
    event id (``evt_…``)."""
    event_id = operations.row_id_of(reference)
    if event_id is None or not operations.replay(event_id):
        raise click.ClickException(f"No billing event with id {reference}.")
    _wait_for_jobs()
    line = operations.event_line(event_id)
    click.echo(f"Replayed event {event_id}: {line.status if line else 'unknown'}.")
    if line is not None and line.status == "failed":
        click.echo(f"\t{line.last_error}", err=True)
        raise SystemExit(1)

"""`nok mail send`: deliver queued letters (status changes, reminders) that the web app could
not send at once — run it from cron every few minutes so a mail-server outage loses nothing.
"""
from __future__ import annotations

import click

from appliance.cli._internal import plural
from appliance.cli.state import CliState, pass_state
from core.models import OutgoingMail
from core.services.notify import deliver_pending


@click.group(name="mail")
def mail_commands() -> None:
    """Исходящие письма."""


@mail_commands.command("send")
@click.option("--limit", type=click.IntRange(1, 10_000), default=500, show_default=True,
              help="Сколько писем отправить за один запуск.")
@pass_state
def mail_send(state: CliState, limit: int) -> None:
    """Отправить письма из очереди (повторные попытки — по расписанию)."""
    services = state.services()
    with services.db.connection_context():
        sent = deliver_pending(services.mailer, limit=limit)
        waiting = OutgoingMail.select().where(OutgoingMail.sent_at.is_null()).count()
    click.echo(f"Отправлено: {plural(sent, 'письмо', 'письма', 'писем')}. В очереди: {waiting}.")
    if waiting and not sent:
        raise click.exceptions.Exit(1)

"""`nok mail send` and `nok mail remind`: deliver queued letters (status changes, reminders) that the web app could
not send at once — run it from cron every few minutes so a mail-server outage loses nothing.
"""
from __future__ import annotations

import datetime as dt

import click

from appliance.cli._internal import plural
from appliance.cli.state import CliState, pass_state
from core.models import OutgoingMail
from core.services.notify import deliver_pending
from core.services.reminders import queue_exam_reminders


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


@mail_commands.command("remind")
@click.option("--date", "today", type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]), default=None,
              metavar="ДАТА", help="Считать сегодняшней эту дату (по умолчанию — текущая).")
@pass_state
def mail_remind(state: CliState, today) -> None:
    """Напомнить соискателям об экзамене, назначенном на завтра (запускать раз в день)."""
    services = state.services()
    day = today.date() if today else dt.date.today()
    with services.db.connection_context():
        queued = queue_exam_reminders(day)
        sent = deliver_pending(services.mailer, limit=max(queued, 1) + 50)
    click.echo(f"Напоминаний поставлено в очередь: {queued}. Отправлено писем: {sent}.")

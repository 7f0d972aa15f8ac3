"""`nok exam sweep`: finish every exam attempt whose time ran out, for a cron job or systemd timer.

An attempt is finished by the clock whenever anyone touches it (the candidate's next request,
the operator's page); the sweep covers the candidate who walked away from the station, so
the theory result and the application's status do not wait for somebody to look.
"""
from __future__ import annotations

import click

from appliance.cli._internal import plural
from appliance.cli.state import CliState, pass_state
from core.services.attempts import finish_expired


@click.group(name="exam")
def exam_commands() -> None:
    """Экзамен: обслуживание попыток."""


@exam_commands.command("sweep")
@pass_state
def exam_sweep(state: CliState) -> None:
    """Завершить попытки экзамена, время которых истекло.

    Ставит баллы по сохранённым ответам и переводит заявления в «Теория сдана/не сдана».
    Запускать каждую минуту, например из cron:

    \b
      * * * * *  nok --config /var/lib/nok/nok.toml exam sweep

    или таймером systemd (OnCalendar=minutely). Повторный запуск безопасен.
    """
    services = state.services()
    with services.db.connection_context():
        finished = finish_expired(services.plugins)
    click.echo(f"Завершено по истечении времени: {plural(finished, 'попытка', 'попытки', 'попыток')}.")

"""`nok federation …`: the appliance's link to the central СПК registry (docs/federation.md).

`enroll` pins the registry by a one-time code; `sync` is the worker `nok serve` runs beside the web
server (queue, send, fetch reference data, sleep); `push` and `pull` do one step by hand; `status`
shows the link and the outbox. Every message is Russian; a network problem is a clean error.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import threading

import click
import peewee

from appliance.cli._internal import plural
from appliance.cli.state import CliState, pass_state
from federation.identity import current_link, key_dir, load_keys, require_link
from federation.models import OutboxItem, OutboxState
from federation.protocol import KIND_VIDEO_PART
from federation.texts import local_time

TIMEOUT_HELP = "Сколько секунд ждать ответа реестра на один пакет."


def _say(text: str) -> None:
    click.echo(f"{dt.datetime.now():%d.%m.%Y %H:%M:%S}  {text}")


@click.group(name="federation")
def federation_commands() -> None:
    """Связь с реестром СПК: подключение, отправка результатов, справочники."""


@federation_commands.command("enroll")
@click.option("--registry-url", required=True, metavar="URL", help="Адрес реестра СПК, например https://reestr.spk.ru")
@click.option("--code", required=True, metavar="КОД", help="Одноразовый код подключения, выданный СПК.")
@click.option("--appliance-id", default=None, metavar="ИД",
              help="Идентификатор устройства (по умолчанию — из его ключа).")
@click.option("--title", default=None, metavar="НАЗВАНИЕ", help="Как устройство будет названо в реестре.")
@click.option("--wait", type=click.IntRange(0, 600), default=0, show_default=True, metavar="СЕК",
              help="Сколько секунд ждать, пока реестр не начнёт отвечать (например, сразу после его запуска).")
@pass_state
def enroll(state: CliState, registry_url: str, code: str, appliance_id: str | None, title: str | None,
           wait: int) -> None:
    """Подключить устройство к реестру СПК по одноразовому коду."""
    import time

    from federation.enrol_client import RegistryOfflineError, enrol

    services = state.services()
    deadline = time.monotonic() + wait
    while True:
        try:
            link = enrol(services, registry_url=registry_url, code=code, appliance_id=appliance_id, title=title)
            break
        except RegistryOfflineError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)
    click.echo("Устройство подключено к реестру СПК.")
    click.echo(f"  Реестр: {link.registry_url}")
    click.echo(f"  Приём пакетов: {link.registry_endpoint}")
    click.echo(f"  Идентификатор устройства: {link.appliance_id}")
    click.echo(f"  Ключи устройства: {key_dir(services.config)} (доступ только владельцу)")
    click.echo("Результаты будут отправляться автоматически, пока работает «nok serve» "
               "(или «nok federation sync»).")


@federation_commands.command("sync")
@click.option("--once", is_flag=True, help="Выполнить один проход и завершиться.")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=None, metavar="СЕК", help=TIMEOUT_HELP)
@pass_state
def sync(state: CliState, once: bool, timeout: float | None) -> None:
    """Обмен с реестром СПК: отправка и справочники.

    Работает до остановки (SIGTERM, Ctrl+C); «nok serve» запускает его сам.
    """
    from federation.sender import DEFAULT_TIMEOUT
    from federation.worker import run_sync

    services = state.services()
    stop = threading.Event()
    previous = {}
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
        interval = services.config.federation_interval_seconds
        _say(f"Обмен с реестром СПК запущен (процесс {os.getpid()}, проход каждые {interval} с).")
    try:
        run_sync(services, stop=stop, say=_say, once=once, timeout=timeout or DEFAULT_TIMEOUT)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if not once:
        _say("Обмен с реестром СПК остановлен.")


@federation_commands.command("push")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=None, metavar="СЕК", help=TIMEOUT_HELP)
@pass_state
def push_command(state: CliState, timeout: float | None) -> None:
    """Отправить в реестр СПК всё, что пора отправить.

    Сначала ставит в очередь новые результаты «Отправить в СПК» и изменившийся план-график.
    """
    from federation.outbox import enqueue_report, enqueue_schedule
    from federation.sender import DEFAULT_TIMEOUT, push
    from federation.worker import describe_push

    services = state.services()
    link = require_link()
    queued = enqueue_report(services)
    for error in queued.errors:
        click.echo(error, err=True)
    enqueue_schedule(services)
    report = push(services, keys=load_keys(services.config), link=link, timeout=timeout or DEFAULT_TIMEOUT)
    lines = describe_push(report)
    for line in lines:
        click.echo(line)
    if not lines:
        waiting = _pending().count()
        click.echo("Отправлять нечего: исходящая очередь пуста." if not waiting else
                   f"В очереди {plural(waiting, 'отправление', 'отправления', 'отправлений')}; следующая попытка — "
                   f"{local_time(report.retry_at)}.")


@federation_commands.command("pull")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=None, metavar="СЕК", help=TIMEOUT_HELP)
@pass_state
def pull_command(state: CliState, timeout: float | None) -> None:
    """Получить из реестра СПК новую версию справочников и применить её."""
    from federation.pull import pull
    from federation.sender import DEFAULT_TIMEOUT

    services = state.services()
    link = require_link()
    report = pull(services, keys=load_keys(services.config), link=link, timeout=timeout or DEFAULT_TIMEOUT)
    if report is None:
        click.echo(f"Справочники актуальны (версия {link.snapshot_version}).")
    else:
        summary = report.summary() if hasattr(report, "summary") else ""
        click.echo(f"Справочники обновлены до версии {require_link().snapshot_version}. {summary}".rstrip())


def _pending() -> peewee.ModelSelect:
    return OutboxItem.select().where(OutboxItem.state == OutboxState.PENDING)


def status_lines() -> list[str]:
    """The text of `nok federation status` (the database must be open)."""
    link = current_link()
    lines = []
    if link is None:
        lines += ["Устройство не подключено к реестру СПК.",
                  "Подключите его: nok federation enroll --registry-url АДРЕС --code КОД"]
    else:
        lines += [f"Реестр СПК: {link.registry_url} (приём пакетов: {link.registry_endpoint})",
                  f"Идентификатор устройства: {link.appliance_id}",
                  f"Подключено: {local_time(link.enrolled_at)}",
                  f"Последняя связь с реестром: {local_time(link.last_contact_at, 'ещё не было')}",
                  f"Следующий номер пакета: {link.next_serial}"]
        if link.snapshot_version:
            lines.append(f"Справочники: версия {link.snapshot_version} "
                         f"(получены {local_time(link.snapshot_applied_at)})")
        else:
            lines.append("Справочники: ещё не получены")
        if link.last_error:
            lines.append(f"Последняя ошибка: {link.last_error}")
    counts = dict(OutboxItem.select(OutboxItem.state, peewee.fn.COUNT(OutboxItem.id))
                  .group_by(OutboxItem.state).tuples())
    lines.append("Исходящая очередь:")
    for state, title in OutboxState.TITLES.items():
        lines.append(f"  {title}: {counts.get(state, 0)}")
    oldest = _pending().order_by(OutboxItem.id).first()
    if oldest is not None:
        lines.append(f"Первое в очереди: «{oldest.title}» (поставлено {local_time(oldest.created_at)}, "
                     f"попыток: {oldest.attempts}, следующая — {local_time(oldest.next_attempt_at)})")
        if oldest.kind == KIND_VIDEO_PART and oldest.file_size:
            lines.append(f"  Передано {oldest.offset * 100 // oldest.file_size}% "
                         f"({oldest.offset} из {oldest.file_size} байт)")
        if oldest.last_error:
            lines.append(f"  Последняя ошибка: {oldest.last_error}")
    refused = list(OutboxItem.select().where(OutboxItem.state == OutboxState.REFUSED)
                   .order_by(OutboxItem.id.desc()).limit(5))
    if refused:
        lines.append("Отклонены реестром (последние):")
        lines += [f"  • «{item.title}»: {item.last_error}" for item in refused]
    return lines


@federation_commands.command("status")
@pass_state
def status(state: CliState) -> None:
    """Показать подключение к реестру СПК и состояние исходящей очереди."""
    services = state.services()
    with services.db.connection_context():
        for line in status_lines():
            click.echo(line)


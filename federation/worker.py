"""`nok federation sync`: the appliance's federation worker — queue, send, fetch reference data, sleep.

One pass: queue every new «Отправить в СПК» and a changed план-график, send what is due, and pull
the reference snapshot when an ack announced a newer version (or every 10 minutes, and at start).
While the appliance is not enrolled a pass does nothing but say so once (the «Отправить в СПК»
rows wait in the database and are queued after the enrolment). No error of a pass
stops the worker: the outbox keeps everything and the next pass tries again. `stop` (set by
SIGTERM/SIGINT) ends the loop between passes or while it sleeps.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from core.exceptions import NokError
from core.services import notify
from federation.identity import current_link, load_keys
from federation.outbox import enqueue_report, enqueue_schedule
from federation.pull import pull
from federation.sender import DEFAULT_RETRIES, DEFAULT_TIMEOUT, PushReport, push
from federation.texts import local_time, plural

log = logging.getLogger(__name__)

NOT_ENROLLED = ("Устройство не подключено к реестру СПК: отправка ожидает подключения. Результаты, переданные "
                "в СПК, сохранены и уйдут в реестр после команды «nok federation enroll».")

Say = Callable[[str], None]


@dataclass
class SyncState:
    """What the worker remembers between passes."""

    last_pull: float | None = None  # time.monotonic() of the last pull
    idle_reported: bool = False


def describe_push(report: PushReport) -> list[str]:
    """The Russian lines a pass reports (nothing when nothing happened)."""
    lines = []
    if report.sent:
        lines.append(f"Реестр принял {plural(report.sent, 'пакет', 'пакета', 'пакетов')}, "
                     f"завершено {plural(report.done, 'отправление', 'отправления', 'отправлений')}.")
    lines += [f"Отклонено: {refusal}" for refusal in report.refusals]
    if report.error:
        lead = "Реестр не ответил" if report.unreachable else "Ответ реестра не принят"
        lines.append(f"{lead}: {report.error}. Следующая попытка — {local_time(report.retry_at)}.")
    return lines


def sync_pass(services, state: SyncState, say: Say, *, timeout: float = DEFAULT_TIMEOUT,
              retries: int = DEFAULT_RETRIES, now: Callable[[], float] = time.monotonic) -> PushReport | None:
    """One pass of the worker; returns the push report (None while not enrolled: then it only waits)."""
    link = current_link()
    if link is None:
        if not state.idle_reported:
            say(NOT_ENROLLED)
            state.idle_reported = True
        return None
    state.idle_reported = False
    queued = enqueue_report(services)
    for error in queued.errors:
        say(error)
    if queued.items:
        say(f"Поставлено в исходящую очередь: {plural(queued.items, 'отправление', 'отправления', 'отправлений')}.")
    if enqueue_schedule(services):
        say("План-график экзаменов изменился: поставлен в исходящую очередь.")
    keys = load_keys(services.config)
    report = push(services, keys=keys, link=link, timeout=timeout, retries=retries)
    for line in describe_push(report):
        say(line)
    link = current_link()
    # Between sends nothing announces a newer version: ask every `federation_pull_seconds` (a cheap
    # «up to date» when nothing changed), so approvals and certificates reach the ЦОК without a send.
    due = state.last_pull is None or now() - state.last_pull >= services.config.federation_pull_seconds
    quiet = report.unreachable or (report.retry_at is not None and not report.sent)  # the registry is silent
    if link is not None and not quiet and (report.needs_pull(link) or due):
        state.last_pull = now()
        try:
            applied = pull(services, keys=keys, link=link, timeout=timeout, retries=retries)
        except NokError as ex:
            say(f"Справочники реестра не получены: {ex}")
        else:
            if applied is not None:
                summary = applied.summary() if hasattr(applied, "summary") else ""
                say(f"Справочники реестра обновлены. {summary}".rstrip())
                # Status letters to applicants and invitations to new experts were queued with the
                # snapshot: send them now rather than at the next web request.
                notify.deliver_pending(services.mailer)
    return report


def run_sync(services, *, stop: threading.Event, say: Say, once: bool = False, interval: float | None = None,
             timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES) -> None:
    """Run passes until `stop` is set (or one pass with `once`), sleeping `interval` seconds between them."""
    interval = services.config.federation_interval_seconds if interval is None else interval
    state = SyncState()
    while not stop.is_set():
        try:
            with services.db.connection_context():
                sync_pass(services, state, say, timeout=timeout, retries=retries)
        except NokError as ex:
            say(f"Ошибка обмена с реестром: {ex}")
        except Exception:  # a bug must not stop the sending: log it, keep the queue, try again
            log.exception("Проход обмена с реестром СПК завершился ошибкой")
            say("Проход обмена с реестром завершился внутренней ошибкой; подробности в журнале.")
        if once:
            return
        stop.wait(max(0.1, float(interval)))

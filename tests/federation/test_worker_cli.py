"""The worker and `nok federation …`: status text, one sync pass, pulling when an ack says so, a clean stop
on SIGTERM, a sender killed in the middle of a send, and `nok serve` running the worker beside gunicorn."""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from federation_kit import TIMEOUT, enrolled, link_to, registry, sent_result, world  # noqa: F401 (fixtures)
from appliance import cli
from core.config import CONFIG_ENV, KEY_ENV
from core.models import SpkSubmission
from core.testing import free_port
from federation.identity import current_link, load_keys
from federation.models import OutboxItem, OutboxState
from federation.parts_blob import pack_parts
from federation.protocol import KIND_EXAM_SCHEDULE
from federation.sender import push
from federation.worker import NOT_ENROLLED, SyncState, sync_pass


def nok(config, *args: str):
    return CliRunner().invoke(cli.main, ["--config", str(config.config_file), *args], catch_exceptions=False)


def schedule_item(services, title: str, **fields) -> OutboxItem:
    digest = services.blobs.put(pack_parts({"schedule.json": title.encode()})).digest
    return OutboxItem.create(kind=KIND_EXAM_SCHEDULE, source=f"test:{title}", title=title, parts_digest=digest,
                             **fields)


class Process:
    """A `nok …` subprocess over the test's config whose output lines are read as they come."""

    def __init__(self, config, *args: str):
        env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, CONFIG_ENV)}
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config", str(config.config_file),
                                      *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._queue.put(line)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines:
                if match := re.search(pattern, line):
                    return match
            try:
                self.lines.append(self._queue.get(timeout=max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"не дождались «{pattern}»; вывод:\n{''.join(self.lines)}") from None

    def output(self) -> str:
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        return "".join(self.lines)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def alive(pid: int) -> bool:
    """Running (a zombie left to a non-reaping init counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --- status ---------------------------------------------------------------------------------------

def test_status_of_an_appliance_not_enrolled(services, nok_config):
    services.db.close()
    result = nok(nok_config, "federation", "status")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["Устройство не подключено к реестру СПК.",
                                               "Подключите его: nok federation enroll --registry-url АДРЕС --code КОД"]
    assert "  Ожидает отправки: 0" in result.output


def test_status_shows_link_queue_and_the_oldest_pending(services, nok_config, registry):
    link = link_to(services, registry)
    link.snapshot_version, link.last_error = 17, "Реестр tcp://x не ответил: 2 попыток по 30 с"
    link.save()
    schedule_item(services, "План-график: 3 экзаменационные группы", state=OutboxState.DONE)
    schedule_item(services, "Результат: Белова Анна Сергеевна", state=OutboxState.REFUSED,
                  last_error="Подпись пакета неверна или сделана другим ключом")
    schedule_item(services, "Результат: Соколов Дмитрий Олегович", attempts=3,
                  last_error="Реестр tcp://x не ответил: 2 попыток по 30 с")
    schedule_item(services, "Результат: Колиниченко Михаил Андреевич")
    services.db.close()
    text = nok(nok_config, "federation", "status").output
    assert f"Реестр СПК: http://registry.test (приём пакетов: {registry.endpoint})" in text
    assert "Идентификатор устройства: nok-test-1" in text and "Последняя связь с реестром: ещё не было" in text
    assert "Справочники: версия 17" in text and "Последняя ошибка: Реестр tcp://x не ответил" in text
    assert "  Ожидает отправки: 2\n  Принят реестром: 1\n  Отклонён реестром: 1" in text
    assert "Первое в очереди: «Результат: Соколов Дмитрий Олегович» (поставлено " in text and "попыток: 3" in text
    assert "  • «Результат: Белова Анна Сергеевна»: Подпись пакета неверна" in text


# --- the worker -----------------------------------------------------------------------------------

def test_not_enrolled_worker_waits_and_says_so_once(services):
    said: list[str] = []
    state = SyncState()
    assert sync_pass(services, state, said.append) is None
    assert sync_pass(services, state, said.append) is None
    assert said == [NOT_ENROLLED] and not OutboxItem.select().exists()


def test_worker_pulls_when_an_ack_announces_a_newer_version(services, enrolled, registry):
    said: list[str] = []
    state = SyncState(last_pull=time.monotonic())  # a pull happened just now: not due by the clock
    registry.reference_version = 4
    schedule_item(services, "План")
    report = sync_pass(services, state, said.append, timeout=TIMEOUT, retries=0)
    assert report.sent >= 1 and registry.requests == [{"have_version": 0}], "the ack said 4 > 0: pulled"
    assert any(line.startswith("Реестр принял") for line in said)
    registry.reference_version = 0
    sync_pass(services, state, said.append, timeout=TIMEOUT, retries=0)
    assert len(registry.requests) == 1, "nothing announced and not due: no pull"


def test_sync_once_queues_sends_and_marks_the_submission(services, nok_config, world, enrolled, registry):
    submission = sent_result(world, services, protocol=False)
    services.db.close()
    result = nok(nok_config, "federation", "sync", "--once", "--timeout", "2")
    assert result.exit_code == 0, result.output
    assert "Поставлено в исходящую очередь: 1 отправление." in result.output
    assert "План-график экзаменов изменился" in result.output and "Реестр принял 2 пакета" in result.output
    assert [r.kind for r in registry.stored] == ["exam_result", "exam_schedule"]
    assert SpkSubmission.get_by_id(submission.id).sent_at is not None
    assert registry.requests == [{"have_version": 0}], "the first pass also asks for reference data"


def test_push_and_pull_commands_need_an_enrolment(services, nok_config):
    services.db.close()
    for command in ("push", "pull"):
        result = nok(nok_config, "federation", command)
        assert result.exit_code == 1 and result.stderr.startswith("Ошибка: Устройство не подключено к реестру СПК")


def test_sync_process_stops_cleanly_on_sigterm(services, nok_config):
    services.db.close()
    worker = Process(nok_config, "federation", "sync")
    try:
        worker.wait_for(r"Обмен с реестром СПК запущен \(процесс \d+")
        worker.wait_for("не подключено к реестру СПК")
        worker.proc.send_signal(signal.SIGTERM)
        assert worker.proc.wait(30) == 0
        assert "Обмен с реестром СПК остановлен." in worker.output() and "Traceback" not in worker.output()
    finally:
        worker.stop()


def test_sender_killed_in_the_middle_of_a_send_loses_and_doubles_nothing(services, nok_config, enrolled, registry):
    first, second = schedule_item(services, "Первый"), schedule_item(services, "Второй")
    registry.block = threading.Event()  # the registry stores the bundle, then the appliance dies
    sender = Process(nok_config, "federation", "push", "--timeout", "30")
    try:
        assert registry.stored_event.wait(30), sender.output()
        sender.proc.kill()
        sender.proc.wait(10)
    finally:
        sender.stop()
        registry.block.set()
    registry.block = None
    item = OutboxItem.get_by_id(first.id)
    assert item.state == OutboxState.PENDING and item.serial == 1 and item.bundle_id == registry.stored[0].bundle_id
    report = push(services, keys=load_keys(nok_config), link=current_link(), timeout=2, retries=0)
    assert report.done == 3, "the two items and the план-график `push` queued"
    assert [r.serial for r in registry.stored] == [1, 2, 3], "the resent bundle was a duplicate: stored once"
    assert OutboxItem.get_by_id(second.id).serial == 2 and json.loads(OutboxItem.get_by_id(first.id).ack)["status"] \
        == "duplicate"


@pytest.mark.gunicorn
def test_serve_runs_the_sync_worker_and_stops_it(services, nok_config):
    services.db.close()
    port = free_port()
    serve = Process(nok_config, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1")
    try:
        pid = int(serve.wait_for(r"Обмен с реестром СПК запущен \(процесс (\d+)").group(1))
        assert alive(pid)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as reply:
                    assert reply.status == 200
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, serve.output()
                time.sleep(0.2)
        serve.proc.terminate()
        assert serve.proc.wait(30) == 0, serve.output()
        assert not alive(pid), "the worker stops with the server"
        assert "Обмен с реестром СПК остановлен." in serve.output()
    finally:
        serve.stop()


@pytest.mark.gunicorn
def test_worker_does_not_outlive_a_killed_server(services, nok_config):
    services.db.close()
    serve = Process(nok_config, "serve", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1")
    try:
        pid = int(serve.wait_for(r"Обмен с реестром СПК запущен \(процесс (\d+)").group(1))
        serve.wait_for("не подключено к реестру СПК")
        serve.proc.kill()
        serve.proc.wait(10)
        deadline = time.monotonic() + 30
        while alive(pid):
            assert time.monotonic() < deadline, "the worker kept running without its server"
            time.sleep(0.1)
    finally:
        serve.stop()

"""Trying the appliance out without a real organisation or a mail server: `nok demo` loads the demo
data (see `appliance.demo`), `nok mail-catcher` is a local SMTP server that keeps every letter as
.eml and prints its links, so password links work offline.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import signal
import threading
from pathlib import Path
from typing import Callable

import click

from appliance.cli._internal import plural, table
from appliance.cli.errors import CliError
from appliance.cli.state import CliState, pass_state


@click.command()
@click.option("--password", default=None, metavar="ПАРОЛЬ",
              help="Пароль всех демо-пользователей (по умолчанию nok-demo-2026).")
@pass_state
def demo(state: CliState, password: str | None) -> None:
    """Загрузить демо-данные: организации, квалификации, пользователей всех ролей и экзаменационный день."""
    from appliance.demo import ALREADY_LOADED, DEFAULT_PASSWORD, is_demo_loaded, load_demo
    from appliance.demo_exam_day import notes

    services = state.services()
    with services.db.connection_context():
        loaded = is_demo_loaded()
        logins = load_demo(password or DEFAULT_PASSWORD, services)
        exam_day = notes(services.config.base_url)
    if loaded:
        click.echo(f"{ALREADY_LOADED}: ничего не изменено.")
    else:
        click.echo(f"Демо-данные загружены: {plural(len(logins), 'пользователь', 'пользователя', 'пользователей')}.")
    click.echo("")
    click.echo(table(["Кабинет", "Роль", "Организация", "Логин (email)"],
                     [(x.cabinet, x.role, x.organisation, x.email) for x in logins]))
    click.echo("")
    if loaded:
        click.echo(f"Пароль — тот, что был задан при первой загрузке (по умолчанию «{DEFAULT_PASSWORD}»).")
    else:
        click.echo(f"Пароль всех демо-пользователей: {password or DEFAULT_PASSWORD}")
    click.echo(f"Вход: {services.config.base_url.rstrip('/')}/login")
    click.echo("")
    click.echo("\n".join(exam_day))


_LINK = re.compile(r"https?://[^\s<>\"»]+")


class MailCatcher:
    """aiosmtpd handler: save every letter as .eml into `mail_dir` and report it through `report`."""

    def __init__(self, mail_dir: Path, report: Callable[[str], None]):
        self.mail_dir = mail_dir
        self.report = report
        self._counter = 0
        self._lock = threading.Lock()

    def save(self, raw: bytes) -> Path:
        with self._lock:
            self._counter += 1
            n = self._counter
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.mail_dir / f"{stamp}-{os.getpid()}-{n:04d}.eml"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        return path

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler protocol
        from email import message_from_bytes, policy

        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        path = self.save(raw)
        msg = message_from_bytes(raw, policy=policy.default)
        try:
            part = msg.get_body(preferencelist=("plain", "html"))
            body = part.get_content() if part is not None else ""
        except (LookupError, KeyError, ValueError):
            body = ""
        to = ", ".join(envelope.rcpt_tos) or str(msg.get("To", ""))
        lines = [f"Письмо для {to}: «{msg.get('Subject', '(без темы)')}» → {path}"]
        lines += [f"  ссылка: {link}" for link in dict.fromkeys(_LINK.findall(body))]
        self.report("\n".join(lines))
        return "250 OK"


@click.command("mail-catcher")
@click.option("--port", type=click.IntRange(1, 65535), default=None, metavar="ПОРТ",
              help="Порт SMTP (по умолчанию smtp_port из настроек).")
@pass_state
def mail_catcher(state: CliState, port: int | None) -> None:
    """Локальный почтовый сервер для работы без сети: письма сохраняются в <каталог данных>/mail/."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        raise CliError("Для mail-catcher нужен пакет aiosmtpd: pip install aiosmtpd.") from None
    config = state.config
    port = port or config.smtp_port
    mail_dir = config.data_dir / "mail"
    mail_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = MailCatcher(mail_dir, lambda text: click.echo(text))
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    try:
        controller.start()
    except (OSError, RuntimeError) as ex:
        raise CliError(f"Не удалось запустить почтовый сервер на 127.0.0.1:{port}: {ex}") from None
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Почтовый сервер слушает 127.0.0.1:{port}; письма сохраняются в {mail_dir}. Остановка — Ctrl+C.")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()
        for sig, handler_ in previous.items():
            signal.signal(sig, handler_)
        click.echo("Почтовый сервер остановлен.")

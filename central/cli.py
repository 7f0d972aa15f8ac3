"""`nok central …`: the central СПК registry's commands — set up, run, enrol and revoke appliances.

The registry has its own settings file (`central.toml`, same format as the appliance's): the path is
the `--config` of `nok`, else ${NOK_CONFIG}, else ./var/central.toml. `serve` runs the web app under
gunicorn in the foreground and the bundle receiver (`nok central worker`) as its child process, and
stops the child when it ends.
"""
from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click

from core.cli_kit import CliError
from core.config import CONFIG_ENV, Config, dump_config, load_config

CONFIG_NAME = "central.toml"
_ZMQ_BIND = re.compile(r"^tcp://(\*|\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):(\d{1,5})$")
STATUS_TITLES = {"active": "Подключён", "revoked": "Отозван"}


def config_path(ctx: click.Context) -> Path:
    """The registry's settings file: `nok --config`, else ${NOK_CONFIG}, else ./var/central.toml."""
    given = ctx.find_root().params.get("config_path")
    if given:
        return Path(given).absolute()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).absolute()
    return (Path("var") / CONFIG_NAME).absolute()


class _Registry:
    """The config and services of one `nok central` run, opened lazily."""

    def __init__(self, path: Path):
        self.path = path
        self._config: Config | None = None
        self._services = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.path)
        return self._config

    def services(self):
        if self._services is None:
            from central.bootstrap import open_central_services

            self._services = open_central_services(self.config)
            self._services.db.connect(reuse_if_open=True)
        return self._services

    def close(self) -> None:
        if self._services is not None and not self._services.db.is_closed():
            self._services.db.close()


pass_registry = click.make_pass_decorator(_Registry)


@click.group(name="central")
@click.pass_context
def central_commands(ctx: click.Context) -> None:
    """Центральный реестр СПК: настройка, запуск, коды подключения комплексов."""
    registry = _Registry(config_path(ctx))
    ctx.obj = registry
    ctx.call_on_close(registry.close)


def _check_zmq_bind(value: str) -> str:
    match = _ZMQ_BIND.match(value)
    if not match or not 0 < int(match[2]) < 65536:
        raise CliError(f"Адрес приёмника «{value}» указан неверно: ожидается tcp://ХОСТ:ПОРТ, "
                                   "например tcp://127.0.0.1:7701.")
    return value


def _migrate(config: Config) -> list[str]:
    from central.database import central_components
    from core.db import open_database_url
    from core.migrations import migrate

    db = open_database_url(config.database_url)
    try:
        return migrate(db, central_components())
    finally:
        if not db.is_closed():
            db.close()


@central_commands.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True, metavar="КАТАЛОГ",
              help="Каталог данных реестра (настройки, ключи, файлы).")
@click.option("--database-url", default=None, metavar="URL",
              help="База данных: postgresql://… (по умолчанию SQLite-файл в каталоге данных).")
@click.option("--bind", default="127.0.0.1:8090", show_default=True, metavar="ХОСТ:ПОРТ",
              help="Адрес веб-сервера реестра.")
@click.option("--registry-bind", default="tcp://127.0.0.1:7701", show_default=True, metavar="tcp://ХОСТ:ПОРТ",
              help="Адрес приёмника пакетов от комплексов (ZeroMQ).")
@click.option("--base-url", default=None, metavar="URL",
              help="Внешний адрес реестра для ссылок и QR-кодов (по умолчанию http://<--bind>).")
@click.pass_context
def init(ctx: click.Context, data_dir: Path, database_url: str | None, bind: str, registry_bind: str,
         base_url: str | None) -> None:
    """Создать каталог данных реестра, ключи, файл настроек и базу данных."""
    from core.cli_kit import check_base_url, check_bind, write_key_file
    from central.bootstrap import CENTRAL_PLUGINS, registry_key_dir
    from federation.keys import generate_registry_keys

    data_dir = data_dir.absolute()
    given = ctx.find_root().params.get("config_path")
    path = Path(given).absolute() if given else data_dir / CONFIG_NAME
    config = Config(data_dir=data_dir, bind=check_bind(bind), base_url=check_base_url(base_url) or f"http://{bind}",
                    database_url=database_url or f"sqlite:///{data_dir / 'central.db'}",
                    registry_bind=_check_zmq_bind(registry_bind), plugins=list(CENTRAL_PLUGINS))
    existing = [p for p in (path, config.key_file, registry_key_dir(config)) if p.exists()]
    if existing:
        raise CliError("Реестр уже инициализирован: существует "
                                   + ", ".join(str(p) for p in existing)
                                   + ". Новые ключи сделали бы недействительными подключения комплексов.")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_key_file(config.key_file)
    generate_registry_keys().save(registry_key_dir(config))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dump_config(config).split("\n", 1)[1]
    path.write_text("# Настройки центрального реестра СПК. Изменения вступают в силу после перезапуска.\n" + text,
                    encoding="utf-8")
    done = _migrate(config)
    click.echo("Центральный реестр СПК инициализирован.")
    click.echo(f"  Каталог данных: {data_dir}")
    click.echo(f"  Файл настроек:  {path}")
    click.echo(f"  Ключ хранилища файлов: {config.key_file} (доступ только владельцу; сохраните копию отдельно).")
    click.echo(f"  Ключи реестра: {registry_key_dir(config)}")
    click.echo(f"  База данных: {config.database_url.split('@')[-1]}")
    click.echo(f"  Обновлений схемы выполнено: {len(done)}")
    click.echo(f"Дальше: «nok --config {path} central serve» — запустить реестр.")


@central_commands.command("migrate")
@pass_registry
def migrate_command(registry: _Registry) -> None:
    """Обновить схему базы данных реестра."""
    done = _migrate(registry.config)
    if not done:
        click.echo("Схема актуальна.")
        return
    click.echo("Выполнено:")
    for line in done:
        click.echo(f"  • {line}")


def _gunicorn_argv(config: Config) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--no-control-socket", "--bind", config.bind,
            "--workers", str(config.workers), "--timeout", str(config.request_timeout_seconds),
            "--access-logfile", "-", "--error-logfile", "-", "--name", "nok-central", "central.wsgi:application()"]


def _stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@central_commands.command()
@pass_registry
def serve(registry: _Registry) -> None:
    """Запустить реестр: веб-сервер (gunicorn) и приёмник пакетов от комплексов."""
    config = registry.config
    for line in _migrate(config):
        click.echo(f"Миграция: {line}")
    env = {**os.environ, CONFIG_ENV: str(registry.path)}
    worker_argv = [sys.executable, "-m", "appliance.cli", "--config", str(registry.path), "central", "worker"]
    click.echo(f"Запуск реестра СПК на http://{config.bind}/, приём пакетов на {config.registry_bind}. "
               "Остановка — Ctrl+C.")
    sys.stdout.flush()
    worker = subprocess.Popen(worker_argv, env=env)
    web = None
    previous = signal.getsignal(signal.SIGTERM)
    try:
        web = subprocess.Popen(_gunicorn_argv(config), env=env)
        signal.signal(signal.SIGTERM, lambda *_: web.terminate())
        while True:
            try:
                code = web.wait()
                break
            except KeyboardInterrupt:  # Ctrl+C reached gunicorn too; wait for it to finish
                web.terminate()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if web is not None:
            _stop(web)
        _stop(worker)
    if code not in (0, -signal.SIGTERM, -signal.SIGINT):
        raise CliError(f"Веб-сервер реестра завершился с кодом {code}.")


def _worker_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("central", "federation"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False


@central_commands.command()
@pass_registry
def worker(registry: _Registry) -> None:
    """Приёмник пакетов от комплексов и отправка в НАРК (фоновый процесс; «serve» запускает его сам)."""
    from central.worker import run_worker

    config = registry.config
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    _worker_logging()
    click.echo(f"Приёмник пакетов реестра: {config.registry_bind}. Остановка — Ctrl+C.")
    run_worker(config, stop)


@central_commands.command("enrol-code")
@click.option("--organisation-inn", "inn", required=True, metavar="ИНН", help="ИНН ЦОК или площадки.")
@click.option("--title", required=True, metavar="НАЗВАНИЕ", help="Название комплекса в реестре.")
@click.option("--hours", type=click.IntRange(1, 24 * 30), default=24, show_default=True, metavar="ЧАСОВ",
              help="Срок действия кода.")
@click.option("--quiet", is_flag=True, help="Напечатать только код (для сценариев установки).")
@pass_registry
def enrol_code(registry: _Registry, inn: str, title: str, hours: int, quiet: bool) -> None:
    """Выдать одноразовый код подключения комплекса ЦОК или площадки."""
    from central.enrolment import issue_code
    from core.models import Organisation, OrgKind

    registry.services()
    found = list(Organisation.select().where(Organisation.inn == inn.strip(),
                                             Organisation.kind.in_([OrgKind.COK.value, OrgKind.VENUE.value])))
    if not found:
        raise CliError(f"ЦОК или площадка с ИНН {inn} не найдены в реестре.")
    centres = [org for org in found if org.kind == OrgKind.COK.value]
    if len(found) > 1 and len(centres) == 1:
        found = centres  # a ЦОК and its venues share the ИНН: the code is for the ЦОК itself
    if len(found) > 1:
        raise CliError(f"С ИНН {inn} в реестре несколько организаций; выдайте код в кабинете СПК.")
    code = issue_code(found[0], title, None, hours)
    if quiet:
        click.echo(code)
        return
    click.echo(f"Код подключения для «{found[0].short_name}»: {code}")
    click.echo(f"Действует {hours} ч и только для одного комплекса. Код показывается один раз.")


@central_commands.command()
@pass_registry
def appliances(registry: _Registry) -> None:
    """Список подключённых комплексов: последний контакт, последний номер пакета, состояние."""
    from core.cli_kit import table
    from central.models import Appliance
    from core.models import Organisation

    registry.services()
    rows = (Appliance.select(Appliance, Organisation).join(Organisation)
            .order_by(Appliance.enrolled_at, Appliance.id))
    lines = [(a.appliance_id, a.title, a.organisation.short_name,
              a.last_contact_at.strftime("%d.%m.%Y %H:%M") if a.last_contact_at else "нет",
              a.last_serial, STATUS_TITLES.get(a.status, a.status)) for a in rows]
    if not lines:
        click.echo("Комплексы ещё не подключены. Код подключения выдаёт «nok central enrol-code».")
        return
    click.echo(table(["Комплекс", "Название", "Организация", "Последний контакт (UTC)", "Последний номер",
                      "Состояние"], lines))


@central_commands.command()
@click.argument("appliance_id", metavar="ИДЕНТИФИКАТОР")
@click.option("--reason", required=True, metavar="ПРИЧИНА", help="Причина отзыва (попадёт в журнал).")
@pass_registry
def revoke(registry: _Registry, appliance_id: str, reason: str) -> None:
    """Отозвать комплекс: реестр перестанет принимать его подключения и пакеты."""
    from central.enrolment import find_appliance, revoke as revoke_appliance

    registry.services()
    appliance = find_appliance(appliance_id)
    revoke_appliance(appliance, reason, None)
    click.echo(f"Комплекс «{appliance.appliance_id}» ({appliance.title}) отозван.")


@central_commands.command()
@click.option("--password", default=None, metavar="ПАРОЛЬ",
              help="Пароль демо-сотрудников СПК (по умолчанию nok-demo-2026).")
@pass_registry
def demo(registry: _Registry, password: str | None) -> None:
    """Загрузить демо-данные реестра: СПК с сотрудниками, ЦОК и площадки, квалификации, эксперты, КОС.

    Те же организации и квалификации, что в «nok demo» устройства, поэтому присланные им результаты
    сразу находят свои ЦОК и квалификации. Повторный запуск ничего не меняет.
    """
    from central.demo import DEFAULT_PASSWORD, demo_logins, is_loaded, load_central_demo

    registry.services()
    already = is_loaded()
    load_central_demo(password or DEFAULT_PASSWORD)
    click.echo("Демо-данные реестра уже загружены." if already else "Демо-данные реестра загружены.")
    click.echo(f"Реестр СПК: {registry.config.base_url}/")
    for email, role in demo_logins():
        click.echo(f"  {role}: {email}  пароль: {password or DEFAULT_PASSWORD}")

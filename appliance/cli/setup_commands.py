"""Setting the appliance up and running it: `nok init`, `nok migrate`, `nok serve`.

`nok init` writes the key file (mode 0600 from the first byte), the config and an encrypted,
migrated database, and refuses to overwrite an existing installation without `--force`
(a new key makes the old database unreadable). `nok serve` migrates, then replaces itself
with gunicorn, so the process a service manager started is the web server itself; the gunicorn
master runs `nok federation sync` as its child (`federation.companion`).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from appliance.cli._internal import echo_lines
from appliance.cli.errors import CliError
from core.cli_kit import check_base_url, check_bind, write_key_file
from appliance.cli.plugin_warnings import reports_inactive_plugins
from appliance.cli.state import CliState, pass_state
from core.config import CONFIG_ENV, KEY_ENV, Config



@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="КАТАЛОГ",
              help="Каталог данных (по умолчанию — каталог файла настроек).")
@click.option("--base-url", default=None, metavar="URL", help="Внешний адрес устройства для ссылок в письмах.")
@click.option("--bind", default=None, metavar="ХОСТ:ПОРТ", help="Адрес, на котором слушает веб-сервер.")
@click.option("--smtp-host", default=None, metavar="ХОСТ", help="Почтовый сервер для исходящих писем.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=None, metavar="ПОРТ",
              help="Порт почтового сервера.")
@click.option("--force", is_flag=True,
              help="Перезаписать существующие настройки и ключ (старая база станет нечитаемой).")
@pass_state
def init(state: CliState, data_dir: Path | None, base_url: str | None, bind: str | None, smtp_host: str | None,
         smtp_port: int | None, force: bool) -> None:
    """Создать каталог данных, ключ, файл настроек и зашифрованную базу."""
    data_dir = (data_dir or state.config_path.parent).absolute()
    overrides = {"base_url": check_base_url(base_url), "bind": check_bind(bind), "smtp_host": smtp_host,
                 "smtp_port": smtp_port}
    config = Config(data_dir=data_dir, **{k: v for k, v in overrides.items() if v is not None})
    env_key = bool(os.environ.get(KEY_ENV, "").strip())

    existing = [p for p in (config.config_file, state.config_path) if p.exists()]
    if not env_key:
        existing += [p for p in (config.key_file, config.db_path) if p.exists()]
    existing = list(dict.fromkeys(existing))
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise CliError(
            f"Устройство уже инициализировано: существует {names}. Повторная инициализация создаёт новый ключ, "
            "и существующая база данных станет нечитаемой. Если это действительно нужно, добавьте --force.")

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    moved: list[Path] = []
    if not env_key:
        if config.key_file.exists():
            config.key_file.unlink()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for path in (config.db_path, Path(f"{config.db_path}-wal"), Path(f"{config.db_path}-shm")):
            if path.exists():
                target = path.with_name(f"{path.name}.old-{stamp}")
                path.rename(target)
                moved.append(target)
        write_key_file(config.key_file)
    state.save_config(config)
    done = state.migrate()

    click.echo("Устройство НОК-Платформы инициализировано.")
    click.echo(f"  Каталог данных: {data_dir}")
    click.echo(f"  Файл настроек:  {state.config_path}")
    if env_key:
        click.echo(f"  Ключ базы данных берётся из переменной окружения {KEY_ENV}.")
    else:
        click.echo(f"  Ключ базы данных: {config.key_file} (доступ только владельцу).")
        click.echo("  Сохраните копию ключа отдельно от базы: без него данные прочитать невозможно.")
    for path in moved:
        click.echo(f"  Прежняя база данных (со старым ключом она нечитаема) перенесена в {path}")
    click.echo(f"  База данных: {config.db_path}")
    echo_lines(done, "  Схема базы данных актуальна.")
    click.echo("Дальше: «nok user add» — создать администратора, «nok serve» — запустить устройство.")


@reports_inactive_plugins
@click.command("migrate")
@pass_state
def migrate_command(state: CliState) -> None:
    """Обновить схему базы данных (ядро и включённые расширения)."""
    done = state.migrate()
    if done:
        click.echo("Выполнено:")
        echo_lines(done, "")
    else:
        click.echo("Схема актуальна.")


def gunicorn_argv(config: Config, bind: str, workers: int) -> list[str]:
    """The command line `nok serve` execs: gunicorn with the app factory, access log to stdout.

    Its config module `federation.companion` makes the gunicorn master start `nok federation sync`
    with the same config and stop it when the server stops.
    """
    return [sys.executable, "-m", "gunicorn", "--no-control-socket", "--config", "python:federation.companion",
            "--bind", bind, "--workers", str(workers), "--timeout", str(config.request_timeout_seconds),
            "--access-logfile", "-", "--error-logfile", "-", "--name", "nok",
            "appliance.wsgi:application()"]


@reports_inactive_plugins
@click.command()
@click.option("--bind", default=None, metavar="ХОСТ:ПОРТ", help="Адрес веб-сервера (по умолчанию из настроек).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Число рабочих процессов (по умолчанию из настроек).")
@click.option("--check", is_flag=True, help="Только проверить настройки и базу данных, не запуская сервер.")
@pass_state
def serve(state: CliState, bind: str | None, workers: int | None, check: bool) -> None:
    """Запустить веб-сервер устройства (gunicorn) и отправку результатов в реестр СПК."""
    config = state.config
    bind = check_bind(bind) or config.bind
    workers = workers or config.workers
    for text in state.migrate():
        click.echo(f"Миграция: {text}")
    if check:
        active = [s.name for s in state.services().plugins.status() if s.active]
        click.echo("Настройки и база данных в порядке.")
        click.echo(f"  Файл настроек: {state.config_path}")
        click.echo(f"  База данных: {config.db_path}")
        click.echo(f"  Адрес: http://{bind}/, рабочих процессов: {workers}")
        click.echo(f"  Активные расширения: {', '.join(active) if active else 'нет'}")
        return
    state.close()
    argv = gunicorn_argv(config, bind, workers)
    os.environ[CONFIG_ENV] = str(state.config_path)
    click.echo(f"Запуск НОК-Платформы на http://{bind}/ (рабочих процессов: {workers}). Остановка — Ctrl+C.")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(argv[0], argv)

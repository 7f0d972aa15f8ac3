"""Командная строка устройства НОК-Платформы: `nok init`, `nok serve`, `nok user add` и другие.

Every message is Russian, click's own ones included (see `_install_russian_click`). An error
of our code (`core.exceptions.NokError`) is printed as one line «Ошибка: …» on stderr with
exit code 1 and never as a traceback.

Plugins add commands through `PluginHost.register_cli_commands`; they are loaded lazily,
only when a name that is not a core command is asked for (or the command list is shown), so
`nok init` works before any config exists. A plugin command gets the `CliState` as
`ctx.obj`: `ctx.obj.config` and `ctx.obj.services()` open what it needs.
"""
from __future__ import annotations

import datetime as dt
import errno
import gettext
import importlib
import importlib.metadata
import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Iterable

import click
import peewee

from core import audit
from core.config import CONFIG_ENV, KEY_ENV, Config, default_config_path, load_config, save_config
from core.db import write_transaction
from core.exceptions import MailDeliveryError, NokError, NotFoundError, ValidationError
from core.models import ORG_KIND_TITLES, ROLE_TITLES, Organisation, OrgKind, Role, User

# --- Russian for click's own messages ------------------------------------------------------------

_RU_MESSAGES = {
    "Usage:": "Использование:",
    "Options": "Параметры",
    "Positional arguments": "Аргументы",
    "Commands": "Команды",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "Show the version and exit.": "Показать версию и выйти.",
    "Error: {message}": "Ошибка: {message}",
    "Try '{command} {option}' for help.": "Справка: «{command} {option}».",
    "Aborted!": "Прервано.",
    "Missing command.": "Не указана команда.",
    "No such command {name!r}.": "Нет такой команды: «{name}».",
    "No such option {name!r}.": "Нет такого параметра: «{name}».",
    "Missing argument": "Не указан аргумент",
    "Missing option": "Не указан параметр",
    "Missing parameter": "Не указан параметр",
    "Missing parameter: {param_name}": "Не указан параметр: {param_name}",
    "Invalid value: {message}": "Неверное значение: {message}",
    "Invalid value for {param_hint}: {message}": "Неверное значение {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Параметр «{name}» не принимает значения.",
    "{value!r} is not a valid {number_type}.": "«{value}» — не число.",
    "{value} is not in the range {range}.": "{value} вне допустимого диапазона {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "«{value}» — не логическое значение. Допустимо: {states}",
    "{name} {filename!r} does not exist.": "{name} «{filename}» не существует.",
    "{name} {filename!r} is a file.": "{name} «{filename}» — файл, а нужен каталог.",
    "{name} {filename!r} is a directory.": "{name} «{filename}» — каталог, а нужен файл.",
    "{name} {filename!r} is not readable.": "{name} «{filename}» недоступен для чтения.",
    "{name} {filename!r} is not writable.": "{name} «{filename}» недоступен для записи.",
    "file": "файл", "directory": "каталог", "path": "путь",
    "Could not open file {filename!r}: {message}": "Не удалось открыть файл «{filename}»: {message}",
    "Repeat for confirmation": "Повторите для подтверждения",
    "Error: The two entered values do not match.": "Ошибка: введённые значения не совпадают.",
    "Error: invalid input": "Ошибка: неверный ввод",
    "Do you want to continue?": "Продолжить?",
    "Confirm the action without prompting.": "Подтвердить действие без вопроса.",
    "default: {default}": "по умолчанию: {default}",
    "env var: {var}": "переменная окружения: {var}",
    "required": "обязательно",
    "Choose from:\n\t{choices}": "Выберите одно из:\n\t{choices}",
    "unknown error": "неизвестная ошибка",
}
_RU_PLURALS = {
    "Got unexpected extra argument ({args})": "Лишние аргументы: {args}",
    "Option {name!r} requires an argument.": "Параметру «{name}» нужно значение.",
    "{value!r} is not {choice}.": "«{value}» — недопустимое значение, возможно: {choice}.",
    "Did you mean {possibility}?": "Возможно, имелось в виду: {possibility}?",
    "Takes {nargs} values but 1 was given.": "Нужно значений: {nargs}, передано: {len}.",
}
_RU_PLURALS_MANY = {
    "{value!r} is not {choice}.": "«{value}» — недопустимое значение, возможно: {choices}.",
    "Did you mean {possibility}?": "Возможно, имелось в виду одно из: {possibilities}?",
    "Option {name!r} requires an argument.": "Параметру «{name}» нужно значений: {nargs}.",
}


def _ru_gettext(message: str) -> str:
    return _RU_MESSAGES.get(message, gettext.gettext(message))


def _ru_ngettext(singular: str, plural: str, n: int) -> str:
    if singular in _RU_PLURALS:
        return _RU_PLURALS[singular] if n == 1 else _RU_PLURALS_MANY.get(singular, _RU_PLURALS[singular])
    return gettext.ngettext(singular, plural, n)


def _install_russian_click() -> None:
    """Make click speak Russian: it looks its messages up through module-level gettext aliases."""
    for name in ("core", "exceptions", "parser", "types", "termui", "formatting", "decorators"):
        module = sys.modules.get(f"click.{name}") or importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _ru_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ru_ngettext


_install_russian_click()


# --- errors --------------------------------------------------------------------------------------

class CliError(click.ClickException):
    """A clean one-line Russian error on stderr, exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"Ошибка: {self.format_message()}", err=True)


_OS_ERRORS = {
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "операция не разрешена",
    errno.ENOENT: "файл или каталог не найден",
    errno.ENOSPC: "нет места на диске",
    errno.EROFS: "файловая система только для чтения",
    errno.EEXIST: "файл уже существует",
    errno.EADDRINUSE: "адрес уже занят",
}


def _os_error_message(ex: OSError) -> str:
    reason = _OS_ERRORS.get(ex.errno or -1, ex.strerror or str(ex))
    return f"{reason}: {ex.filename}" if ex.filename else reason


# --- state shared by the commands ----------------------------------------------------------------

class CliState:
    """The `--config` path and what is opened from it, lazily; `ctx.obj` of every command."""

    def __init__(self, config_path: Path):
        self.config_path = config_path
        self._config: Config | None = None
        self._services = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def services(self, *, run_migrations: bool = True):
        """Open the encrypted database (migrated by default), blob store, mailer and plugins."""
        if self._services is None:
            from appliance.bootstrap import open_services

            self._services = open_services(self.config, run_migrations=run_migrations)
        return self._services

    def close(self) -> None:
        if self._services is not None and not self._services.db.is_closed():
            self._services.db.close()


pass_state = click.make_pass_decorator(CliState)


class NokGroup(click.Group):
    """The `nok` group: Russian errors, and plugin commands loaded on demand."""

    _META_KEY = "nok.plugin_commands"

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NokError as ex:
            raise CliError(str(ex)) from None
        except OSError as ex:
            raise CliError(_os_error_message(ex)) from None
        except peewee.OperationalError as ex:
            if "locked" in str(ex) or "busy" in str(ex):
                raise CliError("База данных занята другим процессом; повторите команду чуть позже.") from None
            raise

    def _plugin_commands(self, ctx: click.Context, *, quiet: bool) -> dict[str, click.Command]:
        root = ctx.find_root()
        cached = root.meta.get(self._META_KEY)
        if cached is not None:
            return cached
        state = root.obj if isinstance(root.obj, CliState) else CliState(_config_path_from(root))
        try:
            from appliance.bootstrap import load_plugins

            scratch = click.Group(self.name, commands=dict(self.commands))
            load_plugins(state.config).register_cli_commands(scratch)
        except NokError:
            if quiet:
                root.meta[self._META_KEY] = {}
                return {}
            raise
        commands = {name: cmd for name, cmd in scratch.commands.items() if name not in self.commands}
        for command in commands.values():
            _russian_metavars(command)
        root.meta[self._META_KEY] = commands
        return commands

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        return self._plugin_commands(ctx, quiet=False).get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._plugin_commands(ctx, quiet=True)})


def _config_path_from(ctx: click.Context) -> Path:
    value = ctx.params.get("config_path")
    return Path(value).absolute() if value else default_config_path()


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(name="nok", cls=NokGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="ПУТЬ", is_eager=True,  # known before --help lists the plugins' commands
              help=f"Файл настроек (по умолчанию ${CONFIG_ENV} или ./var/nok.toml).")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """НОК-Платформа: устройство ЦОК или экзаменационной площадки."""
    if not logging.getLogger().handlers:  # plugin warnings («Плагин … не активен») as plain Russian lines
        logging.basicConfig(level=logging.WARNING, format="Предупреждение: %(message)s")
    state = CliState(config_path.absolute() if config_path else default_config_path())
    ctx.obj = state
    ctx.call_on_close(state.close)


# --- small helpers ------------------------------------------------------------------------------

def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def _table(headers: list[str], rows: Iterable[Iterable[object]]) -> str:
    rows = [["—" if v is None or v == "" else str(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    rules = ["-" * w for w in widths[:-1]] + ["-" * max(len(headers[-1]), min(widths[-1], 30))]
    out = [line(headers), line(rules)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _echo_lines(lines: list[str], empty: str) -> None:
    if lines:
        for text in lines:
            click.echo(f"  • {text}")
    else:
        click.echo(empty)


_BIND = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):(?P<port>\d{1,5})$")


def _check_bind(value: str | None) -> str | None:
    if value is None:
        return None
    match = _BIND.match(value)
    if not match or not 0 < int(match["port"]) < 65536:
        raise CliError(f"Адрес «{value}» указан неверно: ожидается ХОСТ:ПОРТ, например 127.0.0.1:8080.")
    return value


def _check_base_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", value):
        raise CliError(f"Адрес «{value}» указан неверно: ожидается http://… или https://…")
    return value.rstrip("/")


# --- nok init ------------------------------------------------------------------------------------

def write_key_file(path: Path) -> None:
    """Create the key file with mode 0600 from the first byte on (O_EXCL: never overwrite)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask could only narrow it; make it exact
        os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


@main.command()
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
    overrides = {"base_url": _check_base_url(base_url), "bind": _check_bind(bind), "smtp_host": smtp_host,
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
    save_config(config)
    if state.config_path != config.config_file:
        state.config_path.parent.mkdir(parents=True, exist_ok=True)
        save_config_to(config, state.config_path)
    state._config = config

    services = state.services(run_migrations=False)
    from appliance.bootstrap import components
    from core.migrations import migrate

    done = migrate(services.db, components(services.plugins))

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
    _echo_lines(done, "  Схема базы данных актуальна.")
    click.echo("Дальше: «nok user add» — создать администратора, «nok serve» — запустить устройство.")


def save_config_to(config: Config, path: Path) -> None:
    """Write the config also to a `--config` path outside the data directory."""
    from core.config import dump_config

    path.write_text(dump_config(config), encoding="utf-8")


# --- nok migrate ---------------------------------------------------------------------------------

@main.command("migrate")
@pass_state
def migrate_command(state: CliState) -> None:
    """Обновить схему базы данных (ядро и включённые расширения)."""
    from appliance.bootstrap import components
    from core.migrations import migrate

    services = state.services(run_migrations=False)
    done = migrate(services.db, components(services.plugins))
    if done:
        click.echo("Выполнено:")
        _echo_lines(done, "")
    else:
        click.echo("Схема актуальна.")


# --- nok serve -----------------------------------------------------------------------------------

def gunicorn_argv(config: Config, bind: str, workers: int) -> list[str]:
    """The command line `nok serve` execs: gunicorn with the app factory, access log to stdout."""
    return [sys.executable, "-m", "gunicorn", "--no-control-socket", "--bind", bind, "--workers", str(workers),
            "--access-logfile", "-", "--error-logfile", "-", "--name", "nok",
            "appliance.wsgi:application()"]


@main.command()
@click.option("--bind", default=None, metavar="ХОСТ:ПОРТ", help="Адрес веб-сервера (по умолчанию из настроек).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Число рабочих процессов (по умолчанию из настроек).")
@click.option("--check", is_flag=True, help="Только проверить настройки и базу данных, не запуская сервер.")
@pass_state
def serve(state: CliState, bind: str | None, workers: int | None, check: bool) -> None:
    """Запустить веб-сервер устройства (gunicorn)."""
    config = state.config
    bind = _check_bind(bind) or config.bind
    workers = workers or config.workers
    services = state.services(run_migrations=False)
    from appliance.bootstrap import components
    from core.migrations import migrate

    done = migrate(services.db, components(services.plugins))
    for text in done:
        click.echo(f"Миграция: {text}")
    if check:
        active = [s.name for s in services.plugins.status() if s.active]
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


# --- nok user ------------------------------------------------------------------------------------

@main.group()
def user() -> None:
    """Пользователи: создание и список."""


def find_organisation(value: str) -> Organisation:
    """Find an organisation by its ID or ИНН; several with one ИНН (ЦОК and its venue) need the ID."""
    text = value.strip()
    if not text.isdigit():
        raise NotFoundError(f"Организация «{value}» не найдена: укажите её ID или ИНН (nok user list покажет ID).")
    if len(text) in (10, 12):
        found = list(Organisation.select().where(Organisation.inn == text).order_by(Organisation.id))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            variants = "; ".join(f"ID {o.id} — {o.short_name} ({o.kind_title})" for o in found)
            raise ValidationError(f"ИНН {text} у нескольких организаций, укажите ID: {variants}.", field="org")
    org = Organisation.get_or_none(Organisation.id == int(text)) if len(text) < 10 else None
    if org is None:
        raise NotFoundError(f"Организация «{value}» не найдена (ни по ID, ни по ИНН).")
    return org


ROLE_CHOICES = [r.value for r in Role]


@user.command("add")
@click.option("--email", required=True, metavar="EMAIL", help="Адрес электронной почты (логин).")
@click.option("--name", "full_name", required=True, metavar="ФИО", help="Фамилия, имя и отчество.")
@click.option("--role", type=click.Choice(ROLE_CHOICES), required=True,
              help="admin — Администратор, operator — Оператор, expert — Эксперт, applicant — Соискатель.")
@click.option("--org", default=None, metavar="ID|ИНН", help="Организация (ID или ИНН); для соискателя не указывается.")
@click.option("--phone", default="", metavar="ТЕЛЕФОН", help="Телефон, например +7 912 345-67-89.")
@click.option("--position", default="", metavar="ДОЛЖНОСТЬ", help="Должность.")
@click.option("--password", default=None, metavar="ПАРОЛЬ", help="Задать пароль сразу (виден в истории команд).")
@click.option("--ask-password", is_flag=True, help="Спросить пароль (ввод скрыт, дважды).")
@click.option("--send-link", is_flag=True, help="Отправить письмо с одноразовой ссылкой для установки пароля.")
@pass_state
def user_add(state: CliState, email: str, full_name: str, role: str, org: str | None, phone: str, position: str,
             password: str | None, ask_password: bool, send_link: bool) -> None:
    """Создать пользователя. Без пароля выдаётся одноразовая ссылка для его установки."""
    if sum(bool(x) for x in (password is not None, ask_password, send_link)) > 1:
        raise CliError("Укажите только один из параметров: --password, --ask-password или --send-link.")
    if ask_password:
        password = click.prompt("Пароль", hide_input=True, confirmation_prompt="Повторите пароль")
    from core.services.auth import issue_password_link, password_link_url, send_password_link
    from core.services.users import create_user

    services = state.services()
    config = services.config
    with services.db.connection_context():
        organisation = find_organisation(org) if org else None
        with audit.acting_as(audit.SYSTEM), write_transaction():
            created = create_user(email=email, full_name=full_name, role=Role(role), organisation=organisation,
                                  phone=phone, position=position, password=password)
        where = f", организация «{organisation.short_name}»" if organisation else ""
        click.echo(f"Создан пользователь {created.full_name} <{created.email}>: роль «{created.role_title}»{where}.")
        if password is not None:
            click.echo("Пароль задан.")
            return
        if send_link:
            try:
                with audit.acting_as(audit.SYSTEM):
                    send_password_link(config, services.mailer, created)
            except MailDeliveryError as ex:
                click.echo(f"Предупреждение: {ex}", err=True)
                with audit.acting_as(audit.SYSTEM):
                    token = issue_password_link(config, created)
                click.echo("Передайте пользователю одноразовую ссылку для установки пароля "
                           f"(действует {config.password_link_hours} ч):")
                click.echo(password_link_url(config, token))
            else:
                click.echo(f"Письмо с одноразовой ссылкой для установки пароля отправлено на {created.email}.")
            return
        with audit.acting_as(audit.SYSTEM):
            token = issue_password_link(config, created)
        click.echo(f"Одноразовая ссылка для установки пароля (действует {config.password_link_hours} ч):")
        click.echo(password_link_url(config, token))


@user.command("list")
@click.option("--org", default=None, metavar="ID|ИНН", help="Только сотрудники этой организации.")
@pass_state
def user_list(state: CliState, org: str | None) -> None:
    """Список пользователей."""
    services = state.services()
    with services.db.connection_context():
        query = User.select(User, Organisation).join(Organisation, peewee.JOIN.LEFT_OUTER)
        if org:
            query = query.where(User.organisation == find_organisation(org))
        order = {role.value: i for i, role in enumerate(Role)}
        users = sorted(query, key=lambda u: (u.organisation_id or 0, order.get(u.role, 9), u.full_name, u.id))
        rows = [(u.id, u.email, u.full_name, ROLE_TITLES[Role(u.role)],
                 f"{u.organisation.short_name} (ID {u.organisation.id})" if u.organisation_id else "—",
                 "да" if u.is_active else "нет") for u in users]
        orgs = list(Organisation.select().order_by(Organisation.id)) if not org else []
    if not rows:
        click.echo("Пользователей нет.")
    else:
        click.echo(_table(["ID", "Email", "ФИО", "Роль", "Организация", "Активен"], rows))
        click.echo(f"Всего: {_plural(len(rows), 'пользователь', 'пользователя', 'пользователей')}.")
    if orgs:
        click.echo("")
        click.echo(_table(["ID", "Вид", "Организация", "ИНН"],
                          [(o.id, ORG_KIND_TITLES[OrgKind(o.kind)], o.short_name, o.inn) for o in orgs]))


# --- nok audit -----------------------------------------------------------------------------------

@main.group(name="audit")
def audit_commands() -> None:
    """Журнал аудита."""


@audit_commands.command("verify")
@pass_state
def audit_verify(state: CliState) -> None:
    """Проверить целостность цепочки журнала аудита."""
    services = state.services()
    with services.db.connection_context():
        count = audit.verify_chain()
    click.echo(f"Журнал аудита цел: {_plural(count, 'запись', 'записи', 'записей')}, цепочка хешей не нарушена.")


# --- nok plugins ---------------------------------------------------------------------------------

@main.group()
def plugins() -> None:
    """Расширения (плагины): список, установка, включение и выключение."""


def available_plugins() -> dict[str, str]:
    """Installed plugins: entry points of group `nok` (and built-ins of a source checkout) → target."""
    from core.plugins import BUILTIN_PLUGINS, ENTRY_POINT_GROUP

    importlib.invalidate_caches()
    found = dict(BUILTIN_PLUGINS)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        found[ep.name] = f"{ep.value} ({dist.name} {dist.version})" if dist is not None else ep.value
    return found


def _entry_point_versions() -> dict[str, tuple[str, str]]:
    from core.plugins import ENTRY_POINT_GROUP

    importlib.invalidate_caches()
    out = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        out[ep.name] = (ep.value, f"{dist.name} {dist.version}" if dist is not None else "")
    return out


def _set_enabled(state: CliState, name: str, enabled: bool) -> bool:
    """Add or remove `name` in the config's allowlist; return whether the file changed."""
    config = load_config(state.config_path)
    current = list(config.plugins)
    if enabled == (name in current):
        return False
    config.plugins = current + [name] if enabled else [p for p in current if p != name]
    save_config(config)
    if state.config_path != config.config_file:
        save_config_to(config, state.config_path)
    state._config = config
    return True


@plugins.command("list")
@pass_state
def plugins_list(state: CliState) -> None:
    """Показать расширения: версия, включено ли в настройках, работает ли."""
    from appliance.bootstrap import load_plugins

    host = load_plugins(state.config)
    rows = [(s.name, s.version or "—", "да" if s.enabled else "нет", "да" if s.active else "нет", s.reason or "")
            for s in host.status()]
    if not rows:
        click.echo("Расширений нет.")
        return
    click.echo(_table(["Имя", "Версия", "Включено", "Активно", "Причина"], rows))


@plugins.command("enable")
@click.argument("name")
@pass_state
def plugins_enable(state: CliState, name: str) -> None:
    """Включить расширение NAME."""
    available = available_plugins()
    if name not in available:
        names = ", ".join(sorted(available)) or "нет"
        raise CliError(f"Расширение «{name}» не установлено. Доступны: {names}.")
    if _set_enabled(state, name, True):
        click.echo(f"Расширение «{name}» включено. Перезапустите устройство (nok serve), "
                   "чтобы изменения вступили в силу.")
    else:
        click.echo(f"Расширение «{name}» уже включено.")


@plugins.command("disable")
@click.argument("name")
@pass_state
def plugins_disable(state: CliState, name: str) -> None:
    """Выключить расширение NAME (его данные в базе сохраняются)."""
    if _set_enabled(state, name, False):
        click.echo(f"Расширение «{name}» выключено. Перезапустите устройство (nok serve), чтобы изменения "
                   "вступили в силу. Данные расширения в базе сохранены.")
    else:
        click.echo(f"Расширение «{name}» не было включено.")


@plugins.command("install")
@click.argument("dist")
@click.option("--name", "names", multiple=True, metavar="ИМЯ",
              help="Какое расширение включить (если пакет объявляет несколько или уже был установлен).")
@click.option("--no-deps", is_flag=True, help="Передать pip --no-deps (не ставить зависимости).")
@click.option("--no-build-isolation", is_flag=True, help="Передать pip --no-build-isolation.")
@pass_state
def plugins_install(state: CliState, dist: str, names: tuple[str, ...], no_deps: bool,
                    no_build_isolation: bool) -> None:
    """Установить пакет расширения DIST через pip и включить его."""
    load_config(state.config_path)  # fail early, before pip, when there is no config
    before = _entry_point_versions()
    cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check"]
    if no_deps:
        cmd.append("--no-deps")
    if no_build_isolation:
        cmd.append("--no-build-isolation")
    cmd.append(dist)
    click.echo(f"Установка пакета {dist}…")
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise CliError(f"pip не смог установить пакет {dist} (код {result.returncode}):\n{tail}")
    after = _entry_point_versions()
    new = sorted(name for name, value in after.items() if before.get(name) != value)
    for name in names:
        if name not in after:
            found = ", ".join(new) or "нет"
            raise CliError(f"Пакет {dist} установлен, но расширения «{name}» в нём нет. Новые расширения: {found}.")
    chosen = list(names) or new
    if not chosen:
        raise CliError(f"Пакет {dist} установлен, но новых расширений (точек входа группы «nok») в нём не найдено. "
                       "Укажите имя расширения: --name ИМЯ.")
    for name in chosen:
        changed = _set_enabled(state, name, True)
        click.echo(f"Расширение «{name}» ({after[name][1]}) " + ("установлено и включено." if changed
                                                                 else "установлено, уже было включено."))
    click.echo("Перезапустите устройство (nok serve): таблицы расширения будут созданы при запуске "
               "(или выполните «nok migrate»).")


# --- nok demo ------------------------------------------------------------------------------------

@main.command()
@click.option("--password", default=None, metavar="ПАРОЛЬ",
              help="Пароль всех демо-пользователей (по умолчанию nok-demo-2026).")
@pass_state
def demo(state: CliState, password: str | None) -> None:
    """Загрузить демо-данные: организации, квалификации и пользователей всех ролей."""
    from appliance.demo import ALREADY_LOADED, DEFAULT_PASSWORD, is_demo_loaded, load_demo

    services = state.services()
    with services.db.connection_context():
        loaded = is_demo_loaded()
        logins = load_demo(password or DEFAULT_PASSWORD)
    if loaded:
        click.echo(f"{ALREADY_LOADED}: ничего не изменено.")
    else:
        click.echo(f"Демо-данные загружены: {_plural(len(logins), 'пользователь', 'пользователя', 'пользователей')}.")
    click.echo("")
    click.echo(_table(["Кабинет", "Роль", "Организация", "Логин (email)"],
                      [(x.cabinet, x.role, x.organisation, x.email) for x in logins]))
    click.echo("")
    if loaded:
        click.echo(f"Пароль — тот, что был задан при первой загрузке (по умолчанию «{DEFAULT_PASSWORD}»).")
    else:
        click.echo(f"Пароль всех демо-пользователей: {password or DEFAULT_PASSWORD}")
    click.echo(f"Вход: {services.config.base_url.rstrip('/')}/login")


# --- nok mail-catcher ----------------------------------------------------------------------------

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


@main.command("mail-catcher")
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


def _russian_metavars(command: click.Command) -> None:
    """«[ПАРАМЕТРЫ]» and «КОМАНДА [АРГУМЕНТЫ]...» in usage lines instead of click's English ones."""
    command.options_metavar = "[ПАРАМЕТРЫ]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "КОМАНДА [АРГУМЕНТЫ]..."
        for sub in command.commands.values():
            _russian_metavars(sub)


_russian_metavars(main)


if __name__ == "__main__":  # `python -m appliance.cli`
    main()

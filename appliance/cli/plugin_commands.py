"""Plugins from the command line: `nok plugins list/install/enable/disable`, and the commands
that enabled plugins add to `nok` themselves.

Enabling or disabling edits the allowlist `plugins` of the config; the change takes effect when
the appliance restarts. `nok plugins install` runs pip in this interpreter's environment and
enables the plugins the new distribution declares (entry points of group «nok»).

Plugin commands are looked up only when a name that is not a core command is asked for (or
the command list is shown), so `nok init` works before any config exists.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys

import click

from appliance.cli._internal import table
from appliance.cli.errors import CliError
from appliance.cli.i18n import russian_metavars
from appliance.cli.plugin_warnings import reports_inactive_plugins
from appliance.cli.state import CliState, pass_state
from core.config import load_config
from core.exceptions import NokError

_META_KEY = "nok.plugin_commands"


def load_plugin_commands(group: click.Group, ctx: click.Context, *, quiet: bool) -> dict[str, click.Command]:
    """The commands the enabled plugins add to `group`: loaded once a run, kept in the root context.

    With `quiet` (listing the commands, for --help) a config that cannot be read means no plugin
    commands; otherwise its error tells the user what is wrong («Не найден файл настроек …»).
    """
    root = ctx.find_root()
    cached = root.meta.get(_META_KEY)
    if cached is not None:
        return cached
    state = root.obj if isinstance(root.obj, CliState) else CliState.from_option(root.params.get("config_path"))
    try:
        from appliance.bootstrap import load_plugins

        scratch = click.Group(group.name, commands=dict(group.commands))
        load_plugins(state.config).register_cli_commands(scratch)
    except NokError:
        if quiet:
            root.meta[_META_KEY] = {}
            return {}
        raise
    commands = {name: cmd for name, cmd in scratch.commands.items() if name not in group.commands}
    for command in commands.values():
        russian_metavars(command)
    root.meta[_META_KEY] = commands
    return commands


@click.group()
def plugins() -> None:
    """Расширения (плагины): список, установка, включение и выключение."""


def _entry_points() -> dict[str, tuple[str, str]]:
    """Installed entry points of group `nok`, read afresh: name → (target, «distribution version» or "")."""
    from core.plugins import ENTRY_POINT_GROUP

    importlib.invalidate_caches()
    found = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        found[ep.name] = (ep.value, f"{dist.name} {dist.version}" if dist is not None else "")
    return found


def available_plugins() -> dict[str, str]:
    """Installed plugins: entry points of group `nok` (and built-ins of a source checkout) → target."""
    from core.plugins import BUILTIN_PLUGINS

    found = dict(BUILTIN_PLUGINS)
    for name, (target, dist) in _entry_points().items():
        found[name] = f"{target} ({dist})" if dist else target
    return found


def _set_enabled(state: CliState, name: str, enabled: bool) -> bool:
    """Add or remove `name` in the config's allowlist; return whether the file changed."""
    config = load_config(state.config_path)
    current = list(config.plugins)
    if enabled == (name in current):
        return False
    config.plugins = current + [name] if enabled else [p for p in current if p != name]
    state.save_config(config)
    return True


_RESTART = "Перезапустите устройство (nok serve), чтобы изменения вступили в силу."


def _switch(state: CliState, name: str, enabled: bool, changed: str, unchanged: str) -> None:
    """Enable or disable `name` and say so: `changed`, or `unchanged` when it already was."""
    click.echo(changed if _set_enabled(state, name, enabled) else unchanged)


@reports_inactive_plugins
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
    click.echo(table(["Имя", "Версия", "Включено", "Активно", "Причина"], rows))


@plugins.command("enable")
@click.argument("name")
@pass_state
def plugins_enable(state: CliState, name: str) -> None:
    """Включить расширение NAME."""
    available = available_plugins()
    if name not in available:
        names = ", ".join(sorted(available)) or "нет"
        raise CliError(f"Расширение «{name}» не установлено. Доступны: {names}.")
    _switch(state, name, True, f"Расширение «{name}» включено. {_RESTART}", f"Расширение «{name}» уже включено.")


@plugins.command("disable")
@click.argument("name")
@pass_state
def plugins_disable(state: CliState, name: str) -> None:
    """Выключить расширение NAME (его данные в базе сохраняются)."""
    _switch(state, name, False, f"Расширение «{name}» выключено. {_RESTART} Данные расширения в базе сохранены.",
            f"Расширение «{name}» не было включено.")


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
    before = _entry_points()
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
    after = _entry_points()
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

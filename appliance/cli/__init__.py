"""Командная строка устройства НОК-Платформы: `nok init`, `nok serve`, `nok user add` и другие.

Every message is Russian, click's own ones included (see `i18n`). An error of our code
(`core.exceptions.NokError`) is printed as one line «Ошибка: …» on stderr with exit code 1
and never as a traceback (see `errors`).

This module builds the `nok` group (the console script `nok = appliance.cli:main`) from the
commands of one module per job: `setup_commands` (init, migrate, serve), `user_commands`,
`audit_commands`, `plugin_commands` (plugins …), `demo_commands` (demo, mail-catcher),
`mail_commands` (mail send) and `exam_commands` (exam sweep).

Plugins add commands through `PluginHost.register_cli_commands`; they are loaded lazily,
only when a name that is not a core command is asked for (or the command list is shown), so
`nok init` works before any config exists. A plugin command gets the `CliState` as
`ctx.obj`: `ctx.obj.config` and `ctx.obj.services()` open what it needs. Inactive plugins are
reported only by the commands where that matters (see `plugin_warnings`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from appliance.cli.i18n import install_russian_click, russian_metavars

install_russian_click()  # before any command is built: click.Path() translates its name when constructed

from appliance.cli import (audit_commands, demo_commands, exam_commands, mail_commands,  # noqa: E402
                           plugin_commands, setup_commands, user_commands)
from appliance.cli import federation_commands, kos  # noqa: E402
from central import cli as central_cli  # noqa: E402
from appliance.cli.errors import CliError, russian_errors  # noqa: E402
from appliance.cli.plugin_warnings import cli_logging  # noqa: E402
from appliance.cli.state import CliState, pass_state  # noqa: E402
from core.config import CONFIG_ENV  # noqa: E402

__all__ = ["CliError", "CliState", "main", "pass_state"]


class NokGroup(click.Group):
    """The `nok` group: its logging, Russian errors, and plugin commands loaded on demand."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with cli_logging():
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with russian_errors():
            return super().invoke(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        return plugin_commands.load_plugin_commands(self, ctx, quiet=False).get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *plugin_commands.load_plugin_commands(self, ctx, quiet=True)})


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(name="nok", cls=NokGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="ПУТЬ", is_eager=True,  # known before --help lists the plugins' commands
              help=f"Файл настроек (по умолчанию ${CONFIG_ENV} или ./var/nok.toml).")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """НОК-Платформа: устройство ЦОК или экзаменационной площадки."""
    state = CliState.from_option(config_path)
    ctx.obj = state
    ctx.call_on_close(state.close)


for _command in (setup_commands.init, setup_commands.migrate_command, setup_commands.serve, user_commands.user,
                 audit_commands.audit_commands, plugin_commands.plugins, demo_commands.demo,
                 demo_commands.mail_catcher, mail_commands.mail_commands, exam_commands.exam_commands):
    main.add_command(_command)
del _command
main.add_command(kos.kos_commands)
main.add_command(federation_commands.federation_commands)
# One `nok` for both programs: the registry's commands live in `central.cli` (ADR 0008).
main.add_command(central_cli.central_commands)
russian_metavars(main)

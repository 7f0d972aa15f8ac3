"""Output helpers shared by the `nok` commands: Russian plurals, plain-text tables, bullet lists."""
from __future__ import annotations

from typing import Iterable

import click

from core.cli_kit import table  # noqa: F401 (used by the commands through this module)
from core.russian import plural  # noqa: F401 (used by the commands through this module)


def echo_lines(lines: list[str], empty: str) -> None:
    if lines:
        for text in lines:
            click.echo(f"  • {text}")
    else:
        click.echo(empty)

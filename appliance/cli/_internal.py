"""Output helpers shared by the `nok` commands: Russian plurals, plain-text tables, bullet lists."""
from __future__ import annotations

from typing import Iterable

import click

from core.cli_kit import table  # noqa: F401 (used by the commands through this module)


def plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def echo_lines(lines: list[str], empty: str) -> None:
    if lines:
        for text in lines:
            click.echo(f"  • {text}")
    else:
        click.echo(empty)

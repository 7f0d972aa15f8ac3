"""Pieces of the `nok` command line shared by the appliance's commands and `nok central …`.

One clean Russian error type (printed as «Ошибка: …», exit code 1), a plain-text table, the checks
of listening and external addresses, and the 0600 key file. They live in core because both programs'
commands use them (ADR 0008).
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Iterable

import click

_BIND = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):(?P<port>\d{1,5})$")


class CliError(click.ClickException):
    """A clean one-line Russian error on stderr, exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"Ошибка: {self.format_message()}", err=True)


def table(headers: list[str], rows: Iterable[Iterable[object]]) -> str:
    rows = [["—" if v is None or v == "" else str(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    rules = ["-" * w for w in widths[:-1]] + ["-" * max(len(headers[-1]), min(widths[-1], 30))]
    out = [line(headers), line(rules)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def check_bind(value: str | None) -> str | None:
    if value is None:
        return None
    match = _BIND.match(value)
    if not match or not 0 < int(match["port"]) < 65536:
        raise CliError(f"Адрес «{value}» указан неверно: ожидается ХОСТ:ПОРТ, например 127.0.0.1:8080.")
    return value


def check_base_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", value):
        raise CliError(f"Адрес «{value}» указан неверно: ожидается http://… или https://…")
    return value.rstrip("/")


def write_key_file(path: Path) -> None:
    """Create the key file with mode 0600 from the first byte on (O_EXCL: never overwrite)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask could only narrow it; make it exact
        os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)

"""Output helpers shared by the `nok` commands: Russian plurals, plain-text tables, bullet lists."""
from __future__ import annotations

from typing import Iterable

import click


def plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def table(headers: list[str], rows: Iterable[Iterable[object]]) -> str:
    rows = [["—" if v is None or v == "" else str(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    rules = ["-" * w for w in widths[:-1]] + ["-" * max(len(headers[-1]), min(widths[-1], 30))]
    out = [line(headers), line(rules)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def echo_lines(lines: list[str], empty: str) -> None:
    if lines:
        for text in lines:
            click.echo(f"  • {text}")
    else:
        click.echo(empty)

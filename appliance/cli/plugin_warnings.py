"""Logging of `nok`: warnings as plain Russian lines on stderr, and inactive plugins only where they matter.

`core.plugins` logs «Плагин «…» не активен: …» at WARNING every time the plugins are loaded,
and nearly every command loads them in passing (to open the database, or to look for a
plugin's command). Repeated on each `nok user add` that is noise about something the user did
not ask about, so those warnings reach the user only from the commands marked with
`@reports_inactive_plugins`: `nok serve`, `nok migrate` (where a plugin missing at start-up
matters) and `nok plugins list` (which shows the reason in its table as well). Errors of
plugins are always shown.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator, TypeVar

import click

#: The logger of `core.plugins`, which reports inactive plugins.
PLUGIN_LOGGER = "core.plugins"
_MARK = "nok_reports_inactive_plugins"
_C = TypeVar("_C", bound=click.Command)


def reports_inactive_plugins(command: _C) -> _C:
    """Mark a command that shows the warnings about inactive plugins (put it above `@….command`)."""
    setattr(command, _MARK, True)
    return command


class _InactivePluginsFilter(logging.Filter):
    """Let a plugin warning through only while a marked command runs; errors always pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        ctx = click.get_current_context(silent=True)
        return ctx is not None and getattr(ctx.command, _MARK, False)


@contextmanager
def cli_logging() -> Iterator[None]:
    """Logging for one run of `nok`: «Предупреждение: …» lines, plugin warnings only where asked for.

    An embedding program (or pytest) that has configured logging keeps its handlers; the
    filter on the plugin logger applies either way and is removed when the run ends.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="Предупреждение: %(message)s")
    quiet = _InactivePluginsFilter()
    logger = logging.getLogger(PLUGIN_LOGGER)
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)

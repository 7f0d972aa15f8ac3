"""`CliState`: what every `nok` command gets as `ctx.obj` — the `--config` path and, lazily, the
config and the services opened from it, so `nok init` runs before any config exists.
"""
from __future__ import annotations

from pathlib import Path

import click

from core.config import Config, default_config_path, dump_config, load_config, save_config


class CliState:
    """The `--config` path and what is opened from it, lazily; `ctx.obj` of every command."""

    def __init__(self, config_path: Path):
        self.config_path = config_path
        self._config: Config | None = None
        self._services = None

    @classmethod
    def from_option(cls, config_path: str | Path | None) -> CliState:
        """The state for a `--config` value; without one, ${NOK_CONFIG} or ./var/nok.toml."""
        return cls(Path(config_path).absolute() if config_path else default_config_path())

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def save_config(self, config: Config) -> None:
        """Write `config` into its data directory, and to the `--config` path when that is elsewhere."""
        save_config(config)
        if self.config_path != config.config_file:
            self.config_path.parent.mkdir(parents=True, exist_ok=True)
            self.config_path.write_text(dump_config(config), encoding="utf-8")
        self._config = config

    def services(self, *, run_migrations: bool = True):
        """Open the encrypted database (migrated by default), blob store, mailer and plugins."""
        if self._services is None:
            from appliance.bootstrap import open_services

            self._services = open_services(self.config, run_migrations=run_migrations)
        return self._services

    def migrate(self) -> list[str]:
        """Open the services without migrating, bring the schema up to date; return what was done."""
        from appliance.bootstrap import components
        from core.migrations import migrate

        services = self.services(run_migrations=False)
        return migrate(services.db, components(services.plugins))

    def close(self) -> None:
        if self._services is not None and not self._services.db.is_closed():
            self._services.db.close()


pass_state = click.make_pass_decorator(CliState)

"""`nok federation …`: the appliance's link to the central СПК registry (being built)."""
from __future__ import annotations

import click


@click.group(name="federation")
def federation_commands() -> None:
    """Связь с реестром СПК: подключение, отправка результатов, справочники."""

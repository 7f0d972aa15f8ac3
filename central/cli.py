"""`nok central …`: the central СПК registry's commands (being built)."""
from __future__ import annotations

import click


@click.group(name="central")
def central_commands() -> None:
    """Центральный реестр СПК: настройка, запуск, коды подключения комплексов."""

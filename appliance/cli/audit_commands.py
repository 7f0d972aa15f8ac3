"""`nok audit verify`: check the hash chain of the audit log, so tampering with it is found."""
from __future__ import annotations

import click

from appliance.cli._internal import plural
from appliance.cli.state import CliState, pass_state
from core import audit


@click.group(name="audit")
def audit_commands() -> None:
    """Журнал аудита."""


@audit_commands.command("verify")
@pass_state
def audit_verify(state: CliState) -> None:
    """Проверить целостность цепочки журнала аудита."""
    services = state.services()
    with services.db.connection_context():
        count = audit.verify_chain()
    click.echo(f"Журнал аудита цел: {plural(count, 'запись', 'записи', 'записей')}, цепочка хешей не нарушена.")

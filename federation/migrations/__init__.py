"""Migrations of the appliance's federation tables (component «federation»), newest last."""
from __future__ import annotations

from core.plugin_api import Migration
from federation.migrations import m0001_outbox

FEDERATION_MIGRATIONS: list[Migration] = [
    Migration("federation", m0001_outbox.VERSION, m0001_outbox.DESCRIPTION, m0001_outbox.apply),
]

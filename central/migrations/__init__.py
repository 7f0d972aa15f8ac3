"""Migrations of the central registry's own tables (component «central»), newest last."""
from __future__ import annotations

from core.plugin_api import Migration
from central.migrations import m0001_registry

CENTRAL_MIGRATIONS: list[Migration] = [
    Migration("central", m0001_registry.VERSION, m0001_registry.DESCRIPTION, m0001_registry.apply),
]

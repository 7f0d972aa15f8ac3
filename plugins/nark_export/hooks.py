"""Hook implementations of the nark_export plugin (entry point ``nark_export``)."""
from __future__ import annotations

from pathlib import Path

from core.plugin_api import ExportTarget, hookimpl
from plugins.nark_export.providers import NarkRegistry

TEMPLATES = Path(__file__).parent / "templates"


@hookimpl
def nok_register_export_targets() -> list[type[ExportTarget]]:
    return [NarkRegistry]


@hookimpl
def nok_template_dirs() -> list[Path]:
    return [TEMPLATES]

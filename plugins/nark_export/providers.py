"""The НАРК export target."""
from __future__ import annotations

from typing import Any, Mapping

from core.plugin_api import ExportReceipt, ExportTarget, not_yet_implemented


class NarkRegistry(ExportTarget):
    """Реестр НАРК: the national register of independent qualification assessment results."""

    code = "nark_registry"
    title = "Реестр НАРК"

    def export(self, kind: str, document_id: str, payload: Mapping[str, Any]) -> ExportReceipt:
        raise not_yet_implemented("Выгрузка в реестр НАРК")

"""The nark_export plugin registers the НАРК registry export target and its schema folder."""
from __future__ import annotations

import pytest

from core.exceptions import ValidationError
from core.plugins import BUILTIN_PLUGINS, PluginHost
from core.providers import contract_errors, ExportTarget
from plugins.nark_export.providers import NarkRegistry


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.with_plugins({"nark_export": BUILTIN_PLUGINS["nark_export"]})


def test_registers_export_target(host):
    assert host.is_active("nark_export")
    assert host.export_targets() == {"nark_registry": NarkRegistry}
    assert NarkRegistry.title == "Реестр НАРК"
    assert contract_errors(NarkRegistry, ExportTarget) == []


def test_template_dir_holds_the_schema(host):
    (folder,) = host.template_dirs()
    assert (folder / "nark_export" / "nok-nark-1.xsd").is_file()


@pytest.mark.parametrize("kind", ["protocol", "result", ""])
def test_only_certificates_and_conclusions_are_exported(kind):
    with pytest.raises(ValidationError, match="вид") as caught:
        NarkRegistry({"url": "http://127.0.0.1:9"}).export(kind, "p-1", {})
    assert caught.value.field == "kind"

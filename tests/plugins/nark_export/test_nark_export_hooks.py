"""The nark_export plugin registers the НАРК registry export target."""
from __future__ import annotations

import pytest

from core.plugins import BUILTIN_PLUGINS, PluginHost
from plugins.nark_export.providers import NarkRegistry


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.with_plugins({"nark_export": BUILTIN_PLUGINS["nark_export"]})


def test_registers_export_target(host):
    assert host.is_active("nark_export")
    assert host.export_targets() == {"nark_registry": NarkRegistry}
    assert NarkRegistry.title == "Реестр НАРК"


def test_template_dir(host):
    (folder,) = host.template_dirs()
    assert (folder / "nark_export").is_dir()


def test_unfinished_export_says_so():
    with pytest.raises(NotImplementedError, match="следующей версии"):
        NarkRegistry().export("protocol", "p-1", {})

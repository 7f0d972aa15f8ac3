"""A НАРК export target for the tests (registered through the plugin host) and registry services using it."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pytest

from core.exceptions import TransientError, ValidationError
from core.plugin_api import ExportReceipt, ExportTarget, hookimpl
from core.plugins import PluginHost

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class NarkScript:
    """What the test НАРК answers: numbers by document, failures queued, everything it received."""

    received: list = field(default_factory=list)
    numbers: dict = field(default_factory=dict)
    transient: int = 0
    reject: dict = field(default_factory=dict)
    settings: list = field(default_factory=list)
    sequence: int = 0

    def answer(self, kind, document_id, payload):
        if self.transient:
            self.transient -= 1
            raise TransientError("НАРК не отвечает (503)")
        if document_id in self.reject:
            raise ValidationError(self.reject[document_id])
        self.received.append((kind, document_id, dict(payload)))
        if document_id not in self.numbers:
            self.sequence += 1
            self.numbers[document_id] = f"{payload['qualification']['code']}.{self.sequence:08d}.26"
        return ExportReceipt(self.numbers[document_id], dt.datetime.now(dt.timezone.utc))


SCRIPT = NarkScript()


class TestNark(ExportTarget):
    """Реестр НАРК для тестов: answers from `SCRIPT`."""

    __test__ = False
    code = "nark_registry"
    title = "Тестовый реестр НАРК"

    def __init__(self, settings=None):
        super().__init__(settings)
        SCRIPT.settings.append(dict(self.settings))

    def export(self, kind, document_id, payload):
        return SCRIPT.answer(kind, document_id, payload)

    def export_files(self, records):
        names = ";".join(r["document_id"] for r in records)
        return [("nark-export.xlsx", XLSX, b"PK\x03\x04 " + names.encode()),
                ("nark-export.xml", "application/xml", f"<records>{names}</records>".encode())]


class TestNarkPlugin:
    __test__ = False

    @hookimpl
    def nok_register_export_targets(self):
        return [TestNark]


@pytest.fixture
def nark_script():
    global SCRIPT
    SCRIPT.__init__()
    return SCRIPT


def with_nark(services, *, url: str = ""):
    """The same registry with the test НАРК target as its only plugin (and `nark_url` when given)."""
    return dataclasses.replace(services, plugins=PluginHost.with_plugins({"nark_test": TestNarkPlugin()}),
                               config=dataclasses.replace(services.config, nark_url=url, nark_token="secret"))


@pytest.fixture
def manual_services(spk_world, nark_script):
    """НАРК by hand: files for upload, numbers typed in."""
    return with_nark(spk_world.services)


@pytest.fixture
def online_services(spk_world, nark_script):
    """НАРК over its endpoint: the worker sends records."""
    return with_nark(spk_world.services, url="http://nark.test/api")

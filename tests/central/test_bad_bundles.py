"""Every known-bad bundle under `tests/assets/bad_bundles/ingest/` is refused, journaled, and stores nothing.

The files come from `tests/assets/bad_bundles/make_bad_bundles.py`, signed and sealed with the fixed
TEST keys next to them. Each test enrols the test appliance into a fresh registry with a real code,
feeds the two good prerequisite bundles (serials 1 and 2), then one bad file.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from central.enrolment import enrol, issue_code
from central.ingest import BundleRefusedError, Ingestor
from central.models import Appliance, CentralResult, HeldBundle, PlannedExam, ReceivedBundle, RefusedBundle
from core.bundle import BundleError, parse_bundle
from core.models import OrgKind
from federation import protocol

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "bad_bundles"
INGEST = ASSETS / "ingest"
INDEX = json.loads((INGEST / "cases.json").read_text(encoding="utf-8"))


def _generator():
    """The generator script, loaded by path (it knows how to read the test keys)."""
    spec = importlib.util.spec_from_file_location("nok_make_bad_bundles", ASSETS / "make_bad_bundles.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _generator()


@pytest.fixture
def registry(central_services, factory):
    """A fresh registry with the test appliance enrolled through a real one-time code."""
    spk = factory.org(OrgKind.SPK, inn="7707083893")
    cok = factory.org(OrgKind.COK, parent=spk, inn="7736050003")
    code = issue_code(cok, "Тестовый комплекс", None)
    keys = gen.load_keys("appliance").public_info()
    appliance_id = INDEX["appliance_id"]
    enrol(central_services, {"appliance_id": appliance_id, "title": "Тестовый комплекс", "keys": keys, "code_id": protocol.code_hash(code),
                             "mac": protocol.enrol_mac(code, "appliance", {"appliance_id": appliance_id,
                                                                          "keys": keys})})
    ingestor = Ingestor(central_services, gen.load_keys("registry"))
    key = keys["curve_public_key"]
    for name in INDEX["prerequisites"]:
        ingestor.handle((INGEST / name).read_bytes(), key)
    return ingestor, key


def _stored() -> tuple:
    appliance = Appliance.get()
    return (ReceivedBundle.select().count(), CentralResult.select().count(), PlannedExam.select().count(),
            HeldBundle.select().count(), appliance.last_serial, appliance.last_bundle_id)


def test_every_file_is_described_and_every_case_has_a_file():
    on_disk = {p.name for p in INGEST.glob("*.bin")}
    assert on_disk == set(INDEX["cases"]) | set(INDEX["prerequisites"])
    assert set(INDEX["cases"]) == set(gen.CASES), "run make_bad_bundles.py"


def test_prerequisites_are_stored(registry):
    assert _stored()[:3] == (2, 1, 1) and Appliance.get().last_serial == 2


@pytest.mark.parametrize("name", sorted(INDEX["cases"]))
def test_bad_bundle_is_refused_and_nothing_is_stored(registry, name):
    ingestor, key = registry
    data = (INGEST / name).read_bytes()
    before = _stored()
    with pytest.raises(BundleRefusedError) as info:
        ingestor.handle(data, key)
    expected = INDEX["cases"][name]["reason"]
    assert expected.lower() in info.value.reason.lower(), info.value.reason
    assert any("а" <= ch <= "я" for ch in info.value.reason.lower())
    assert _stored() == before
    row = RefusedBundle.get()
    assert row.reason == info.value.reason
    assert (row.size, row.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert row.appliance_id == Appliance.get().id and row.curve_public_key == key
    try:
        header = parse_bundle(data, max_size=len(data)).header
    except BundleError:
        assert row.bundle_id is None  # unreadable: nothing taken from it
    else:
        assert (row.serial, row.bundle_id, row.kind) == (header.serial, header.bundle_id, header.kind)

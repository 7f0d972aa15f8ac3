"""Ingestion on PostgreSQL: a result is stored with its files, and the serial rules hold.

`central_services` is overridden here with the PostgreSQL registry, so `spk_world` lives there too.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from central import revisions
from central.ingest import BundleRefusedError
from central.models import (Appliance, CentralResult, HeldBundle, ReceivedBundle, RefusedBundle, ResultDocument,
                            ResultStatus)
from central.results_ingest import person_key
from core.audit import AuditRecord
from core.bundle import parse_bundle
from core.exceptions import TransientError
from core.plugin_api import hookimpl
from core.plugins import PluginHost
from federation import protocol as p
from ingest_kit import Sender, ingestor, read_ack

pytestmark = pytest.mark.postgres


@pytest.fixture
def central_services(central_pg_services):
    return central_pg_services


@pytest.fixture
def sender(spk_world) -> Sender:
    return Sender(spk_world)


def _appliance(world) -> Appliance:
    return Appliance.get_by_id(world.appliance.id)


def test_result_is_stored_with_its_files_and_acked_after_commit(spk_world, sender):
    services = spk_world.services
    before = revisions.current_version()
    bundle = sender.result(application_id=77, full_name="Петрова Анна Сергеевна", snils="112-233-445 95")
    ack = read_ack(services, ingestor(services).handle(bundle, sender.curve_key), bundle)

    assert ack["status"] == p.ACK_STORED and ack["serial"] == 1
    assert ack["reference_version"] == revisions.current_version() > before
    row = CentralResult.get(CentralResult.source_application_id == 77)
    assert (row.full_name, row.status, row.decision, row.commission_verdict) == (
        "Петрова Анна Сергеевна", ResultStatus.RECEIVED, "passed", "passed")
    assert row.qualification_id == spk_world.qualifications[0].id and row.cok_id == spk_world.coks[0].id
    assert row.person_key == person_key("11223344595", "Другое Имя", None)  # the СНИЛС decides
    assert row.exam_date == dt.date(2026, 11, 18)
    assert (row.theory_points, row.theory_max_points) == (Decimal("42.00"), Decimal("50.00"))
    stored = json.loads(services.blobs.read(row.payload_digest))
    assert stored["result"]["application"]["id"] == 77
    docs = {d.part_name: d for d in ResultDocument.select().where(ResultDocument.result == row)}
    assert set(docs) == {"protocol.pdf", "doc-01.pdf"}
    assert docs["doc-01.pdf"].title == "Паспорт"
    assert services.blobs.read(docs["protocol.pdf"].blob_digest) == b"%PDF-1.7 protocol"
    journal = ReceivedBundle.get(ReceivedBundle.appliance == spk_world.appliance)
    assert (journal.serial, journal.kind, journal.size) == (1, p.KIND_EXAM_RESULT, len(bundle))
    appliance = _appliance(spk_world)
    assert (appliance.last_serial, appliance.last_bundle_id) == (1, ack["bundle_id"])
    assert appliance.last_contact_at is not None
    created = AuditRecord.get(AuditRecord.entity == CentralResult._meta.table_name, AuditRecord.action == "create")
    assert created.actor_label == "комплекс cok-profi-1"


def test_duplicate_is_acked_again_and_stored_once(spk_world, sender):
    services = spk_world.services
    bundle = sender.result(application_id=5)
    first = read_ack(services, ingestor(services).handle(bundle, sender.curve_key), bundle)
    again = read_ack(services, ingestor(services).handle(bundle, sender.curve_key), bundle)
    assert (first["status"], again["status"]) == (p.ACK_STORED, p.ACK_DUPLICATE)
    assert CentralResult.select().count() == 1 and ReceivedBundle.select().count() == 1


def test_bundle_ahead_of_a_gap_is_held_then_applied_in_order(spk_world, sender):
    services = spk_world.services
    b1, b2, b3 = (sender.result(application_id=n) for n in (1, 2, 3))
    handle = ingestor(services).handle
    assert read_ack(services, handle(b1, sender.curve_key), b1)["status"] == p.ACK_STORED
    assert read_ack(services, handle(b3, sender.curve_key), b3)["status"] == p.ACK_HELD
    assert read_ack(services, handle(b3, sender.curve_key), b3)["status"] == p.ACK_HELD  # resent: still held
    assert _appliance(spk_world).last_serial == 1 and HeldBundle.select().count() == 1
    assert not CentralResult.select().where(CentralResult.source_application_id == 3).exists()

    assert read_ack(services, handle(b2, sender.curve_key), b2)["status"] == p.ACK_STORED
    assert _appliance(spk_world).last_serial == 3 and HeldBundle.select().count() == 0
    assert [r.serial for r in ReceivedBundle.select().order_by(ReceivedBundle.serial)] == [1, 2, 3]
    assert {r.source_application_id for r in CentralResult.select()} == {1, 2, 3}
    assert read_ack(services, handle(b3, sender.curve_key), b3)["status"] == p.ACK_DUPLICATE


def _refused(services, bundle, key) -> str:
    with pytest.raises(BundleRefusedError) as info:
        ingestor(services).handle(bundle, key)
    return str(info.value)


def test_replay_and_rolled_back_serial_are_refused_and_journaled(spk_world, sender):
    services = spk_world.services
    b1, b2 = sender.result(application_id=1), sender.result(application_id=2)
    for bundle in (b1, b2):
        ingestor(services).handle(bundle, sender.curve_key)

    assert "повтор" in _refused(services, b1, sender.curve_key).lower()
    restored = sender.result(application_id=9, serial=2)  # a restored appliance numbers from 2 again
    assert "устаревший номер" in _refused(services, restored, sender.curve_key).lower()

    rows = list(RefusedBundle.select().order_by(RefusedBundle.id))
    assert [(r.serial, r.appliance_id, r.kind) for r in rows] == [(1, spk_world.appliance.id, "exam_result"),
                                                                   (2, spk_world.appliance.id, "exam_result")]
    assert rows[1].bundle_id == parse_bundle(restored, max_size=len(restored)).header.bundle_id
    assert rows[1].size == len(restored)
    assert _appliance(spk_world).last_serial == 2
    assert not CentralResult.select().where(CentralResult.source_application_id == 9).exists()


def test_resubmission_replaces_only_while_received(spk_world, sender):
    services = spk_world.services
    first = sender.result(application_id=40, verdict="failed")
    ingestor(services).handle(first, sender.curve_key)
    again = sender.result(application_id=40, verdict="passed", documents={"protocol.pdf": b"%PDF new"})
    ingestor(services).handle(again, sender.curve_key)
    row = CentralResult.get(CentralResult.source_application_id == 40)
    assert (row.commission_verdict, row.decision) == ("passed", "passed")
    assert [d.part_name for d in row.documents] == ["protocol.pdf"]
    assert row.updated_from_bundle == parse_bundle(again, max_size=len(again)).header.bundle_id

    row.status = ResultStatus.IN_PROTOCOL
    row.save()
    late = sender.result(application_id=40, verdict="failed")
    reason = _refused(services, late, sender.curve_key)
    assert "уже обработан СПК" in reason and "Утверждено СПК" in reason
    assert CentralResult.get_by_id(row.id).commission_verdict == "passed"
    assert _appliance(spk_world).last_serial == 2  # the refused bundle did not advance the serial
    sender.next_serial = 3  # the appliance reuses the serial of a refused bundle
    ok = sender.result(application_id=41, serial=3)
    assert read_ack(services, ingestor(services).handle(ok, sender.curve_key), ok)["status"] == p.ACK_STORED


class _FailingPlugin:
    """A plugin whose reaction fails: the whole ingestion must roll back (nothing acked, nothing kept)."""

    def __init__(self):
        self.seen = []

    @hookimpl
    def nok_bundle_received(self, bundle):
        self.seen.append(bundle.header.serial)
        raise RuntimeError("plugin down")


def test_plugin_sees_the_bundle_inside_the_transaction(spk_world, sender):
    services = spk_world.services
    plugin = _FailingPlugin()
    services.plugins = PluginHost.with_plugins({"probe": plugin})
    bundle = sender.result(application_id=3)
    with pytest.raises(TransientError):  # no answer: the appliance resends later
        ingestor(services).handle(bundle, sender.curve_key)
    assert plugin.seen == [1]
    assert CentralResult.select().count() == 0 and ReceivedBundle.select().count() == 0
    assert _appliance(spk_world).last_serial == 0
    assert RefusedBundle.select().count() == 0  # not a refusal: the appliance will resend

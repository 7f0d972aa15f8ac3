"""НАРК outbox: the worker sends records through the export target (retries, rejections), or numbers by hand."""
import dataclasses
import datetime as dt

import pytest

from central import revisions
from central.models import (Certificate, CertificateStatus, CentralResult, NarkRecord, NarkRecordStatus,
                            ResultStatus)
from central.services import nark
from central.services.clock import utc_now
from central.services.protocols import attach_signed, form_protocol, protocol_pdf, send_to_nark
from core.exceptions import ValidationError
from core.models import Verdict
from core.plugins import PluginHost

NOW = utc_now() + dt.timedelta(minutes=5)  # records queued now are due by then


def sent_protocol(world, services, results, number="15"):
    protocol = form_protocol(services, world.spk, [r.id for r in results], number, dt.date.today(), world.admin)
    attach_signed(services, protocol, "протокол.pdf", protocol_pdf(services, protocol, facsimile=False), world.admin)
    send_to_nark(services, protocol, world.admin)
    return protocol


def test_export_target_through_the_plugin_host(spk_world, online_services, nark_script):
    target = nark.export_target(online_services)
    assert target.code == "nark_registry"
    assert target.settings == {"url": "http://nark.test/api", "token": "secret"}
    assert nark.export_target(dataclasses.replace(online_services, plugins=PluginHost())) is None


def test_worker_registers_and_issues(spk_world, online_services, nark_script):
    world = spk_world
    passed = world.add_result(full_name="Андреев Андрей Андреевич")
    failed = world.add_result(full_name="Борисова Анна Олеговна", verdict=Verdict.FAILED)
    sent_protocol(world, online_services, [passed, failed])
    assert {r.status for r in NarkRecord.select()} == {NarkRecordStatus.PENDING}
    before = revisions.current_version()
    assert nark.send_due(online_services, now=NOW + dt.timedelta(minutes=1)) == 2
    assert {kind for kind, _, _ in nark_script.received} == {"certificate", "conclusion"}
    payload = next(p for kind, _, p in nark_script.received if kind == "certificate")
    assert payload["full_name"] == "Андреев Андрей Андреевич" and payload["protocol"]["number"] == "15"
    assert payload["qualification"] == {"code": "40.05400.01", "name": "Специалист по охране труда", "level": 6}
    assert payload["cok"]["registry_number"] == "77.001" and payload["spk"]["inn"] == "7707083893"
    for record in NarkRecord.select():
        certificate = Certificate.get_by_id(record.certificate_id)
        assert record.status == NarkRecordStatus.REGISTERED and record.attempts == 1
        number = nark_script.numbers[record.idempotency_key]
        assert record.registration_number == certificate.registration_number == number
        assert certificate.status == CertificateStatus.ISSUED and certificate.issued_on == dt.date.today()
        assert certificate.pdf_digest and online_services.blobs.read(certificate.pdf_digest).startswith(b"%PDF")
    assert {r.status for r in CentralResult.select()} == {ResultStatus.ISSUED}
    assert revisions.current_version() > before
    assert nark.send_due(online_services, now=NOW + dt.timedelta(hours=1)) == 0


def test_transient_failures_back_off_and_rejections_stop(spk_world, online_services, nark_script):
    world = spk_world
    first = world.add_result(full_name="Андреев Андрей Андреевич")
    second = world.add_result(full_name="Борисова Анна Олеговна")
    sent_protocol(world, online_services, [first, second])
    rejected_key = Certificate.get(Certificate.result == second.id).public_id
    nark_script.reject[rejected_key] = "Не заполнен СНИЛС соискателя"
    nark_script.transient = 2
    assert nark.send_due(online_services, now=NOW) == 2  # both unreachable
    record = NarkRecord.get(NarkRecord.idempotency_key != rejected_key)
    assert (record.status, record.attempts, record.next_attempt_at) == (NarkRecordStatus.PENDING, 1,
                                                                        NOW + dt.timedelta(seconds=30))
    assert "503" in record.error
    assert nark.send_due(online_services, now=NOW + dt.timedelta(seconds=10)) == 0  # not due yet
    assert nark.send_due(online_services, now=NOW + dt.timedelta(seconds=30)) == 2
    record = NarkRecord.get_by_id(record.id)
    assert record.status == NarkRecordStatus.REGISTERED and record.error is None and record.attempts == 2
    rejected = NarkRecord.get(NarkRecord.idempotency_key == rejected_key)
    assert rejected.status == NarkRecordStatus.ERROR and rejected.error == "Не заполнен СНИЛС соискателя"
    assert Certificate.get(Certificate.public_id == rejected_key).status == CertificateStatus.AWAITING_NUMBER
    assert nark.send_due(online_services, now=NOW + dt.timedelta(days=1)) == 0  # errors are not retried


def test_retry_schedule_is_capped():
    assert [nark.retry_delay(n).total_seconds() for n in range(7)] == [30, 60, 120, 240, 480, 900, 900]
    assert nark.retry_delay(60) == dt.timedelta(minutes=15)


def test_no_endpoint_no_sending(spk_world, manual_services, nark_script):
    sent_protocol(spk_world, manual_services, [spk_world.add_result()])
    assert nark.send_due(manual_services, now=NOW) == 0
    assert nark_script.received == []


def test_manual_registration_number(spk_world, manual_services, nark_script):
    world = spk_world
    sent_protocol(world, manual_services, [world.add_result(full_name="Андреев Андрей Андреевич")])
    record = NarkRecord.get()
    assert nark.get_record(world.spk, record.id).id == record.id
    for wrong, message in [("40.05400.01.3.26", "имеет вид"), ("40.05400.02.00000003.26", "кода квалификации"),
                           ("", "имеет вид")]:
        with pytest.raises(ValidationError, match=message):
            nark.record_registration(manual_services, record, wrong, world.admin)
    nark.record_registration(manual_services, record, " 40.05400.01.00000003.26 ", world.admin)
    record = NarkRecord.get_by_id(record.id)
    certificate = Certificate.get_by_id(record.certificate_id)
    assert record.status == NarkRecordStatus.REGISTERED and record.registration_number == "40.05400.01.00000003.26"
    assert certificate.status == CertificateStatus.ISSUED
    assert certificate.registration_number == record.registration_number
    with pytest.raises(ValidationError, match="уже внесён"):
        nark.record_registration(manual_services, record, "40.05400.01.00000004.26", world.admin)
    page = nark.list_records(world.spk, status=NarkRecordStatus.REGISTERED)
    assert [r.id for r in page.rows] == [record.id]


def test_a_number_nark_gave_twice_is_not_accepted(spk_world, online_services, nark_script):
    world = spk_world
    first, second = world.add_result(), world.add_result()
    sent_protocol(world, online_services, [first, second])
    keys = [Certificate.get(Certificate.result == r.id).public_id for r in (first, second)]
    nark_script.numbers = {keys[0]: "40.05400.01.00000042.26", keys[1]: "40.05400.01.00000042.26"}
    assert nark.send_due(online_services, now=NOW) == 2
    statuses = {r.idempotency_key: r for r in NarkRecord.select()}
    assert statuses[keys[0]].status == NarkRecordStatus.REGISTERED
    assert statuses[keys[1]].status == NarkRecordStatus.ERROR and "уже присвоен" in statuses[keys[1]].error
    assert Certificate.get(Certificate.public_id == keys[1]).status == CertificateStatus.AWAITING_NUMBER
    assert CentralResult.get_by_id(second.id).status == ResultStatus.SENT_TO_NARK


def test_revoked_before_registration_is_not_sent(spk_world, online_services, nark_script):
    from central.services.certificates import revoke

    result = spk_world.add_result()
    sent_protocol(spk_world, online_services, [result])
    revoke(Certificate.get(Certificate.result == result.id), "Ошибка в протоколе", spk_world.admin)
    assert nark.send_due(online_services, now=NOW) == 1
    record = NarkRecord.get()
    assert record.status == NarkRecordStatus.ERROR and record.error == "Документ аннулирован: в НАРК не передаётся."
    assert nark_script.received == []

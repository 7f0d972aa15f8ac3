"""The whole СПК flow on PostgreSQL (the production database): results → protocol → НАРК → certificates."""
import datetime as dt

import pytest

from central.documents.certificate import qr_png
from central.documents.testing import drawn_images, drawn_pixels, png_pixels
from central.models import Certificate, CertificateStatus, CentralResult, NarkRecord, NarkRecordStatus, ResultStatus
from central.services import nark
from central.services.certificates import (certificate_pdf, issue_duplicate, list_certificates, qr_payload,
                                           verification)
from central.services.protocols import (attach_signed, form_protocol, list_protocols, protocol_docx, protocol_pdf,
                                        send_to_nark)
from central.services.results import ResultFilters, change_decision, list_results
from core.documents.testing import pdf_text, sample_facsimile_png
from core.models import Verdict

pytestmark = pytest.mark.postgres
TODAY = dt.date.today()


@pytest.fixture
def central_services(central_pg_services):
    """`spk_world` on PostgreSQL: it asks for `central_services`, which here is the PostgreSQL registry."""
    return central_pg_services


def test_protocol_and_certificates_on_postgresql(spk_world, online_services, nark_script):
    world, services = spk_world, online_services
    assert services.db.__class__.__name__.startswith("Postgres")
    late = world.add_result(full_name="Андреев Андрей Андреевич", exam_date=TODAY - dt.timedelta(days=20))
    failing = world.add_result(full_name="Борисова Анна Олеговна", exam_date=TODAY - dt.timedelta(days=3))
    world.add_result(full_name="Васильев Пётр Ильич", cok=world.coks[1])
    overdue = list_results(world.spk, ResultFilters(overdue_only=True))
    assert [row.result.id for row in overdue.rows] == [late.id] and overdue.total == 1
    assert [r.result.id for r in list_results(world.spk, ResultFilters(query="борисова")).rows] == [failing.id]
    change_decision(failing, Verdict.FAILED, world.admin, "Практический этап не подтверждён видеозаписью")

    protocol = form_protocol(services, world.spk, [late.id, failing.id], "15", TODAY, world.admin)
    (row,) = list_protocols(world.spk, cok_id=world.coks[0].id).rows
    assert row.id == protocol.id and row.result_count == 2 and row.coks == ["ЦОК «Профи»"]
    world.spk.facsimile_digest = services.blobs.put(sample_facsimile_png()).digest
    world.spk.save()
    signed = protocol_pdf(services, protocol, facsimile=True)
    assert "ПРОТОКОЛ № 15" in pdf_text(signed) and sum(map(len, drawn_images(signed))) == 1
    attach_signed(services, protocol, "spk_protocol_15.docx", protocol_docx(services, protocol), world.admin)
    assert send_to_nark(services, protocol, world.admin) == 2
    assert nark.send_due(services) == 2
    assert {r.status for r in NarkRecord.select()} == {NarkRecordStatus.REGISTERED}
    assert {r.status for r in CentralResult.select().where(CentralResult.protocol == protocol.id)} == {
        ResultStatus.ISSUED}

    certificate = Certificate.get(Certificate.result == late.id)
    assert certificate.status == CertificateStatus.ISSUED
    pdf = certificate_pdf(services, certificate)
    assert certificate.registration_number in pdf_text(pdf)
    (qr,) = drawn_pixels(pdf)
    assert (qr == png_pixels(qr_png(qr_payload(services, certificate)))).all()
    assert [c.id for c in list_certificates(world.spk, kind="conclusion").rows] == [
        Certificate.get(Certificate.result == failing.id).id]
    assert verification(certificate.public_id).state == "valid"

    duplicate = issue_duplicate(services, certificate, world.admin, TODAY)
    (row,) = [r for r in list_results(world.spk, ResultFilters()).rows if r.result.id == late.id]
    assert row.deadline.code == "duplicate" and row.deadline.due == TODAY + dt.timedelta(days=15)
    assert nark.send_due(services) == 1
    assert Certificate.get_by_id(duplicate.id).status == CertificateStatus.ISSUED
    assert verification(certificate.public_id).state == "replaced"

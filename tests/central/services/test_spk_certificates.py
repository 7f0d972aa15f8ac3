"""Certificates and conclusions: final with НАРК's number, duplicates, revocation, verification, the НАРК record."""
import datetime as dt

import pytest

from central import revisions
from central.documents.texts import add_years, date_in_words
from central.models import (Certificate, CertificateKind, CertificateStatus, CentralResult, NarkRecord,
                            NarkRecordStatus, ResultStatus)
from central.services import certificates
from central.services.certificates import (certificate_payload, finalise, issue_duplicate, list_certificates,
                                           qr_payload, revoke, verification)
from central.services.protocols import form_protocol
from core.exceptions import ValidationError
from core.models import OrgKind, Verdict

TODAY = dt.date.today()


def approved(world, *results, number="15"):
    form_protocol(world.services, world.spk, [r.id for r in results], number, TODAY, world.admin)
    return [Certificate.get(Certificate.result == r.id) for r in results]


def test_finalise_issues_once(spk_world):
    world = spk_world
    three, five = approved(world, world.add_result(), world.add_result(qualification=world.qualifications[1]))
    before = revisions.current_version()
    finalise(world.services, three, "40.05400.01.00000001.26", issued_on=dt.date(2026, 6, 7))
    assert (three.status, three.issued_on, three.valid_until) == (CertificateStatus.ISSUED, dt.date(2026, 6, 7),
                                                                  dt.date(2029, 6, 7))
    stored = Certificate.get_by_id(three.id)
    assert stored.registration_number == "40.05400.01.00000001.26"
    assert world.services.blobs.read(stored.pdf_digest).startswith(b"%PDF")
    assert CentralResult.get_by_id(stored.result_id).status == ResultStatus.ISSUED
    assert revisions.current_version() > before
    finalise(world.services, stored, "40.05400.01.00000001.26")  # the same answer again: nothing changes
    assert Certificate.get_by_id(three.id).pdf_digest == stored.pdf_digest
    with pytest.raises(ValidationError, match="уже выдан"):
        finalise(world.services, stored, "40.05400.01.00000009.26")
    with pytest.raises(ValidationError, match="уже присвоен"):
        finalise(world.services, five, "40.05400.01.00000001.26")
    finalise(world.services, five, "40.05400.02.00000002.26", issued_on=dt.date(2026, 6, 7))
    assert Certificate.get_by_id(five.id).valid_until == dt.date(2031, 6, 7)  # this qualification: 5 years


def test_conclusions_have_no_validity(spk_world):
    (conclusion,) = approved(spk_world, spk_world.add_result(verdict=Verdict.FAILED))
    finalise(spk_world.services, conclusion, "40.05400.01.00000005.26")
    assert conclusion.kind == CertificateKind.CONCLUSION and conclusion.valid_until is None


def test_dates_in_words_and_leap_days():
    assert date_in_words(dt.date(2029, 6, 7)) == "7 июня 2029 года"
    assert date_in_words(None) == "—"
    assert add_years(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 28)


def test_duplicate_replaces_the_original(spk_world, online_services, nark_script):
    world = spk_world
    (original,) = approved(world, world.add_result(full_name="Андреев Андрей Андреевич"))
    with pytest.raises(ValidationError, match="выданного"):
        issue_duplicate(online_services, original, world.admin, TODAY)
    finalise(world.services, original, "40.05400.01.00000077.26", issued_on=TODAY - dt.timedelta(days=400))
    with pytest.raises(ValidationError, match="дату заявления"):
        issue_duplicate(online_services, original, world.admin, TODAY + dt.timedelta(days=1))
    duplicate = issue_duplicate(online_services, original, world.admin, TODAY - dt.timedelta(days=2))
    assert (duplicate.is_duplicate, duplicate.duplicate_of_id, duplicate.status) == (
        True, original.id, CertificateStatus.AWAITING_NUMBER)
    record = NarkRecord.get(NarkRecord.certificate == duplicate.id)
    assert record.status == NarkRecordStatus.PENDING and record.protocol_id is None
    with pytest.raises(ValidationError, match="уже ожидает"):
        issue_duplicate(online_services, original, world.admin, TODAY)
    payload = certificate_payload(duplicate)
    assert payload["is_duplicate"] is True and payload["duplicate_of"] == "40.05400.01.00000077.26"
    from central.services import nark

    assert nark.send_due(online_services) == 1
    duplicate = Certificate.get_by_id(duplicate.id)
    assert duplicate.status == CertificateStatus.ISSUED and duplicate.registration_number != "40.05400.01.00000077.26"
    assert duplicate.valid_until == Certificate.get_by_id(original.id).valid_until  # a duplicate extends nothing
    assert Certificate.get_by_id(original.id).status == CertificateStatus.REPLACED
    assert verification(original.public_id).state == "replaced"
    assert verification(duplicate.public_id).is_duplicate


def test_revoke_and_verification_states(spk_world):
    world = spk_world
    awaiting, issued, expired = approved(world, world.add_result(), world.add_result(), world.add_result())
    assert verification(awaiting.public_id).state == "awaiting"
    finalise(world.services, issued, "40.05400.01.00000001.26")
    finalise(world.services, expired, "40.05400.01.00000002.26", issued_on=dt.date(2020, 1, 10))
    found = verification(issued.public_id.upper())
    assert (found.state, found.state_title, found.registration_number) == ("valid", "Действует",
                                                                           "40.05400.01.00000001.26")
    assert found.kind_title == "Свидетельство о квалификации" and found.cok_name.startswith("ООО «Центр")
    assert found.spk_name == world.spk.full_name and found.qualification_title.endswith("(6 уровень квалификации)")
    assert verification(expired.public_id).state == "expired"
    assert verification(expired.public_id, today=dt.date(2022, 1, 1)).state == "valid"
    with pytest.raises(ValidationError, match="причину"):
        revoke(issued, "  ", world.admin)
    revoke(issued, "Подложные документы об образовании", world.admin)
    assert verification(issued.public_id).state == "revoked"
    with pytest.raises(ValidationError, match="уже аннулирован"):
        revoke(issued, "ещё раз", world.admin)
    assert verification("0" * 32) is None and verification("../etc/passwd") is None


def test_list_certificates_by_kind_status_and_search(spk_world):
    world = spk_world
    andreev, borisova = approved(world, world.add_result(full_name="Андреев Андрей Андреевич"),
                                 world.add_result(full_name="Борисова Анна Олеговна", verdict=Verdict.FAILED))
    finalise(world.services, andreev, "40.05400.01.00000001.26")

    def ids(**kw):
        return [c.id for c in list_certificates(world.spk, **kw).rows]

    assert set(ids()) == {andreev.id, borisova.id}
    assert ids(kind=CertificateKind.CONCLUSION) == [borisova.id]
    assert ids(status=CertificateStatus.ISSUED) == [andreev.id]
    assert ids(query="борисова") == [borisova.id]
    assert ids(query="40.05400.01.0000000") == [andreev.id]
    assert ids(query=borisova.public_id) == [borisova.id]
    with pytest.raises(ValidationError):
        list_certificates(world.spk, kind="diploma")
    other = world.factory.org(OrgKind.SPK, full_name="Другой СПК", short_name="Другой СПК")
    assert list_certificates(other).total == 0


def test_qr_and_nark_record(spk_world):
    world = spk_world
    (certificate,) = approved(world, world.add_result(full_name="Андреев Андрей Андреевич"))
    preview = qr_payload(world.services, certificate)
    assert "Регистрационный номер: не присвоен" in preview
    assert preview.endswith(f"http://registry.test/verify/{certificate.public_id}")
    finalise(world.services, certificate, "40.05400.01.00000001.26", issued_on=dt.date(2026, 11, 23))
    text = qr_payload(world.services, certificate)
    for piece in ("Свидетельство о квалификации", "Регистрационный номер: 40.05400.01.00000001.26",
                  "ФИО: Андреев Андрей Андреевич", "Квалификация: 40.05400.01", "Дата выдачи: 23.11.2026",
                  "Действительно до: 23.11.2029", f"http://registry.test/verify/{certificate.public_id}"):
        assert piece in text
    link = f"http://registry.test/verify/{certificate.public_id}"
    assert certificates.verify_url(world.services, certificate) == link
    payload = certificate_payload(certificate)
    assert set(payload) == {"kind", "document_id", "is_duplicate", "duplicate_of", "issued_on", "valid_until",
                            "full_name", "qualification", "cok", "spk", "protocol", "exam_date"}
    assert payload["kind"] == "certificate" and payload["document_id"] == certificate.public_id
    assert (payload["issued_on"], payload["valid_until"]) == ("2026-11-23", "2029-11-23")
    assert payload["cok"] == {"full_name": "ООО «Центр оценки квалификаций «Профи»", "inn": "7736050003",
                              "registry_number": "77.001"}
    assert payload["protocol"] == {"number": "15", "date": TODAY.isoformat()}
    assert payload["exam_date"] == certificate.result.exam_date.isoformat()

"""`apply_snapshot`: the registry's reference snapshot applied on the appliance's real database."""
import copy
import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest

from core.exceptions import ValidationError
from core.kos.store import current_version
from core.models import (Application, ApplicationStatusChange, AuditRecord, ExpertCertificate, Kos, Organisation,
                         OutgoingMail, Price, ProfStandard, Qualification, QualificationOffer, User)
from core.workflow import Status
from federation.models import RegistryDocument, RegistryLink
from federation.reference_apply import apply_snapshot
from federation.testing_reference import NEW_EXPERT, NEW_QUALIFICATION, ReferenceWorld


@pytest.fixture
def ref(services, factory):
    services.db.connect(reuse_if_open=True)
    return ReferenceWorld(factory, plugins=services.plugins)


def audit_count() -> int:
    return AuditRecord.select().count()


def test_applies_a_realistic_snapshot_and_a_repeat_changes_nothing(ref, services):
    first = ref.sent_to_spk("Иванов Пётр Сергеевич")
    second = ref.sent_to_spk("Белова Анна Сергеевна", passed=False)
    ref.result(first, "issued", issued=True, number="40.05400.01.00000001.26")
    ref.result(second, "in_protocol")
    snapshot, parts = ref.snapshot(version=18)

    report = apply_snapshot(services, snapshot, parts)

    assert report.applied and report.version == 18
    assert report.qualifications == 2 and report.kos_loaded == 1 and report.statuses == 2 and report.documents == 2
    assert report.experts == 2 and report.experts_invited == 1 and report.prices == 1
    assert report.summary().startswith("Справочник СПК версии 18 применён. Квалификаций обновлено: 2, экспертов: 2, "
                                       "КОС загружено: 1, статусов заявлений: 2")
    spk = Organisation.get_by_id(ref.spk.id)
    assert (spk.short_name, spk.ogrn, spk.chair_name) == ("СПК ОТ", "1027700132195", "Петров Сергей Николаевич")
    assert spk.voting_members == "Петров Сергей Николаевич\nИванова Мария Петровна"
    assert Qualification.get_by_id(ref.qual.id).validity_years == 5
    new = Qualification.get(Qualification.code == NEW_QUALIFICATION)
    assert new.spk_id == spk.id and new.prof_standard.code == "40.062" and new.level == 5
    assert ProfStandard.get(ProfStandard.code == "40.054").approval_order.endswith("№ 274н")
    kos = current_version(Qualification.get_by_id(ref.qual.id))
    assert kos.version == "2026.2" and kos.sha256 == snapshot["kos"][0]["sha256"]
    offer = QualificationOffer.get((QualificationOffer.cok == ref.cok.id)
                                   & (QualificationOffer.qualification == ref.qual))
    assert offer.kos_version == "2026.2" and offer.kos_loaded_at is not None
    assert Price.get((Price.cok == ref.cok.id) & (Price.qualification == ref.qual)).amount == Decimal("5000.00")
    expert = ref.new_expert()
    assert expert.organisation_id == spk.id and expert.password_hash is None
    assert [c.qualification.code for c in expert.expert_certificates] == [NEW_QUALIFICATION]
    assert OutgoingMail.select().where(OutgoingMail.recipient == NEW_EXPERT).count() == 1
    assert "/password/set?token=" in OutgoingMail.get(OutgoingMail.recipient == NEW_EXPERT).body
    chair = User.get_by_id(ref.chair.id)
    assert chair.phone == "+74951234567"
    assert [(c.qualification_id, c.protocol_number) for c in chair.expert_certificates] == [(ref.qual.id, "12")]
    assert Application.get_by_id(first.id).status == Status.CERTIFICATE_ISSUED.value
    assert Application.get_by_id(second.id).status == Status.APPROVED_BY_SPK.value
    document = RegistryDocument.get(RegistryDocument.application == first.id)
    assert document.registration_number == "40.05400.01.00000001.26" and document.status == "issued"
    assert services.blobs.read(document.pdf_digest).startswith(b"%PDF-")
    link = RegistryLink.get_by_id(ref.link.id)
    assert link.snapshot_version == 18 and link.snapshot_applied_at is not None
    assert json.loads(link.settings)["days_to_spk"] == 5

    # The same snapshot again (a resent bundle) is ignored; a newer one with the same data changes no row.
    before = audit_count()
    again = apply_snapshot(services, snapshot, parts)
    assert not again.applied and "уже версия 18" in again.summary() and audit_count() == before
    snapshot["version"] = 19
    repeat = apply_snapshot(services, snapshot, parts)
    assert repeat.applied and (repeat.qualifications, repeat.kos_loaded, repeat.experts, repeat.statuses,
                               repeat.documents, repeat.prices) == (0, 0, 0, 0, 0, 0)
    assert audit_count() == before + 2  # RegistryLink's version and the «apply» record, nothing else
    assert Kos.select().where(Kos.qualification == ref.qual).count() == 2
    assert OutgoingMail.select().where(OutgoingMail.recipient == NEW_EXPERT).count() == 1


def test_statuses_move_forward_one_step_at_a_time_and_never_back(ref, services):
    app = ref.sent_to_spk("Иванов Пётр Сергеевич")
    ref.result(app, "in_protocol")
    apply_snapshot(services, *ref.snapshot(version=1))
    assert Application.get_by_id(app.id).status == Status.APPROVED_BY_SPK.value

    ref.result(app, "issued", issued=True, number="40.05400.01.00000002.26")
    apply_snapshot(services, *ref.snapshot(version=2))
    history = [h.to_status for h in ApplicationStatusChange.select()
               .where(ApplicationStatusChange.application == app.id).order_by(ApplicationStatusChange.id)]
    assert history[-3:] == [Status.APPROVED_BY_SPK.value, Status.SENT_TO_NARK.value, Status.CERTIFICATE_ISSUED.value]
    issued = ApplicationStatusChange.get((ApplicationStatusChange.application == app.id)
                                         & (ApplicationStatusChange.to_status == Status.CERTIFICATE_ISSUED.value))
    assert issued.comment == "Регистрационный номер: 40.05400.01.00000002.26"
    approved = ApplicationStatusChange.get((ApplicationStatusChange.application == app.id)
                                           & (ApplicationStatusChange.to_status == Status.APPROVED_BY_SPK.value))
    assert approved.comment.startswith("Протокол СПК № 15 от ")
    assert OutgoingMail.select().where(OutgoingMail.subject.contains("Свидетельство выдано")).count() == 1

    ref.result(app, "in_protocol")  # a registry that lags behind must not undo the issue
    report = apply_snapshot(services, *ref.snapshot(version=3))
    assert report.statuses == 0 and Application.get_by_id(app.id).status == Status.CERTIFICATE_ISSUED.value


def test_failed_result_ends_in_a_conclusion(ref, services):
    app = ref.sent_to_spk("Белова Анна Сергеевна", passed=False)
    ref.result(app, "issued", issued=True, number="40.05400.01.00000003.26")
    apply_snapshot(services, *ref.snapshot(version=1))
    assert Application.get_by_id(app.id).status == Status.CONCLUSION_ISSUED.value
    assert RegistryDocument.get(RegistryDocument.application == app.id).kind == "conclusion"


def test_an_older_version_is_ignored(ref, services):
    app = ref.sent_to_spk("Иванов Пётр Сергеевич")
    apply_snapshot(services, *ref.snapshot(version=5))
    ref.result(app, "in_protocol")
    snapshot, parts = ref.snapshot(version=4)
    snapshot["qualifications"][0]["name"] = "Старое наименование"
    report = apply_snapshot(services, snapshot, parts)
    assert not report.applied and report.applied_version == 5
    assert "не применён" in report.summary()
    assert Application.get_by_id(app.id).status == Status.SENT_TO_SPK.value
    assert Qualification.get_by_id(ref.qual.id).name == "Специалист по охране труда"
    assert RegistryLink.get_by_id(ref.link.id).snapshot_version == 5


def _broken(snapshot, parts):
    """A snapshot that is fine up to its last result, whose document names a missing PDF."""
    snapshot = copy.deepcopy(snapshot)
    snapshot["results"][-1]["documents"][0]["part"] = "cert-missing.pdf"
    return snapshot, parts


@pytest.mark.parametrize("spoil, message", [
    (lambda s, p: ({**s, "format": "nok-reference/2"}, p), "формат «nok-reference/2» не поддерживается"),
    (lambda s, p: (s, {**p, "kos-01.json": p["kos-01.json"] + b" "}), "не совпадает с контрольной суммой"),
    (_broken, "файл «cert-missing.pdf» отсутствует в пакете"),
    (lambda s, p: ({**s, "qualifications": [dict(s["qualifications"][0], level=12)]}, p),
     "квалификация № 1, поле «level» — ожидается целое число от 1 до 9"),
    (lambda s, p: ({**s, "experts": [dict(s["experts"][0], email="не адрес")]}, p), "эксперт № 1, поле «email»"),
])
def test_a_broken_snapshot_changes_nothing(ref, services, spoil, message):
    app = ref.sent_to_spk("Иванов Пётр Сергеевич")
    ref.result(app, "issued", issued=True, number="40.05400.01.00000004.26")
    snapshot, parts = spoil(*ref.snapshot(version=7))
    before = audit_count()
    with pytest.raises(ValidationError) as caught:
        apply_snapshot(services, snapshot, parts)
    assert message in caught.value.message and caught.value.message.startswith("Справочник реестра СПК не принят")
    assert audit_count() == before
    assert Application.get_by_id(app.id).status == Status.SENT_TO_SPK.value
    assert RegistryLink.get_by_id(ref.link.id).snapshot_version == 0
    assert not RegistryDocument.select().exists() and ref.new_expert() is None


def test_a_bad_kos_rolls_back_what_was_applied_before_it(ref, services):
    """The КОС is applied after the qualifications: its failure must undo them too (one transaction)."""
    app = ref.sent_to_spk("Иванов Пётр Сергеевич")
    ref.result(app, "in_protocol")
    snapshot, parts = ref.snapshot(version=3)
    bad = json.dumps({"format": "nok-kos/1", "version": "2026.9", "title": "Пустой"}).encode()
    parts["kos-01.json"] = bad
    snapshot["kos"][0].update(sha256=hashlib.sha256(bad).hexdigest(), version="2026.9")
    with pytest.raises(ValidationError) as caught:
        apply_snapshot(services, snapshot, parts)
    assert "КОС квалификации" in caught.value.message
    assert not Qualification.select().where(Qualification.code == NEW_QUALIFICATION).exists()
    assert Application.get_by_id(app.id).status == Status.SENT_TO_SPK.value
    assert ExpertCertificate.select().where(ExpertCertificate.protocol_number == "12").count() == 0


def test_refused_without_enrolment_and_for_another_organisation(services, factory):
    services.db.connect(reuse_if_open=True)
    ref = ReferenceWorld(factory, plugins=services.plugins, enrolled=False)
    with pytest.raises(ValidationError, match="не подключено к реестру"):
        apply_snapshot(services, *ref.snapshot(version=1))
    ref.link = RegistryLink.create(appliance_id="a1", registry_url="https://r", registry_endpoint="tcp://r:1",
                                   registry_signing_key="a" * 64, registry_hpke_key="b" * 64,
                                   registry_curve_key="c" * 40)
    snapshot, parts = ref.snapshot(version=1)
    snapshot["organisation"]["inn"] = "500100732259"
    with pytest.raises(ValidationError, match="нет организации с ИНН 500100732259"):
        apply_snapshot(services, snapshot, parts)


def test_unknown_application_and_foreign_email_are_skipped_with_a_reason(ref, services, factory):
    staff = factory.user(email="busy@spk-ot.ru", organisation=ref.cok)
    snapshot, parts = ref.snapshot(version=1)
    snapshot["results"] = [{"application_id": 999_999, "status": "in_protocol", "decision": "passed",
                            "protocol": None, "documents": []}]
    snapshot["experts"].append({"email": staff.email, "full_name": "Занятый Адрес Иванович", "phone": None,
                                "certificates": []})
    report = apply_snapshot(services, snapshot, parts)
    assert report.applied and report.statuses == 0
    assert any("999999" in w for w in report.warnings)
    assert any("busy@spk-ot.ru" in w for w in report.warnings)
    assert User.get_by_id(staff.id).role == "admin"
    assert "Пропущено: 2" in report.summary()


def test_expert_certificates_are_replaced_by_the_registrys(ref, services):
    old = ExpertCertificate.get((ExpertCertificate.expert == ref.chair) & (ExpertCertificate.qualification == ref.qual))
    assert old.protocol_number == "7"
    apply_snapshot(services, *ref.snapshot(version=1))
    rows = list(ExpertCertificate.select().where(ExpertCertificate.expert == ref.chair))
    assert [(r.protocol_number, r.valid_to > dt.date.today()) for r in rows] == [("12", True)]

"""Tables of the central СПК registry (on top of the core's organisations, users, qualifications, КОС).

Appliances and what they sent (journal, held and refused bundles, video parts), exam results as the
СПК sees them, СПК protocols, certificates and conclusions, the НАРК export, deadline settings and
the plan-schedule. Personal data beyond what the lists need (ФИО, qualification, ЦОК) stays in the
encrypted blob store: a result's full JSON and documents are blobs referenced by digest.
"""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.db import BaseModel
from core.models import Kos, Organisation, Qualification, User
from core.models.organisations import _now


class ApplianceStatus:
    ACTIVE = "active"
    REVOKED = "revoked"
    TITLES = {ACTIVE: "Подключён", REVOKED: "Отозван"}


class Appliance(AuditedModel):
    """Комплекс ЦОК или площадки, подключённый к реестру; его открытые ключи закреплены здесь."""

    appliance_id = peewee.CharField(max_length=128, unique=True)  # the id it puts in every bundle header
    organisation = peewee.ForeignKeyField(Organisation, backref="appliances", on_delete="RESTRICT")
    title = peewee.CharField(max_length=200)
    signing_public_key = peewee.CharField(max_length=64)  # Ed25519, hex
    hpke_public_key = peewee.CharField(max_length=64)  # X25519, hex: reference snapshots are sealed to it
    curve_public_key = peewee.CharField(max_length=40, unique=True)  # Z85: the ZAP handler admits it
    status = peewee.CharField(max_length=16, default=ApplianceStatus.ACTIVE, index=True)
    enrolled_at = peewee.DateTimeField(default=_now)
    revoked_at = peewee.DateTimeField(null=True)
    revoked_reason = peewee.TextField(null=True)
    last_contact_at = peewee.DateTimeField(null=True)
    last_serial = peewee.BigIntegerField(default=0)  # the highest serial committed in order
    last_bundle_id = peewee.CharField(max_length=32, null=True)  # bundle id of `last_serial`
    snapshot_version = peewee.BigIntegerField(default=0)  # the reference revision it last took

    @property
    def is_active(self) -> bool:
        return self.status == ApplianceStatus.ACTIVE


class EnrolmentCode(AuditedModel):
    """Одноразовый код подключения комплекса, выданный в кабинете СПК (хранится только хеш)."""

    organisation = peewee.ForeignKeyField(Organisation, on_delete="CASCADE")
    code_hash = peewee.CharField(max_length=64, unique=True)  # protocol.code_hash: the code's public id
    mac_key = peewee.CharField(max_length=64)  # protocol.code_mac_key: checks and signs the enrolment MACs
    title = peewee.CharField(max_length=200)  # what the appliance will be called
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=_now)
    expires_at = peewee.DateTimeField()
    used_at = peewee.DateTimeField(null=True)
    appliance = peewee.ForeignKeyField(Appliance, null=True, on_delete="SET NULL")

    class Meta:
        audit_masked = ("code_hash", "mac_key")


class ReceivedBundle(BaseModel):
    """Журнал принятых пакетов: one row per committed bundle, in serial order per appliance."""

    appliance = peewee.ForeignKeyField(Appliance, backref="bundles", on_delete="RESTRICT")
    serial = peewee.BigIntegerField()
    bundle_id = peewee.CharField(max_length=32, unique=True)
    kind = peewee.CharField(max_length=32, index=True)
    created_at = peewee.DateTimeField()  # as the appliance's signed header says
    received_at = peewee.DateTimeField(default=_now, index=True)
    size = peewee.BigIntegerField()
    sha256 = peewee.CharField(max_length=64)  # of the whole bundle as received

    class Meta:
        indexes = ((("appliance", "serial"), True),)


class HeldBundle(BaseModel):
    """A verified bundle that arrived ahead of a missing serial; applied once the gap is filled."""

    appliance = peewee.ForeignKeyField(Appliance, on_delete="CASCADE")
    serial = peewee.BigIntegerField()
    bundle_id = peewee.CharField(max_length=32)
    blob_digest = peewee.CharField(max_length=64)  # the raw bundle in the blob store
    received_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = ((("appliance", "serial"), True),)


class RefusedBundle(BaseModel):
    """Журнал отказов: every refused bundle with the reason (forged, replayed, old serial, malformed…)."""

    appliance = peewee.ForeignKeyField(Appliance, null=True, on_delete="SET NULL")
    curve_public_key = peewee.CharField(max_length=40, null=True)
    serial = peewee.BigIntegerField(null=True)
    bundle_id = peewee.CharField(max_length=64, null=True)
    kind = peewee.CharField(max_length=32, null=True)
    reason = peewee.TextField()
    size = peewee.BigIntegerField()
    sha256 = peewee.CharField(max_length=64)
    received_at = peewee.DateTimeField(default=_now, index=True)


class VideoPart(AuditedModel):
    """Видеозапись экзамена, принятая по частям; `part_id` is the SHA-256 of the whole file."""

    appliance = peewee.ForeignKeyField(Appliance, on_delete="RESTRICT")
    part_id = peewee.CharField(max_length=64)
    title = peewee.CharField(max_length=300)
    meta = peewee.TextField(default="{}")  # JSON: recording, stream kind, times, candidate's application id
    total_size = peewee.BigIntegerField()
    received_size = peewee.BigIntegerField(default=0)  # the next offset expected
    blob_digest = peewee.CharField(max_length=64, null=True)  # set once complete and verified
    started_at = peewee.DateTimeField(default=_now)
    completed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("appliance", "part_id"), True),)


class ResultStatus:
    """Where a result stands at the СПК (mirrors the application statuses after «Передано в СПК»)."""

    RECEIVED = "received"        # Передано в СПК: awaiting the СПК's decision
    IN_PROTOCOL = "in_protocol"  # Утверждено СПК: in a Протокол СПК
    SENT_TO_NARK = "sent"        # Передано в НАРК
    REGISTERED = "registered"    # Внесено в реестр: НАРК returned the registration number
    ISSUED = "issued"            # Свидетельство / Заключение выдано
    TITLES = {RECEIVED: "Передано в СПК", IN_PROTOCOL: "Утверждено СПК", SENT_TO_NARK: "Передано в НАРК",
              REGISTERED: "Внесено в реестр", ISSUED: "Документ выдан"}


class CentralResult(AuditedModel):
    """Результат экзамена соискателя, присланный ЦОК; the СПК's «Оценка» may differ from the commission's."""

    appliance = peewee.ForeignKeyField(Appliance, backref="results", on_delete="RESTRICT")
    cok = peewee.ForeignKeyField(Organisation, on_delete="RESTRICT")
    venue = peewee.ForeignKeyField(Organisation, null=True, on_delete="SET NULL")
    qualification = peewee.ForeignKeyField(Qualification, null=True, on_delete="SET NULL")
    qualification_code = peewee.CharField(max_length=16)
    qualification_title = peewee.CharField(max_length=600)
    source_application_id = peewee.IntegerField()  # the application's id on its appliance
    application_number = peewee.CharField(max_length=64)
    full_name = peewee.CharField(max_length=300, index=True)
    person_key = peewee.CharField(max_length=64, index=True)  # sha256 of СНИЛС (or ФИО+birth date): «Личные дела»
    exam_date = peewee.DateField(index=True)  # the last stage's date: deadlines count from it
    applied_at = peewee.DateTimeField(null=True)  # application submitted (time to certificate)
    theory_points = peewee.DecimalField(max_digits=8, decimal_places=2, null=True)
    theory_max_points = peewee.DecimalField(max_digits=8, decimal_places=2, null=True)
    commission_verdict = peewee.CharField(max_length=8)  # core Verdict.PASSED / FAILED
    decision = peewee.CharField(max_length=8)  # the СПК's «Оценка», the commission's until changed
    decision_changed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    decision_changed_at = peewee.DateTimeField(null=True)
    status = peewee.CharField(max_length=16, default=ResultStatus.RECEIVED, index=True)
    protocol = peewee.DeferredForeignKey("SpkProtocol", null=True, backref="results", on_delete="SET NULL")
    payload_digest = peewee.CharField(max_length=64)  # result.json in the blob store
    received_at = peewee.DateTimeField(default=_now, index=True)
    updated_from_bundle = peewee.CharField(max_length=32)  # bundle id of the version stored

    class Meta:
        indexes = ((("appliance", "source_application_id"), True),)


class ResultDocument(BaseModel):
    """A file that came with a result: documents of the applicant, ведомость, protocol, signed scan."""

    result = peewee.ForeignKeyField(CentralResult, backref="documents", on_delete="CASCADE")
    part_name = peewee.CharField(max_length=128)
    title = peewee.CharField(max_length=300)
    content_type = peewee.CharField(max_length=100)
    blob_digest = peewee.CharField(max_length=64)
    size = peewee.BigIntegerField()

    class Meta:
        indexes = ((("result", "part_name"), True),)


class SpkProtocol(AuditedModel):
    """Протокол СПК: approved results, the generated document, the signed file, the НАРК dispatch."""

    spk = peewee.ForeignKeyField(Organisation, on_delete="RESTRICT")
    number = peewee.CharField(max_length=50)
    protocol_date = peewee.DateField()
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=_now)
    facsimile_pdf_digest = peewee.CharField(max_length=64, null=True)  # «Подписать факсимиле»
    signed_file_digest = peewee.CharField(max_length=64, null=True)  # «Прикрепить файл»
    signed_file_name = peewee.CharField(max_length=255, null=True)
    signed_file_type = peewee.CharField(max_length=100, null=True)
    sent_to_nark_at = peewee.DateTimeField(null=True)
    sent_to_nark_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("spk", "number"), True),)


class CertificateKind:
    CERTIFICATE = "certificate"
    CONCLUSION = "conclusion"
    TITLES = {CERTIFICATE: "Свидетельство о квалификации", CONCLUSION: "Заключение о прохождении профессионального экзамена"}


class CertificateStatus:
    AWAITING_NUMBER = "awaiting"  # approved, in the НАРК submission; our own id until the number comes
    ISSUED = "issued"
    REPLACED = "replaced"  # a duplicate was issued; this one is withdrawn
    REVOKED = "revoked"
    TITLES = {AWAITING_NUMBER: "Ожидает регистрационного номера НАРК", ISSUED: "Выдан",
              REPLACED: "Заменён дубликатом", REVOKED: "Аннулирован"}


class Certificate(AuditedModel):
    """Свидетельство о квалификации или заключение (Приказ Минтруда 725н) по утверждённому результату."""

    kind = peewee.CharField(max_length=16)
    result = peewee.ForeignKeyField(CentralResult, backref="certificates", on_delete="RESTRICT")
    public_id = peewee.CharField(max_length=32, unique=True)  # our id: in the QR link before and after НАРК
    registration_number = peewee.CharField(max_length=64, null=True, unique=True)  # from НАРК
    status = peewee.CharField(max_length=16, default=CertificateStatus.AWAITING_NUMBER, index=True)
    issued_on = peewee.DateField(null=True)
    valid_until = peewee.DateField(null=True)  # certificates only: issued_on + the qualification's validity
    recommendation = peewee.TextField(null=True)  # Заключение: «соискателю РЕКОМЕНДУЕТСЯ: …»
    is_duplicate = peewee.BooleanField(default=False)
    duplicate_of = peewee.ForeignKeyField("self", null=True, backref="duplicates", on_delete="RESTRICT")
    duplicate_requested_at = peewee.DateField(null=True)  # 15 days to issue a duplicate (725н)
    revoked_at = peewee.DateTimeField(null=True)
    revoked_reason = peewee.TextField(null=True)
    pdf_digest = peewee.CharField(max_length=64, null=True)  # rendered once final
    created_at = peewee.DateTimeField(default=_now)


class NarkRecordStatus:
    PENDING = "pending"
    SENT = "sent"          # Передано в НАРК (file built or accepted by the endpoint, number not yet back)
    REGISTERED = "registered"  # Внесено в реестр
    ERROR = "error"
    TITLES = {PENDING: "В очереди", SENT: "Передано в НАРК", REGISTERED: "Внесено в реестр", ERROR: "Ошибка"}


class NarkRecord(AuditedModel):
    """One certificate or conclusion record of the НАРК registry submission and НАРК's answer."""

    certificate = peewee.ForeignKeyField(Certificate, backref="nark_records", on_delete="RESTRICT")
    protocol = peewee.ForeignKeyField(SpkProtocol, null=True, backref="nark_records", on_delete="SET NULL")
    target = peewee.CharField(max_length=64)  # the export target's code, e.g. «nark_registry»
    idempotency_key = peewee.CharField(max_length=64, unique=True)
    status = peewee.CharField(max_length=16, default=NarkRecordStatus.PENDING, index=True)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(null=True, index=True)
    sent_at = peewee.DateTimeField(null=True)
    answered_at = peewee.DateTimeField(null=True)
    registration_number = peewee.CharField(max_length=64, null=True)
    error = peewee.TextField(null=True)
    created_at = peewee.DateTimeField(default=_now)


class NarkExportFile(BaseModel):
    """The НАРК submission of a protocol as files (XLSX and XML) for manual upload."""

    protocol = peewee.ForeignKeyField(SpkProtocol, backref="nark_files", on_delete="CASCADE")
    file_format = peewee.CharField(max_length=8)  # xlsx / xml
    filename = peewee.CharField(max_length=255)
    blob_digest = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField(default=_now)


class SpkSettings(AuditedModel):
    """Сроки Постановления №1204 и хранения, настраиваемые СПК (defaults from law.md)."""

    spk = peewee.ForeignKeyField(Organisation, unique=True, on_delete="CASCADE")
    days_documents = peewee.SmallIntegerField(default=10)     # ЦОК decides on the documents
    days_to_spk = peewee.SmallIntegerField(default=7)         # protocol and materials sent to СПК after the exam
    days_spk_decision = peewee.SmallIntegerField(default=14)  # СПК decides after the exam
    days_issue = peewee.SmallIntegerField(default=30)         # certificate or conclusion issued after the exam
    days_duplicate = peewee.SmallIntegerField(default=15)     # duplicate issued after the request
    failed_retention_years = peewee.SmallIntegerField(default=1)


class ReferenceRevision(BaseModel):
    """A change of anything appliances pull (qualifications, КОС, experts, prices, settings, statuses).

    The newest id is the reference version: an appliance whose version is older gets a new snapshot.
    """

    changed_at = peewee.DateTimeField(default=_now)
    what = peewee.CharField(max_length=200)


class PublishedKos(AuditedModel):
    """КОС a СПК published to appliances («Выгрузить»): the current one per qualification travels in snapshots."""

    kos = peewee.ForeignKeyField(Kos, unique=True, on_delete="CASCADE")
    published_at = peewee.DateTimeField(default=_now)
    published_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    revision = peewee.BigIntegerField(null=True)  # the reference version that carries it: appliances at or past it hold it


class PlannedExam(AuditedModel):
    """План-график: an exam group as the appliance reported it (`exam_schedule` bundles)."""

    appliance = peewee.ForeignKeyField(Appliance, on_delete="CASCADE")
    source_group_id = peewee.IntegerField()
    cok = peewee.ForeignKeyField(Organisation, on_delete="RESTRICT")
    venue = peewee.ForeignKeyField(Organisation, null=True, on_delete="SET NULL")
    qualification = peewee.ForeignKeyField(Qualification, null=True, on_delete="SET NULL")
    qualification_title = peewee.CharField(max_length=600)
    stage = peewee.CharField(max_length=16)  # theory / practice
    starts_at = peewee.DateTimeField(index=True)
    candidates = peewee.SmallIntegerField(default=0)
    status = peewee.CharField(max_length=32)
    updated_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = ((("appliance", "source_group_id"), True),)


CENTRAL_MODELS = [Appliance, EnrolmentCode, ReceivedBundle, HeldBundle, RefusedBundle, VideoPart, SpkProtocol,
                  CentralResult, ResultDocument, Certificate, NarkRecord, NarkExportFile, SpkSettings,
                  ReferenceRevision, PublishedKos, PlannedExam]

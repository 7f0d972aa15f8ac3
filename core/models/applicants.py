"""Соискатель's cabinet data: personal data, education, work history, documents, consents."""
from __future__ import annotations

import enum

import peewee

from core.audit import AuditedModel
from core.models.organisations import _now
from core.models.users import User


class ApplicantProfile(AuditedModel):
    """Личные данные соискателя — typed once, copied into every application.

    Отчество may be absent, but only explicitly (`no_middle_name`), never by leaving the
    field empty (seed 004, typical errors).
    """

    user = peewee.ForeignKeyField(User, unique=True, backref="applicant_profile", on_delete="CASCADE")
    last_name = peewee.CharField(max_length=100, null=True)
    first_name = peewee.CharField(max_length=100, null=True)
    middle_name = peewee.CharField(max_length=100, null=True)
    no_middle_name = peewee.BooleanField(default=False)
    birth_date = peewee.DateField(null=True)
    snils = peewee.CharField(max_length=11, null=True)
    passport_series = peewee.CharField(max_length=4, null=True)
    passport_number = peewee.CharField(max_length=6, null=True)
    passport_issued_by = peewee.CharField(max_length=300, null=True)
    passport_issue_date = peewee.DateField(null=True)
    passport_division_code = peewee.CharField(max_length=7, null=True)
    registration_address = peewee.TextField(null=True)
    photo_digest = peewee.CharField(max_length=64, null=True)
    consent_accuracy_at = peewee.DateTimeField(null=True)  # «Достоверность данных подтверждаю»
    consent_pd_at = peewee.DateTimeField(null=True)  # «Согласие на обработку ПД»
    consent_text_version = peewee.CharField(max_length=32, null=True)
    updated_at = peewee.DateTimeField(default=_now)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class Education(AuditedModel):
    """Образование: one diploma."""

    profile = peewee.ForeignKeyField(ApplicantProfile, backref="education", on_delete="CASCADE")
    level = peewee.CharField(max_length=100)  # «высшее — бакалавриат», «среднее профессиональное»…
    institution = peewee.CharField(max_length=300)
    diploma_series = peewee.CharField(max_length=20, null=True)
    diploma_number = peewee.CharField(max_length=30)
    graduation_year = peewee.SmallIntegerField()
    speciality = peewee.CharField(max_length=300)


class WorkRecord(AuditedModel):
    """Трудовая деятельность: one job."""

    profile = peewee.ForeignKeyField(ApplicantProfile, backref="work_history", on_delete="CASCADE")
    employer_name = peewee.CharField(max_length=300)
    position = peewee.CharField(max_length=200)
    started_on = peewee.DateField()
    ended_on = peewee.DateField(null=True)  # None: works there now


class DocumentKind(str, enum.Enum):
    PASSPORT_MAIN = "passport_main"
    PASSPORT_REGISTRATION = "passport_registration"
    DIPLOMA = "diploma"
    WORK_BOOK = "work_book"
    SNILS = "snils"
    PHOTO = "photo"
    ORGANISATION = "organisation"
    OTHER = "other"

    @property
    def title(self) -> str:
        return DOCUMENT_KIND_TITLES[self]


DOCUMENT_KIND_TITLES = {
    DocumentKind.PASSPORT_MAIN: "Паспорт: страница с фотографией",
    DocumentKind.PASSPORT_REGISTRATION: "Паспорт: страница с регистрацией",
    DocumentKind.DIPLOMA: "Документ об образовании",
    DocumentKind.WORK_BOOK: "Копия трудовой книжки (заверенная)",
    DocumentKind.SNILS: "СНИЛС",
    DocumentKind.PHOTO: "Фотография",
    DocumentKind.ORGANISATION: "Документ организации",
    DocumentKind.OTHER: "Иной документ",
}


class StoredDocument(AuditedModel):
    """A scan kept in the cabinet (encrypted in the blob store), reused by applications.

    `quality_flags` lists what the scan check found (too dark, too light, blurred), as a
    comma-separated list of codes; the applicant is warned before submitting.
    """

    owner = peewee.ForeignKeyField(User, backref="documents", on_delete="CASCADE")
    kind = peewee.CharField(max_length=32, choices=[(k.value, k.title) for k in DocumentKind])
    title = peewee.CharField(max_length=300)
    filename = peewee.CharField(max_length=255)
    content_type = peewee.CharField(max_length=64)
    size = peewee.IntegerField()
    digest = peewee.CharField(max_length=64)
    quality_flags = peewee.CharField(max_length=200, default="")
    uploaded_at = peewee.DateTimeField(default=_now)

    @property
    def kind_title(self) -> str:
        return DocumentKind(self.kind).title

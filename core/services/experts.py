"""«Эксперты»: the СПК's experts database, kept on the appliance until the registry feeds it.

An expert's account belongs to the СПК (`User.organisation`), so every ЦОК and venue of
that СПК sees the same experts (seed 002: «Эксперты доступны всем ЦОК/Площадкам данного
СПК»). Until the central registry sends them, an Администратор of a ЦОК adds and edits
them here; an Оператор and venue staff only look. An expert may sit on a commission only
for a qualification they hold a certificate for, valid on the exam date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import CommissionMember, ExpertCertificate, Organisation, OrgKind, Qualification, Role, User
from core.services.users import _clean_name, ensure_email_free, create_user
from core.validators import validate_email, validate_phone

PAGE_SIZE = 25


@dataclass(frozen=True)
class ExpertForm:
    """What the «Эксперт» form carries."""

    full_name: str
    email: str
    phone: str = ""
    position: str = ""


@dataclass(frozen=True)
class CertificateForm:
    """Свидетельство эксперта: a qualification, its validity and the СПК protocol behind it."""

    qualification_id: int
    valid_from: dt.date
    valid_to: dt.date
    protocol_number: str
    protocol_date: dt.date


def experts_spk_id(actor: User) -> int | None:
    """Id of the СПК whose experts the actor sees: a ЦОК's parent, a venue's ЦОК's parent."""
    if not actor.is_staff or not actor.organisation_id:
        return None
    org = actor.organisation
    if org.kind == OrgKind.COK.value:
        return org.parent_id
    if org.kind == OrgKind.VENUE.value and org.parent_id:
        parent = Organisation.get_or_none(Organisation.id == org.parent_id)
        return parent.parent_id if parent else None
    return None


def can_manage_experts(actor: User) -> bool:
    """Only an Администратор of a ЦОК edits the experts database here."""
    return (actor.role == Role.ADMIN.value and actor.is_active and actor.organisation_id is not None
            and actor.organisation.kind == OrgKind.COK.value and experts_spk_id(actor) is not None)


def _require_manager(actor: User) -> int:
    if not can_manage_experts(actor):
        raise PermissionDeniedError("Изменять базу экспертов может только Администратор ЦОК.")
    return experts_spk_id(actor)


def _experts_of(spk_id: int | None) -> peewee.ModelSelect:
    return User.select().where((User.role == Role.EXPERT.value) & (User.organisation == spk_id))


def list_experts(actor: User, page: int = 1) -> tuple[list[User], int]:
    """One page of the СПК's experts, each with `.certificates` loaded (two queries in all)."""
    query = _experts_of(experts_spk_id(actor)).order_by(User.full_name, User.id)
    experts = list(query.paginate(max(page, 1), PAGE_SIZE))
    by_id = {e.id: e for e in experts}
    for expert in experts:
        expert.certificates = []
    if by_id:
        certs = (ExpertCertificate.select(ExpertCertificate, Qualification).join(Qualification)
                 .where(ExpertCertificate.expert.in_(list(by_id)))
                 .order_by(Qualification.code, ExpertCertificate.valid_from))
        for cert in certs:
            by_id[cert.expert_id].certificates.append(cert)
    return experts, query.count()


def get_expert(actor: User, expert_id: int) -> User:
    """An expert of the actor's СПК; anyone else looks «not found»."""
    expert = _experts_of(experts_spk_id(actor)).where(User.id == expert_id).first()
    if expert is None:
        raise NotFoundError("Эксперт не найден.")
    return expert


def certificates_of(expert: User) -> list[ExpertCertificate]:
    return list(ExpertCertificate.select(ExpertCertificate, Qualification).join(Qualification)
                .where(ExpertCertificate.expert == expert).order_by(Qualification.code, ExpertCertificate.valid_from))


def spk_qualifications(actor: User) -> list[Qualification]:
    """Qualifications an expert of the actor's СПК may be certified for."""
    return list(Qualification.select().where(Qualification.spk == experts_spk_id(actor))
                .order_by(Qualification.code))


def create_expert(actor: User, form: ExpertForm) -> User:
    """Add an expert account (Role.EXPERT in the ЦОК's СПК); the caller mails the one-time link."""
    spk_id = _require_manager(actor)
    spk = Organisation.get_by_id(spk_id)
    return create_user(email=form.email, full_name=form.full_name, role=Role.EXPERT, organisation=spk,
                       phone=form.phone, position=form.position.strip()[:200])


def update_expert(actor: User, expert: User, form: ExpertForm) -> User:
    _require_manager(actor)
    expert = get_expert(actor, expert.id)
    email = validate_email(form.email)
    full_name = _clean_name(form.full_name)
    phone = validate_phone(form.phone) if form.phone.strip() else None
    with write_transaction():
        ensure_email_free(email, exclude_id=expert.id)
        expert.email, expert.full_name, expert.phone = email, full_name, phone
        expert.position = form.position.strip()[:200] or None
        expert.save()
    return expert


def delete_expert(actor: User, expert: User) -> None:
    """Remove an expert who has never sat on a commission (protocols name them forever)."""
    _require_manager(actor)
    expert = get_expert(actor, expert.id)
    with write_transaction():
        if CommissionMember.select().where(CommissionMember.expert == expert).exists():
            raise ValidationError("Эксперт входит в экспертную комиссию: удалить его нельзя, "
                                  "можно только не включать в новые комиссии.")
        for certificate in ExpertCertificate.select().where(ExpertCertificate.expert == expert):
            certificate.delete_instance()  # one by one, so each removal is audited
        # Not `recursive=True`: that walks every model pointing at User, plugins' included; the
        # database's own ON DELETE rules (sessions, links: cascade) are the ones to apply.
        try:
            expert.delete_instance()
        except peewee.IntegrityError:
            raise ValidationError("Эксперт уже упоминается в документах: удалить его нельзя.") from None


def add_certificate(actor: User, expert: User, form: CertificateForm) -> ExpertCertificate:
    """Record an expert's right to assess one qualification between two dates (by a СПК protocol)."""
    spk_id = _require_manager(actor)
    expert = get_expert(actor, expert.id)
    qualification = Qualification.get_or_none((Qualification.id == form.qualification_id)
                                               & (Qualification.spk == spk_id))
    if qualification is None:
        raise ValidationError("Выберите квалификацию из справочника СПК.", field="qualification")
    if form.valid_to < form.valid_from:
        raise ValidationError("Дата окончания действия раньше даты начала.", field="valid_to")
    number = " ".join(form.protocol_number.split())
    if not number:
        raise ValidationError("Укажите номер протокола СПК.", field="protocol_number")
    if len(number) > 50:
        raise ValidationError("Номер протокола — не более 50 символов.", field="protocol_number")
    if form.protocol_date > dt.date.today():
        raise ValidationError("Дата протокола не может быть в будущем.", field="protocol_date")
    if form.protocol_date > form.valid_to:
        raise ValidationError("Дата протокола позже окончания действия свидетельства.", field="protocol_date")
    with write_transaction():
        overlap = ExpertCertificate.select().where(
            (ExpertCertificate.expert == expert) & (ExpertCertificate.qualification == qualification)
            & (ExpertCertificate.valid_from <= form.valid_to) & (ExpertCertificate.valid_to >= form.valid_from))
        if overlap.exists():
            raise ValidationError("У эксперта уже есть свидетельство по этой квалификации на эти даты.",
                                  field="valid_from")
        return ExpertCertificate.create(expert=expert, qualification=qualification, valid_from=form.valid_from,
                                        valid_to=form.valid_to, protocol_number=number,
                                        protocol_date=form.protocol_date)


def get_certificate(actor: User, expert: User, certificate_id: int) -> ExpertCertificate:
    cert = ExpertCertificate.get_or_none((ExpertCertificate.id == certificate_id)
                                         & (ExpertCertificate.expert == get_expert(actor, expert.id)))
    if cert is None:
        raise NotFoundError("Свидетельство эксперта не найдено.")
    return cert


def remove_certificate(actor: User, certificate: ExpertCertificate) -> None:
    _require_manager(actor)
    get_certificate(actor, certificate.expert, certificate.id)
    with write_transaction():
        certificate.delete_instance()


def experts_valid_for(qualification: Qualification, on: dt.date) -> list[User]:
    """Active experts holding a certificate for `qualification` valid on `on` (the commission choice)."""
    valid = ExpertCertificate.select(ExpertCertificate.expert).where(
        (ExpertCertificate.qualification == qualification) & (ExpertCertificate.valid_from <= on)
        & (ExpertCertificate.valid_to >= on))
    return list(User.select().where((User.role == Role.EXPERT.value) & User.is_active & User.id.in_(valid))
                .order_by(User.full_name, User.id))

"""Работодатель: registration as a legal entity and «Реестр соискателей» (seed 003).

Registration creates the organisation and its Администратор (who sets a password by a one-time
link). The register lists the applications the organisation pays for; the employer adds its
staff (an applicant account each, the application created for a row of a sent group
application), takes in applications whose applicants chose it as payer, and agrees exam dates.
The employer never gives consent for its staff: each applicant gives their own in their
cabinet (152-ФЗ; law.md), so an added applicant's profile holds only the СНИЛС typed here.
"""
from __future__ import annotations

from typing import Mapping

import peewee

from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import (ApplicantProfile, Application, ExamSlot, GroupApplication, Organisation, OrgKind,
                         Qualification, Role, User)
from core.services import group_applications as groups
from core.services import organisations
from core.services.applicant_profile import Checker, FormErrors, is_checked, required_text
from core.services.notify import queue_mail
from core.services.users import create_user
from core.validators import (validate_email, validate_inn, validate_kpp, validate_ogrn, validate_person_name_part,
                             validate_phone, validate_snils)
from core.workflow import Status

PAGE_SIZE = 25
REGISTRATION_FIELDS = ("email", "full_name", "short_name", "is_entrepreneur", "inn", "kpp", "ogrn", "phone",
                       "head_name", "head_position")
APPLICANT_FIELDS = ("full_name", "email", "snils", "row")


def person_name(value: str | None, field: str) -> str:
    """ФИО of a person: Cyrillic, at least surname and first name (an error names `field`)."""
    try:
        name = validate_person_name_part(value, "full_name")
    except ValidationError as ex:
        raise ValidationError(ex.message, field=field) from None
    if len(name.split()) < 2:
        raise ValidationError("Укажите ФИО полностью: фамилию, имя и отчество (если есть).", field=field)
    if len(name) > 200:
        raise ValidationError("ФИО — не более 200 символов.", field=field)
    return name


# --- registration --------------------------------------------------------------------------------

def register_employer(form: Mapping[str, str]) -> User | None:
    """Check every field, create the employer and its Администратор; raise `FormErrors`.

    Returns `None` when the email already has an account: nothing is created and the owner of
    the address gets a letter instead, so the public form does not tell a stranger who is
    registered. A second organisation with the same ИНН and КПП is refused in words.
    """
    check = Checker()
    email = check(validate_email, form.get("email"))
    full_name = check(required_text, form.get("full_name"), "full_name", "Полное наименование", 500)
    short_name = check(required_text, form.get("short_name"), "short_name", "Краткое наименование", 200)
    entrepreneur = is_checked(form.get("is_entrepreneur"))
    inn = check(validate_inn, form.get("inn"), kind="person" if entrepreneur else "legal")
    kpp = None
    if entrepreneur and (form.get("kpp") or "").strip():
        check.add("kpp", "У индивидуального предпринимателя нет КПП: очистите поле.")
    elif not entrepreneur:
        kpp = check(validate_kpp, form.get("kpp"))
    ogrn = check(validate_ogrn, form.get("ogrn"), kind="ip" if entrepreneur else "legal")
    phone = check(validate_phone, form.get("phone"))
    head_name = check(person_name, form.get("head_name"), "head_name")
    head_position = check(required_text, form.get("head_position"), "head_position", "Должность руководителя", 200)
    check.raise_if_any()
    with write_transaction():
        if _twin(inn, kpp).exists():
            raise FormErrors({"inn": "Организация с таким ИНН и КПП уже зарегистрирована. Попросите её "
                                     "Администратора создать вам учётную запись в разделе «Сотрудники»."})
        if User.select().where(User.email == email).exists():
            queue_mail(email, "НОК-Платформа: регистрация работодателя",
                       f"Здравствуйте!\n\nНа адрес {email} пытались зарегистрировать организацию «{short_name}», "
                       "но этот адрес уже используется для входа в НОК-Платформу. Войдите со своим паролем или "
                       "восстановите его на странице «Забыли пароль?». Если это были не вы, ничего не делайте.")
            return None
        organisation = Organisation.create(kind=OrgKind.EMPLOYER.value, full_name=full_name, short_name=short_name,
                                           inn=inn, kpp=kpp, ogrn=ogrn, phone=phone, email=email,
                                           head_name=head_name, head_position=head_position)
        return create_user(email=email, full_name=head_name, role=Role.ADMIN, organisation=organisation,
                           phone=phone, position=head_position)


# --- profile ------------------------------------------------------------------------------------

# An employer's profile cannot lose what its invoices and contracts name it by.
PROFILE_REQUIRED = {"inn": "ИНН", "ogrn": "ОГРН / ОГРНИП", "head_name": "ФИО руководителя"}


def _optional_person(value: str | None, field: str) -> str | None:
    return person_name(value, field) if (value or "").strip() else None


def update_employer_profile(actor: User, organisation: Organisation, form: Mapping[str, str]) -> Organisation:
    """`organisations.update_profile` plus the employer's own rules; raise `FormErrors` with every field.

    The employer's profile also names the head of HR (seed 003, «ФИО руководителя отдела
    кадров»), keeps ИНН, ОГРН and the head filled in, and may not take another employer's ИНН+КПП.
    """
    check = Checker()
    hr_head = check(_optional_person, form.get("hr_head_name"), "hr_head_name")
    for field, label in PROFILE_REQUIRED.items():
        if not (form.get(field) or "").strip():
            check.add(field, f"{label}: заполните поле.")
    try:
        with write_transaction():
            organisations.update_profile(actor, organisation, dict(form))
            check.raise_if_any()
            if _twin(organisation.inn, organisation.kpp).where(Organisation.id != organisation.id).exists():
                raise FormErrors({"inn": "Другая организация с таким ИНН и КПП уже зарегистрирована."})
            organisation.hr_head_name = hr_head
            organisation.save()
    except ValidationError as ex:
        errors = dict(getattr(ex, "errors", None) or {ex.field or "form": ex.message})
        for field, message in check.errors.items():
            errors.setdefault(field, message)
        raise FormErrors(errors) from None
    return organisation


def profile_form(organisation: Organisation) -> dict[str, str]:
    return {**organisations.profile_form(organisation), "hr_head_name": organisation.hr_head_name or ""}


def _twin(inn: str | None, kpp: str | None) -> peewee.ModelSelect:
    return Organisation.select().where((Organisation.kind == OrgKind.EMPLOYER.value) & (Organisation.inn == inn)
                                       & (Organisation.kpp.is_null() if kpp is None else Organisation.kpp == kpp))


# --- «Реестр соискателей» ------------------------------------------------------------------------

def _register_query(organisation: Organisation) -> peewee.ModelSelect:
    venue = Organisation.alias()
    return (Application.select(Application, User, Qualification, venue, GroupApplication, ExamSlot)
            .join(User, on=(Application.applicant == User.id)).switch(Application)
            .join(Qualification).switch(Application)
            .join(venue, on=(Application.venue == venue.id)).switch(Application)
            .join(GroupApplication, peewee.JOIN.LEFT_OUTER).switch(Application)
            .join(ExamSlot, peewee.JOIN.LEFT_OUTER)
            .where(Application.employer == organisation))


def register(actor: User, organisation: Organisation, *, page: int = 1, name: str = "",
             status: str = "") -> tuple[list[Application], int]:
    """One page of the applications the organisation pays for, filtered in the database."""
    groups.require_employer_staff(actor, organisation)
    query = _register_query(organisation).order_by(User.full_name, Application.id)
    name = " ".join(name.split())
    if name:
        query = query.where(User.full_name.contains(name) | Application.full_name.contains(name))
    if status in {s.value for s in Status}:
        query = query.where(Application.status == status)
    return list(query.paginate(max(page, 1), PAGE_SIZE)), query.count()


def member_application(actor: User, organisation: Organisation, application_id: int) -> Application:
    """An application the organisation pays for; any other looks «not found»."""
    groups.require_employer_staff(actor, organisation)
    found = _register_query(organisation).where(Application.id == application_id).first()
    if found is None:
        raise NotFoundError("Заявление не найдено.")
    return found


def member(actor: User, organisation: Organisation, applicant_id: int) -> tuple[User, list[Application]]:
    """A person of the register with every application the organisation pays for."""
    groups.require_employer_staff(actor, organisation)
    applications = list(_register_query(organisation).where(Application.applicant == applicant_id)
                        .order_by(Application.created_at.desc(), Application.id.desc()))
    if not applications:
        raise NotFoundError("Соискатель не найден в реестре организации.")
    return applications[0].applicant, applications


def add_applicant(actor: User, organisation: Organisation, form: Mapping[str, str]) -> Application:
    """Create an applicant account and their application for a row; raise `FormErrors`.

    The web layer mails the one-time link after the commit; the letter queued here tells the
    person why, and that their consent and data are theirs to give.
    """
    groups.require_employer_staff(actor, organisation)
    check = Checker()
    name = check(person_name, form.get("full_name"), "full_name")
    email = check(validate_email, form.get("email"))
    snils = check(validate_snils, form.get("snils"))
    line = check(groups.get_enrolling_row, organisation, form.get("row"))
    check.raise_if_any()
    with write_transaction():
        if ApplicantProfile.select().where(ApplicantProfile.snils == snils).exists():
            raise FormErrors({"snils": "Соискатель с таким СНИЛС уже зарегистрирован: попросите его указать вашу "
                                       "организацию плательщиком в своём заявлении — оно появится в реестре."})
        try:
            user = create_user(email=email, full_name=name, role=Role.APPLICANT)
        except ValidationError as ex:
            raise FormErrors({ex.field or "email": ex.message}) from None
        ApplicantProfile.create(user=user, snils=snils)
        application = groups.enrol(actor, organisation, line, user, full_name=name, snils=snils)
        queue_mail(email, "НОК-Платформа: вас включили в групповую заявку работодателя",
                   f"Здравствуйте, {name}!\n\n{organisation.short_name} включил(а) вас в групповую заявку на "
                   f"независимую оценку квалификации «{line.row.qualification.title}» "
                   f"({line.row.venue.short_name}); оплачивает работодатель.\n\nВ отдельном письме — ссылка для "
                   "установки пароля. В личном кабинете соискателя заполните личные данные и документы, "
                   "подтвердите их достоверность и дайте своё согласие на обработку персональных данных, "
                   "затем отправьте заявление.")
    return application


def enrol_member(actor: User, organisation: Organisation, applicant_id: int, form: Mapping[str, str]) -> Application:
    """A new application for a person already in the register (another qualification or group)."""
    applicant, applications = member(actor, organisation, applicant_id)
    line = groups.get_enrolling_row(organisation, form.get("row"))
    try:
        return groups.enrol(actor, organisation, line, applicant, full_name=applications[0].full_name or
                            applicant.full_name, snils=applications[0].snils)
    except ValidationError as ex:
        raise FormErrors({"row": ex.message}) from None


def link_rows(organisation: Organisation, application: Application) -> list[groups.RowLine]:
    """Rows an application whose applicant chose the employer as payer fits into (same ЦОК, qualification, venue)."""
    return [line for line in groups.enrolling_rows(organisation)
            if (line.row.group_application.cok_id, line.row.qualification_id, line.row.venue_id)
            == (application.cok_id, application.qualification_id, application.venue_id)]


def link_application(actor: User, organisation: Organisation, application_id: int,
                     form: Mapping[str, str]) -> Application:
    application = member_application(actor, organisation, application_id)
    try:
        line = groups.get_enrolling_row(organisation, form.get("row"))
        return groups.link_to_row(actor, organisation, application, line)
    except ValidationError as ex:
        raise FormErrors({"row": ex.message}) from None


def slot_for(application: Application, slot_id: object) -> ExamSlot:
    """The chosen time if it is one of the application's venue and qualification."""
    try:
        wanted = int(str(slot_id))
    except ValueError:
        wanted = 0
    slot = ExamSlot.get_or_none((ExamSlot.id == wanted) & (ExamSlot.venue == application.venue_id)
                                & (ExamSlot.qualification == application.qualification_id))
    if slot is None:
        raise ValidationError("Выберите дату и время экзамена в календаре.", field="slot")
    return slot

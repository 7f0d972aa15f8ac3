"""Creating and managing accounts: staff of an organisation («Сотрудники»), experts, applicants.

Rules (seed 002, mission.md): email is the login and unique; only an Администратор of an
organisation manages that organisation's staff; an Оператор cannot; nobody manages another
organisation's people; the last Администратор cannot be removed or demoted.
"""
from __future__ import annotations

from dataclasses import dataclass

import peewee

from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import OneTimeToken, Organisation, OrgKind, Role, STAFF_ROLES, User, WebSession
from core.security import hash_password, check_password_strength
from core.validators import validate_email, validate_person_name_part, validate_phone

PAGE_SIZE = 25


@dataclass(frozen=True)
class StaffForm:
    """What the «Сотрудник» form carries."""

    email: str
    full_name: str
    role: str
    phone: str = ""
    position: str = ""


def _clean_name(full_name: str) -> str:
    """ФИО as in the identity document: at least surname and first name, Cyrillic letters."""
    name = validate_person_name_part(full_name, "full_name")
    if len(name.split()) < 2:
        raise ValidationError("Укажите ФИО полностью: фамилию, имя и отчество (если есть).", field="full_name")
    if len(name) > 300:
        raise ValidationError("ФИО слишком длинное (не более 300 символов).", field="full_name")
    return name


def ensure_email_free(email: str, exclude_id: int | None = None) -> None:
    query = User.select().where(User.email == email)
    if exclude_id:
        query = query.where(User.id != exclude_id)
    if query.exists():
        raise ValidationError("Пользователь с таким адресом электронной почты уже зарегистрирован.", field="email")


def create_user(*, email: str, full_name: str, role: Role, organisation: Organisation | None = None,
                phone: str = "", position: str = "", password: str | None = None) -> User:
    """Create any account (CLI, demo, registration); checks the role fits the organisation."""
    email = validate_email(email)
    full_name = _clean_name(full_name)
    if role in STAFF_ROLES and organisation is None:
        raise ValidationError("Сотрудник должен принадлежать организации.", field="organisation")
    if role is Role.EXPERT and (organisation is None or organisation.kind != OrgKind.SPK.value):
        raise ValidationError("Эксперт включается в базу экспертов СПК: укажите СПК.", field="organisation")
    if role is Role.APPLICANT and organisation is not None:
        raise ValidationError("Соискатель не принадлежит организации.", field="organisation")
    if password is not None:
        check_password_strength(password, email)
    with write_transaction():
        ensure_email_free(email)
        try:
            return User.create(email=email, full_name=full_name, role=role.value, organisation=organisation,
                               phone=validate_phone(phone) if phone else None, position=position or None,
                               password_hash=hash_password(password) if password else None)
        except peewee.IntegrityError:
            raise ValidationError("Пользователь с таким адресом электронной почты уже зарегистрирован.",
                                  field="email") from None


def can_manage_staff(actor: User, organisation: Organisation) -> bool:
    return actor.role == Role.ADMIN.value and actor.organisation_id == organisation.id and actor.is_active


def require_staff_manager(actor: User, organisation: Organisation) -> None:
    if not can_manage_staff(actor, organisation):
        raise PermissionDeniedError("Управлять сотрудниками может только Администратор своей организации.")


def _staff_role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role not in STAFF_ROLES:
        raise ValidationError("Выберите роль: Администратор или Оператор.", field="role")
    return role


def list_staff(actor: User, organisation: Organisation, page: int = 1) -> tuple[list[User], int]:
    """One page of the organisation's staff and the total count (paginated in the database)."""
    if actor.organisation_id != organisation.id or not actor.is_staff:
        raise PermissionDeniedError("Нет доступа к сотрудникам этой организации.")
    query = (User.select().where((User.organisation == organisation) & User.role.in_([r.value for r in STAFF_ROLES]))
             .order_by(User.full_name, User.id))
    return list(query.paginate(max(page, 1), PAGE_SIZE)), query.count()


def get_staff_member(actor: User, organisation: Organisation, user_id: int) -> User:
    """Return a staff member of the actor's organisation; others look like «not found»."""
    user = User.get_or_none((User.id == user_id) & (User.organisation == organisation))
    if user is None or not user.is_staff or actor.organisation_id != organisation.id:
        raise NotFoundError("Сотрудник не найден.")
    return user


def create_staff(actor: User, organisation: Organisation, form: StaffForm) -> User:
    require_staff_manager(actor, organisation)
    return create_user(email=form.email, full_name=form.full_name, role=_staff_role(form.role),
                       organisation=organisation, phone=form.phone, position=form.position)


def _admins_left(organisation: Organisation, excluding: User) -> int:
    return User.select().where((User.organisation == organisation) & (User.role == Role.ADMIN.value)
                               & (User.id != excluding.id) & User.is_active).count()


def update_staff(actor: User, organisation: Organisation, user: User, form: StaffForm) -> User:
    require_staff_manager(actor, organisation)
    if user.organisation_id != organisation.id:
        raise NotFoundError("Сотрудник не найден.")
    email = validate_email(form.email)
    role = _staff_role(form.role)
    with write_transaction():
        ensure_email_free(email, exclude_id=user.id)
        if user.role == Role.ADMIN.value and role is not Role.ADMIN and _admins_left(organisation, user) == 0:
            raise ValidationError("Нельзя лишить роли последнего Администратора организации.", field="role")
        user.email = email
        user.full_name = _clean_name(form.full_name)
        user.role = role.value
        user.phone = validate_phone(form.phone) if form.phone else None
        user.position = form.position or None
        user.save()
    return user


def delete_staff(actor: User, organisation: Organisation, user: User) -> None:
    require_staff_manager(actor, organisation)
    if user.organisation_id != organisation.id:
        raise NotFoundError("Сотрудник не найден.")
    if user.id == actor.id:
        raise ValidationError("Нельзя удалить собственную учётную запись.")
    with write_transaction():
        if user.role == Role.ADMIN.value and _admins_left(organisation, user) == 0:
            raise ValidationError("Нельзя удалить последнего Администратора организации.")
        # Only what belongs to the account itself; anything else referencing the user
        # (applications, reviews, payments) keeps the row alive by a RESTRICT key on purpose.
        WebSession.delete().where(WebSession.user == user).execute()
        OneTimeToken.delete().where(OneTimeToken.user == user).execute()
        user.delete_instance()


def set_password(user: User, password: str) -> User:
    """Set a password directly (CLI `nok user add --password`, demo data)."""
    check_password_strength(password, user.email)
    user.password_hash = hash_password(password)
    user.save()
    return user

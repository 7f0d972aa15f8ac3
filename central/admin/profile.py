"""«Ваш профиль» of a СПК: requisites, «Сотрудники СПК» and the chair's facsimile for the Протокол СПК,
and «Сроки» — the deadlines appliances and the registry count (law.md: every term is a setting).

All of it travels to appliances in the reference snapshot, so each change bumps the revision.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from central import revisions
from central.admin.forms import Checker, int_in_range, person_name
from central.models import SpkSettings
from core.db import write_transaction
from core.exceptions import ValidationError
from core.models import Organisation, User
from core.services import organisations

if TYPE_CHECKING:
    from core.blobstore import BlobStore

REQUISITE_FIELDS = ("full_name", "short_name", "inn", "kpp", "ogrn", "legal_address", "phone", "email", "website",
                    "head_name", "head_position")
MEMBER_FIELDS = ("chair_name", "secretary_name", "voting_members")
MAX_MEMBERS = 100
# SpkSettings field → (label, low, high, unit); defaults come from the model (law.md).
DEADLINES: dict[str, tuple[str, int, int, str]] = {
    "days_documents": ("ЦОК рассматривает документы соискателя", 1, 365, "дней"),
    "days_to_spk": ("ЦОК передаёт протокол и материалы в СПК после экзамена", 1, 365, "дней"),
    "days_spk_decision": ("СПК принимает решение после экзамена", 1, 365, "дней"),
    "days_issue": ("Выдача свидетельства или заключения после экзамена", 1, 365, "дней"),
    "days_duplicate": ("Выдача дубликата после запроса", 1, 365, "дней"),
    "failed_retention_years": ("Хранение материалов экзамена, который не сдан", 1, 10, "лет"),
}


def requisites_form(spk: Organisation) -> dict[str, str]:
    form = organisations.profile_form(spk)
    return {k: form[k] for k in REQUISITE_FIELDS}


def update_requisites(spk: Organisation, user: User, form: dict[str, str]) -> Organisation:
    """Save the СПК's requisites (checked by control digits); fields not on the form stay as they are.

    Only this form's fields go through the shared profile checks (the others blank), so an old
    incomplete value elsewhere in the profile cannot block saving the requisites.
    """
    check = Checker()
    if not (form.get("inn") or "").strip():
        check.add("inn", "ИНН СПК: значение не указано (он передаётся в НАРК).")
    try:
        cleaned = organisations.clean_profile({k: str(form.get(k, "")) for k in REQUISITE_FIELDS})
    except ValidationError as ex:
        for field, message in (getattr(ex, "errors", None) or {ex.field or "form": ex.message}).items():
            check.add(field, message)
    check.raise_if_any()
    with write_transaction():
        for field in REQUISITE_FIELDS:
            setattr(spk, field, cleaned[field])
        spk.save()
        revisions.bump("Реквизиты СПК изменены")
    return spk


def members_form(spk: Organisation) -> dict[str, str]:
    return {f: getattr(spk, f) or "" for f in MEMBER_FIELDS}


def _members(value: str) -> str | None:
    lines = [" ".join(line.split()) for line in (value or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_MEMBERS:
        raise ValidationError(f"Члены СПК: не более {MAX_MEMBERS} строк.", field="voting_members")
    for number, line in enumerate(lines, start=1):
        if len(line) > 300:
            raise ValidationError(f"Члены СПК, строка {number}: не более 300 символов.",
                                                field="voting_members")
    return "\n".join(lines) or None


def update_members(spk: Organisation, form: dict[str, str]) -> Organisation:
    """«Сотрудники СПК» of the Протокол СПК: chair, secretary, voting members (one per line, as printed)."""
    check = Checker()
    chair = check(person_name, form.get("chair_name", ""), "chair_name", "ФИО председателя")
    secretary = check(person_name, form.get("secretary_name", ""), "secretary_name",
                      "ФИО ответственного секретаря")
    members = check(_members, form.get("voting_members", ""))
    check.raise_if_any()
    with write_transaction():
        spk.chair_name, spk.secretary_name, spk.voting_members = chair, secretary, members
        spk.save()
        revisions.bump("Сотрудники СПК изменены")
    return spk


def save_chair_signature(spk: Organisation, user: User, blobs: "BlobStore", data_url: str) -> str:
    """«Подпись председателя»: the drawn PNG becomes the СПК's facsimile for «Подписать факсимиле»."""
    with write_transaction():
        digest = organisations.save_facsimile(user, spk, blobs, data_url)
        revisions.bump("Подпись председателя СПК изменена")
    return digest


def remove_chair_signature(spk: Organisation, user: User) -> None:
    with write_transaction():
        organisations.remove_facsimile(user, spk)
        revisions.bump("Подпись председателя СПК удалена")


def settings_of(spk: Organisation) -> SpkSettings:
    """The СПК's deadlines; an unsaved row with the defaults when none were set."""
    return SpkSettings.get_or_none(SpkSettings.spk == spk) or SpkSettings(spk=spk)


def settings_form(settings: SpkSettings) -> dict[str, str]:
    return {f: str(getattr(settings, f)) for f in DEADLINES}


def update_settings(spk: Organisation, form: dict[str, str]) -> SpkSettings:
    """«Сроки»: whole days from 1 to 365 (years of keeping failed exams: 1 to 10)."""
    check = Checker()
    values = {f: check(int_in_range, form.get(f, ""), f, label, low, high, unit)
              for f, (label, low, high, unit) in DEADLINES.items()}
    check.raise_if_any()
    with write_transaction():
        settings = settings_of(spk)
        for field, value in values.items():
            setattr(settings, field, value)
        settings.save()
        revisions.bump("Сроки СПК изменены")
    return settings

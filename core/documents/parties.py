"""The parties of a contract or invoice, read from the organisations' profiles and the application.

Nothing is typed twice: the ЦОК's requisites, preamble and signers come from its profile, an
employer's from the employer's profile, an applicant's passport from the application's
snapshot of the cabinet (the data the ЦОК reviewed, not the cabinet as it is today). What a
document needs but a profile lacks stops the document with a Russian `ValidationError` that
names every missing field, so the user fixes the profile once instead of receiving a contract
with blanks.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from core.documents.texts import date_digits, upper_first
from core.exceptions import ValidationError
from core.models import Application, Organisation, OrgKind
from core.models.applications import PAYER_EMPLOYER
from core.validators import (format_snils, validate_bik, validate_correspondent_account, validate_inn, validate_kpp,
                             validate_settlement_account)

FIELD_TITLES = {
    "full_name": "полное наименование", "inn": "ИНН", "kpp": "КПП", "legal_address": "юридический адрес",
    "bank_name": "банк", "bik": "БИК", "settlement_account": "расчётный счёт",
    "corr_account": "корреспондентский счёт", "head_name": "ФИО руководителя",
    "head_position": "должность руководителя", "contract_preamble": "преамбула для договоров",
    "signer_name": "ФИО подписанта", "signer_position": "должность подписанта",
}
BANK_FIELDS = ("bank_name", "bik", "settlement_account", "corr_account")
INVOICE_FIELDS = ("full_name", "inn", "kpp", "legal_address", *BANK_FIELDS, "head_name", "head_position")
CONTRACT_FIELDS = (*INVOICE_FIELDS, "contract_preamble")
CUSTOMER_FIELDS = ("full_name", "inn", "kpp", "legal_address", "head_name", "head_position")  # a paying employer
ORDER_FIELDS = ("full_name", "signer_name", "signer_position")
_WHOSE = {OrgKind.COK: "ЦОК", OrgKind.EMPLOYER: "работодателя", OrgKind.VENUE: "площадки", OrgKind.SPK: "СПК"}
# The head signs contracts and invoices; the signer («подписант») signs orders. Each stands in
# for the other when only one is filled in.
_STAND_IN = {"head_name": "signer_name", "head_position": "signer_position",
             "signer_name": "head_name", "signer_position": "head_position"}
PASSPORT_TITLES = {"passport_series": "серия паспорта", "passport_number": "номер паспорта",
                   "passport_issued_by": "кем выдан паспорт", "passport_issue_date": "дата выдачи паспорта"}


def profile_value(org: Organisation, name: str) -> str:
    """A profile field, stripped; the head and the signer stand in for each other."""
    value = (getattr(org, name) or "").strip()
    if not value and name in _STAND_IN:
        value = (getattr(org, _STAND_IN[name]) or "").strip()
    return value


def require_profile(org: Organisation, fields: tuple[str, ...]) -> None:
    """Refuse (in Russian, naming every gap) unless `org`'s profile holds `fields` and they are valid."""
    whose = _WHOSE.get(OrgKind(org.kind), "организации")
    inn = profile_value(org, "inn")
    needed = [f for f in fields if f != "kpp" or len(inn) != 12]  # an ИП has no КПП
    missing = [FIELD_TITLES[f] for f in needed if not profile_value(org, f)]
    if missing:
        raise ValidationError(f"Заполните в профиле {whose}: {', '.join(missing)}.")
    try:
        validate_inn(inn)
        if "kpp" in needed:
            validate_kpp(org.kpp)
        if "bik" in fields:
            validate_bik(org.bik)
            validate_settlement_account(org.settlement_account, org.bik)
            validate_correspondent_account(org.corr_account, org.bik)
    except ValidationError as ex:
        raise ValidationError(f"Исправьте в профиле {whose}: {ex.message}.") from ex


def _contacts(phone: str | None, email: str | None) -> str:
    """«Тел. +7 (495) 640-25-70, эл. почта info@cok-ot.ru» (either part may be absent)."""
    return upper_first(", ".join(part for part in (phone and f"тел. {phone}", email and f"эл. почта {email}")
                                 if part))


@dataclass
class Party:
    """One side of a document: how it is named, its requisites block and who signs for it."""

    name: str
    requisites: list[str]
    signer_position: str = ""
    signer_name: str = ""
    inn: str = ""
    address: str = ""
    is_person: bool = False
    name_parts: tuple[str, str, str] = ("", "", "")
    passport: str = ""
    authority: str = ""  # the document the signer acts on («Устав», «доверенность № …»)


def organisation_party(org: Organisation) -> Party:
    """An organisation as a party: full name, ИНН/КПП, ОГРН, addresses, bank, contacts, head."""
    inn, kpp = profile_value(org, "inn"), profile_value(org, "kpp")
    lines = [f"ИНН {inn}" + (f", КПП {kpp}" if kpp else "")]
    if org.ogrn:
        lines.append(f"{'ОГРНИП' if len(org.ogrn) == 15 else 'ОГРН'} {org.ogrn}")
    lines.append(f"Юридический адрес: {org.legal_address}")
    actual = (org.actual_address or "").strip()
    if actual and not org.actual_same_as_legal and actual != org.legal_address:
        lines.append(f"Фактический адрес: {actual}")
    if org.settlement_account:
        lines.append(f"Р/с {org.settlement_account} в {org.bank_name}")
        lines.append(f"БИК {org.bik}, к/с {org.corr_account}")
    contacts = _contacts(org.phone, org.email)
    if contacts:
        lines.append(contacts)
    return Party(name=org.full_name, requisites=lines, signer_position=profile_value(org, "head_position"),
                 signer_name=profile_value(org, "head_name"), inn=inn, address=org.legal_address or "",
                 authority=(org.authority_document or "").strip() or "Устав")


def place_address(org: Organisation) -> str:
    """Where the organisation actually is (a venue's address for candidates): actual, else legal."""
    actual = "" if org.actual_same_as_legal else (org.actual_address or "").strip()
    return actual or (org.legal_address or "").strip()


def paying_employer(application: Application) -> Organisation | None:
    """The employer that pays for this application, or None when the applicant pays."""
    return application.employer if application.payer == PAYER_EMPLOYER and application.employer_id else None


def candidate_name(application: Application) -> str:
    """The applicant's ФИО as the application recorded it (the account's name for old drafts)."""
    return (application.full_name or application.applicant.full_name or "").strip()


def _as_date_text(value: object) -> str:
    try:
        return date_digits(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def applicant_data(application: Application) -> dict:
    """The application's snapshot of the cabinet (`core.services.applicant_profile.snapshot`: flat
    keys named like `ApplicantProfile` fields, plus email and phone) — what the ЦОК reviewed."""
    try:
        data = json.loads(application.personal_data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def person_party(application: Application) -> Party:
    """The applicant paying for themself: ФИО, passport, registration address, contacts."""
    data = applicant_data(application)
    full_name = candidate_name(application)
    missing = [title for key, title in PASSPORT_TITLES.items() if not str(data.get(key) or "").strip()]
    if not full_name:
        missing.insert(0, "ФИО")
    if missing:
        raise ValidationError("Для договора не хватает данных соискателя: " + ", ".join(missing)
                              + ". Верните заявление на доработку, чтобы соискатель их заполнил.")
    passport = (f"паспорт серия {data['passport_series']} № {data['passport_number']}, выдан "
                f"{data['passport_issued_by']} {_as_date_text(data['passport_issue_date'])}")
    if data.get("passport_division_code"):
        passport += f", код подразделения {data['passport_division_code']}"
    address = str(data.get("registration_address") or "").strip()
    lines = [upper_first(passport)]
    if address:
        lines.append(f"Адрес регистрации: {address}")
    if application.snils:
        lines.append(f"СНИЛС {format_snils(application.snils)}")
    lines.append(_contacts(data.get("phone") or application.applicant.phone,
                           data.get("email") or application.applicant.email))
    parts = full_name.split(maxsplit=2) + ["", ""]
    return Party(name=full_name, requisites=lines, signer_name=full_name, address=address, is_person=True,
                 name_parts=(parts[0], parts[1], parts[2]), passport=passport)

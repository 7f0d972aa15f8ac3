"""«Ваш профиль» and «Ваша подпись» of a ЦОК or a venue: data every generated document uses.

Contacts, requisites, signer and the contract preamble are typed once here and flow into
contracts, invoices and orders (seed 002 «Управление данными для генерируемых документов»).
Requisites carry check digits, so a typo is caught now rather than on a paid invoice. A
field may stay empty while the profile is being filled in; `missing_for_documents` tells
the page what the documents still lack.
"""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import cv2
import numpy as np

from core.db import write_transaction
from core.documents.parties import CONTRACT_FIELDS, FIELD_TITLES, ORDER_FIELDS, profile_value
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import Organisation, User
from core.services.applicant_profile import Checker, is_checked
from core.uploads import PNG, image_size
from core.validators import (validate_bik, validate_correspondent_account, validate_email, validate_inn,
                             validate_kpp, validate_ogrn, validate_person_name_part, validate_phone,
                             validate_settlement_account)

if TYPE_CHECKING:
    from core.blobstore import BlobStore

# Text fields of the profile: form name → (label, maximum length).
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "full_name": ("Полное наименование организации", 500),
    "short_name": ("Краткое наименование", 200),
    "legal_address": ("Юридический адрес", 1000),
    "actual_address": ("Фактический адрес", 1000),
    "bank_name": ("Банк", 300),
    "head_position": ("Должность руководителя", 200),
    "authority_document": ("Документ, на основании которого действует руководитель", 300),
    "signer_position": ("Должность подписанта", 200),
    "contract_preamble": ("Преамбула для договоров", 2000),
}
PERSON_FIELDS: dict[str, str] = {
    "head_name": "ФИО руководителя",
    "signer_name": "ФИО подписанта",
    "accountant_name": "ФИО главного бухгалтера",
    "contact_name": "Контактное лицо",
}
REQUIRED_FIELDS = ("full_name", "short_name")
BANK_FIELDS = ("bank_name", "bik", "settlement_account", "corr_account")
PROFILE_FIELDS = (*TEXT_FIELDS, *PERSON_FIELDS, "phone", "email", "website", "inn", "kpp", "ogrn", "bik",
                  "settlement_account", "corr_account", "actual_same_as_legal")

_WEBSITE = re.compile(r"https?://[a-z0-9а-яё-]+(\.[a-z0-9а-яё-]+)+(:[0-9]{1,5})?(/[^\s]*)?", re.IGNORECASE)


def own_organisation(actor: User) -> Organisation:
    """The actor's organisation with every column (the session loads only a few)."""
    if not actor.is_staff or not actor.organisation_id:
        raise PermissionDeniedError("Профиль организации доступен только её сотрудникам.")
    found = Organisation.get_or_none(Organisation.id == actor.organisation_id)
    if found is None:
        raise NotFoundError("Организация не найдена.")
    return found


def _require_own(actor: User, organisation: Organisation) -> None:
    if not actor.is_staff or actor.organisation_id != organisation.id or not actor.is_active:
        raise PermissionDeniedError("Изменять профиль может только сотрудник этой организации.")


def _text(value: str, field: str) -> str | None:
    label, limit = TEXT_FIELDS[field]
    value = " ".join(value.split()) if field != "contract_preamble" else value.strip()
    if len(value) > limit:
        raise ValidationError(f"{label}: не более {limit} символов (введено {len(value)}).", field=field)
    return value or None


def _person(value: str, field: str) -> str | None:
    if not value.strip():
        return None
    try:
        name = validate_person_name_part(value, "full_name")
    except ValidationError as ex:
        raise ValidationError(ex.message.replace("ФИО", PERSON_FIELDS[field], 1), field=field) from None
    if len(name.split()) < 2:
        raise ValidationError(f"{PERSON_FIELDS[field]}: укажите фамилию, имя и отчество (если есть).", field=field)
    return name[:200]


def _website(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    if len(value) > 200 or not _WEBSITE.fullmatch(value):
        raise ValidationError("Веб-сайт указан неверно: ожидается адрес вида https://example.ru", field="website")
    return value


def _optional(clean: Callable[[str], str], value: str) -> str | None:
    return clean(value) if value.strip() else None


def clean_requisites(form: dict[str, str], check: Checker) -> dict[str, str | None]:
    """ИНН, КПП and ОГРН agree with each other: an organisation has a КПП, an ИП has none."""
    inn = check(_optional, lambda v: validate_inn(v, field="inn"), form.get("inn", ""))
    kpp = check(_optional, lambda v: validate_kpp(v, field="kpp"), form.get("kpp", ""))
    ogrn = check(_optional, lambda v: validate_ogrn(v, field="ogrn"), form.get("ogrn", ""))
    if inn and len(inn) == 10:
        if "kpp" not in check.errors and not kpp:
            check.add("kpp", "Для организации (ИНН из 10 цифр) укажите КПП.")
        if ogrn and len(ogrn) != 13:
            check.add("ogrn", "Для организации (ИНН из 10 цифр) укажите ОГРН из 13 цифр.")
    elif inn and len(inn) == 12:
        if kpp:
            check.add("kpp", "У индивидуального предпринимателя (ИНН из 12 цифр) нет КПП: оставьте поле пустым.")
        if ogrn and len(ogrn) != 15:
            check.add("ogrn", "Для индивидуального предпринимателя укажите ОГРНИП из 15 цифр.")
    return {"inn": inn, "kpp": kpp, "ogrn": ogrn}


def _bank(form: dict[str, str], check: Checker) -> dict[str, str | None]:
    """Bank requisites go together; both accounts are checked against the БИК's control key."""
    values = {f: form.get(f, "").strip() for f in BANK_FIELDS}
    if not any(values.values()):
        return dict.fromkeys(BANK_FIELDS)
    out = {"bank_name": check(_text, values["bank_name"], "bank_name")}
    if not out["bank_name"] and "bank_name" not in check.errors:
        check.add("bank_name", "Укажите наименование банка (заполнены другие банковские реквизиты).")
    out["bik"] = check(validate_bik, values["bik"], field="bik")
    if out["bik"]:
        out["settlement_account"] = check(validate_settlement_account, values["settlement_account"], out["bik"],
                                          field="settlement_account")
        out["corr_account"] = check(validate_correspondent_account, values["corr_account"], out["bik"],
                                    field="corr_account")
    return out


def clean_profile(form: dict[str, str]) -> dict[str, object]:
    """Check every field of the profile form; raise `FormErrors` with all mistakes at once."""
    check = Checker()
    cleaned: dict[str, object] = {}
    for field in TEXT_FIELDS:
        if field not in BANK_FIELDS:
            cleaned[field] = check(_text, form.get(field, ""), field)
    for field in REQUIRED_FIELDS:
        if field not in check.errors and not cleaned.get(field):
            check.add(field, f"{TEXT_FIELDS[field][0]}: значение не указано.")
    for field in PERSON_FIELDS:
        cleaned[field] = check(_person, form.get(field, ""), field)
    cleaned["phone"] = check(_optional, validate_phone, form.get("phone", ""))
    cleaned["email"] = check(_optional, validate_email, form.get("email", ""))
    cleaned["website"] = check(_website, form.get("website", ""))
    cleaned.update(clean_requisites(form, check))
    cleaned.update(_bank(form, check))
    cleaned["actual_same_as_legal"] = is_checked(form.get("actual_same_as_legal"))
    if cleaned["actual_same_as_legal"]:
        cleaned["actual_address"] = cleaned.get("legal_address")
    check.raise_if_any()
    return cleaned


def update_profile(actor: User, organisation: Organisation, form: dict) -> Organisation:
    """Save the profile of the actor's own organisation (Администратор or Оператор).

    Raises `FormErrors` (every wrong field with its message) and saves nothing if any
    field is wrong; the audit log records which fields changed.
    """
    _require_own(actor, organisation)
    cleaned = clean_profile({k: str(v) for k, v in form.items()})
    with write_transaction():
        for field, value in cleaned.items():
            setattr(organisation, field, value)
        organisation.save()
    return organisation


def profile_form(organisation: Organisation) -> dict[str, str]:
    """The organisation as the profile form shows it."""
    form = {f: str(getattr(organisation, f) or "") for f in PROFILE_FIELDS if f != "actual_same_as_legal"}
    form["actual_same_as_legal"] = "on" if organisation.actual_same_as_legal else ""
    return form


def missing_for_documents(organisation: Organisation) -> list[str]:
    """What the contract, invoice and order still lack (the profile page's hint), as billing counts it."""
    is_ip = len(profile_value(organisation, "inn")) == 12
    needed = dict.fromkeys((*CONTRACT_FIELDS, *ORDER_FIELDS))
    missing = [FIELD_TITLES[f] for f in needed if not (f == "kpp" and is_ip) and not profile_value(organisation, f)]
    if not organisation.facsimile_digest:
        missing.append("факсимиле подписи (раздел «Ваша подпись»)")
    return missing


# --- facsimile --------------------------------------------------------------------------------

DATA_URL_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_SIGNATURE_SIDE = 4000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def signature_png(data_url: str, field: str = "signature") -> bytes:
    """Decode a drawn signature sent as a PNG data URL and check it is a real, non-blank PNG.

    The browser's word is not trusted: the bytes must be a PNG of sane size (read from the
    header before decoding), decode as one, and hold at least one visible stroke. Shared by
    organisations and experts.
    """
    text = (data_url or "").strip()
    if not text:
        raise ValidationError("Нарисуйте подпись в поле ниже и нажмите «Сохранить».", field=field)
    if not text.startswith(DATA_URL_PREFIX):
        raise ValidationError("Подпись должна быть изображением PNG, нарисованным на этой странице.", field=field)
    if len(text) > (MAX_SIGNATURE_BYTES * 4) // 3 + len(DATA_URL_PREFIX) + 4:
        raise ValidationError("Изображение подписи слишком большое (не более 512 КБ).", field=field)
    try:
        png = base64.b64decode(text[len(DATA_URL_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("Изображение подписи повреждено: повторите рисование.", field=field) from None
    if not png.startswith(PNG_MAGIC):
        raise ValidationError("Подпись должна быть изображением PNG, нарисованным на этой странице.", field=field)
    size = image_size(png, PNG)
    if size is None or max(size) > MAX_SIGNATURE_SIDE or min(size) < 20:
        raise ValidationError("Изображение подписи имеет недопустимый размер.", field=field)
    pixels = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.dtype != np.uint8:
        raise ValidationError("Изображение подписи повреждено: повторите рисование.", field=field)
    if pixels.ndim == 2:
        ink = pixels < 200
    else:
        ink = pixels[..., :3].min(axis=2) < 200
        if pixels.shape[2] == 4:
            ink &= pixels[..., 3] > 32
    if not ink.any():
        raise ValidationError("Подпись пустая: нарисуйте её в поле ниже.", field=field)
    return png


def save_facsimile(actor: User, organisation: Organisation, blobs: "BlobStore", data_url: str) -> str:
    """Store the signer's drawn facsimile (PNG, encrypted blob) and point the profile at it."""
    _require_own(actor, organisation)
    png = signature_png(data_url)
    ref = blobs.put(png)
    with write_transaction():
        organisation.facsimile_digest = ref.digest
        organisation.save()
    return ref.digest


def remove_facsimile(actor: User, organisation: Organisation) -> None:
    """Forget the facsimile (the blob stays: documents already signed with it refer to it)."""
    _require_own(actor, organisation)
    with write_transaction():
        organisation.facsimile_digest = None
        organisation.save()

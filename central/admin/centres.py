"""«ЦОК и площадки»: the СПК's register of ЦОК and venues, their appliances, enrolment and refusals.

A ЦОК belongs to the СПК (`parent`), a venue to its ЦОК. Requisites are checked by their control
digits (core/validators.py) before anything is stored: they end up on certificates and in НАРК.
The plain enrolment code exists only in the answer to «Выдать код подключения»; the registry keeps
its hash (central.enrolment).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from central import revisions
from central.admin import scope
from central.admin.forms import Checker, clean_text, flag, person_name
from central.models import Appliance, ApplianceStatus, EnrolmentCode, RefusedBundle
from central.services.paging import Page, paginate
from core.db import write_transaction
from core.exceptions import ValidationError
from core.models import Organisation, OrgKind, User
from core.models.organisations import _now
from core.services.organisations import clean_requisites

PAGE_SIZE = 20
OFFLINE_AFTER = dt.timedelta(hours=1)
CENTRE_FIELDS = ("full_name", "short_name", "inn", "kpp", "ogrn", "registry_number", "legal_address", "head_name")
KIND_TITLES = {OrgKind.COK.value: "ЦОК", OrgKind.VENUE.value: "Площадка"}


@dataclass
class ApplianceView:
    """An appliance as the list shows it: «Последняя связь» older than an hour is highlighted."""

    appliance: Appliance
    offline: bool

    @property
    def status_title(self) -> str:
        return ApplianceStatus.TITLES.get(self.appliance.status, self.appliance.status)


@dataclass
class CokCard:
    """One ЦОК of the list with its venues and the appliances of each."""

    cok: Organisation
    venues: list[Organisation]
    appliances: dict[int, list[ApplianceView]]


def is_offline(appliance: Appliance, now: dt.datetime | None = None) -> bool:
    """An active appliance silent for more than an hour (or never heard from since enrolment)."""
    if not appliance.is_active:
        return False
    seen = appliance.last_contact_at or appliance.enrolled_at
    return seen is None or (now or _now()) - seen > OFFLINE_AFTER


def list_centres(spk: Organisation, query: str = "", page: int = 1,
                 now: dt.datetime | None = None) -> tuple[Page, list[CokCard]]:
    """One page of the СПК's ЦОК (search by name or ИНН), each with venues and appliances (three queries)."""
    coks = scope.coks_of(spk)
    text = " ".join(query.split())
    if text:
        matching_venues = scope.venues_of(spk).where(Organisation.full_name.contains(text)
                                                     | Organisation.short_name.contains(text)
                                                     | (Organisation.inn == text)).select(Organisation.parent)
        coks = coks.where(Organisation.full_name.contains(text) | Organisation.short_name.contains(text)
                          | (Organisation.inn == text) | (Organisation.registry_number == text)
                          | Organisation.id.in_(matching_venues))
    result = paginate(coks.order_by(Organisation.short_name, Organisation.id), page, PAGE_SIZE)
    cok_ids = [c.id for c in result.rows]
    venues: dict[int, list[Organisation]] = {i: [] for i in cok_ids}
    if cok_ids:
        for venue in (Organisation.select().where((Organisation.kind == OrgKind.VENUE.value)
                                                  & Organisation.parent.in_(cok_ids))
                      .order_by(Organisation.short_name, Organisation.id)):
            venues[venue.parent_id].append(venue)
    org_ids = cok_ids + [v.id for vs in venues.values() for v in vs]
    appliances: dict[int, list[ApplianceView]] = {i: [] for i in org_ids}
    if org_ids:
        for appliance in (Appliance.select().where(Appliance.organisation.in_(org_ids))
                          .order_by(Appliance.status, Appliance.title, Appliance.id)):
            appliances[appliance.organisation_id].append(ApplianceView(appliance, is_offline(appliance, now)))
    cards = [CokCard(c, venues[c.id], appliances) for c in result.rows]
    return result, cards


def appliances_for(org: Organisation, now: dt.datetime | None = None) -> list[ApplianceView]:
    return [ApplianceView(a, is_offline(a, now)) for a in
            Appliance.select().where(Appliance.organisation == org).order_by(Appliance.status, Appliance.title)]


def venues_for(cok: Organisation) -> list[Organisation]:
    return list(Organisation.select().where((Organisation.kind == OrgKind.VENUE.value) & (Organisation.parent == cok))
                .order_by(Organisation.short_name, Organisation.id))


def pending_codes(org: Organisation, now: dt.datetime | None = None) -> list[EnrolmentCode]:
    """Codes issued for the organisation, not used and not expired (only their titles and expiry)."""
    return list(EnrolmentCode.select().where((EnrolmentCode.organisation == org) & EnrolmentCode.used_at.is_null()
                                             & (EnrolmentCode.expires_at > (now or _now())))
                .order_by(EnrolmentCode.expires_at))


# --- ЦОК and venue form ---------------------------------------------------------------------------

def centre_form(org: Organisation) -> dict[str, str]:
    form = {f: str(getattr(org, f) or "") for f in CENTRE_FIELDS}
    form["parent"] = str(org.parent_id or "")
    form["is_active"] = "on" if org.is_active else ""
    return form


def clean_centre(spk: Organisation, kind: str, form: dict[str, str], org: Organisation | None = None) -> dict:
    """Check the «ЦОК» / «Площадка» form; raise `FormErrors` with every wrong field at once."""
    check = Checker()
    is_cok = kind == OrgKind.COK.value
    cleaned: dict[str, object] = {
        "full_name": check(clean_text, form.get("full_name", ""), "full_name", "Полное наименование", 500,
                           required=True),
        "short_name": check(clean_text, form.get("short_name", ""), "short_name", "Краткое наименование", 200,
                            required=True),
        "legal_address": check(clean_text, form.get("legal_address", ""), "legal_address",
                               "Юридический адрес" if is_cok else "Адрес площадки", 1000, required=True),
        "head_name": check(person_name, form.get("head_name", ""), "head_name", "ФИО руководителя",
                           required=is_cok),
    }
    cleaned.update(clean_requisites(form, check))
    if is_cok and not cleaned.get("inn") and "inn" not in check.errors:
        check.add("inn", "ИНН ЦОК: значение не указано (он передаётся в НАРК вместе с результатами).")
    if is_cok:
        cleaned["registry_number"] = check(clean_text, form.get("registry_number", ""), "registry_number",
                                           "Регистрационный номер ЦОК в реестре", 64, required=True)
        if cleaned["inn"]:
            same = scope.coks_of(spk).where(Organisation.inn == cleaned["inn"])
            if org is not None:
                same = same.where(Organisation.id != org.id)
            if same.exists():
                check.add("inn", "ЦОК с таким ИНН уже есть в реестре СПК.")
    else:
        cleaned["registry_number"] = None
        parent = (form.get("parent") or "").strip()
        cok = scope.coks_of(spk).where(Organisation.id == int(parent)).first() if parent.isdigit() else None
        if cok is None:
            check.add("parent", "Выберите ЦОК, к которому относится площадка.")
        cleaned["parent"] = cok
    if org is not None:
        cleaned["is_active"] = flag(form.get("is_active"))
    check.raise_if_any()
    return cleaned


def create_centre(spk: Organisation, kind: str, form: dict[str, str]) -> Organisation:
    """Add a ЦОК (parent = the СПК) or a venue (parent = one of its ЦОК)."""
    if kind not in KIND_TITLES:
        raise ValidationError("Можно добавить только ЦОК или площадку.")
    cleaned = clean_centre(spk, kind, form)
    if kind == OrgKind.COK.value:
        cleaned["parent"] = spk
    with write_transaction():
        org = Organisation.create(kind=kind, **cleaned)
        revisions.bump(f"{KIND_TITLES[kind]} добавлен(а): {org.short_name}")
    return org


def update_centre(spk: Organisation, org: Organisation, form: dict[str, str]) -> Organisation:
    org = scope.get_centre(spk, org.id)
    cleaned = clean_centre(spk, org.kind, form, org)
    if org.kind == OrgKind.COK.value:
        cleaned.pop("parent", None)
    with write_transaction():
        for field, value in cleaned.items():
            setattr(org, field, value)
        org.save()
        revisions.bump(f"{KIND_TITLES[org.kind]} изменён(а): {org.short_name}")
    return org


# --- appliances -----------------------------------------------------------------------------------

def issue_enrolment_code(spk: Organisation, org: Organisation, title: str, user: User) -> tuple[str, EnrolmentCode]:
    """«Выдать код подключения»: the plain code (shown once) and the stored row (its hash, expiry)."""
    from central import enrolment

    org = scope.get_centre(spk, org.id)
    if not org.is_active:
        raise ValidationError("Организация отключена: включите её, прежде чем подключать комплекс.", field="title")
    title = clean_text(title, "title", "Название комплекса", 200, required=True)
    with write_transaction():
        code = enrolment.issue_code(org, title, user)
        row = (EnrolmentCode.select().where(EnrolmentCode.organisation == org)
               .order_by(EnrolmentCode.id.desc()).first())
    return code, row


def revoke_appliance(spk: Organisation, appliance: Appliance, reason: str, user: User) -> Appliance:
    """«Отозвать»: the registry stops admitting its key and refuses its bundles from now on."""
    from central import enrolment

    appliance = scope.get_appliance(spk, appliance.id)
    if not appliance.is_active:
        raise ValidationError("Комплекс уже отозван.", field="reason")
    reason = clean_text(reason, "reason", "Причина отзыва", 1000, required=True)
    with write_transaction():
        enrolment.revoke(appliance, reason, user)
    return Appliance.get_by_id(appliance.id)


def refused_bundles(spk: Organisation, page: int = 1) -> Page:
    """«Журнал отказов»: bundles refused from the СПК's appliances, newest first."""
    query = (RefusedBundle.select(RefusedBundle, Appliance).join(Appliance)
             .where(Appliance.organisation.in_(scope.centre_ids(spk)))
             .order_by(RefusedBundle.received_at.desc(), RefusedBundle.id.desc()))
    return paginate(query, page, 50)


def human_size(size: int) -> str:
    """«512 Б», «3,4 КБ», «7,0 МБ»."""
    if size < 1024:
        return f"{size} Б"
    for unit, power in (("КБ", 1), ("МБ", 2), ("ГБ", 3)):
        value = size / 1024 ** power
        if value < 1024 or unit == "ГБ":
            return f"{value:.1f} {unit}".replace(".", ",")
    return f"{size} Б"

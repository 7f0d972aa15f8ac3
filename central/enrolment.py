"""Подключение комплексов к реестру: one-time codes, the enrolment exchange, revocation.

The СПК issues a code for one ЦОК or venue; the code itself is never stored nor sent: the registry
keeps its id (a hash) and the MAC key derived from it. The appliance sends the id and proves it knows
the code with an HMAC over its public keys, the registry answers with its own keys under an HMAC by
the same key (docs/federation.md), and
pins the appliance's keys (`Appliance`). Failed attempts are written to the audit log, which also
serves as the per-address throttle shared by every web worker.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import peewee

from central.bootstrap import load_registry_keys
from central.models import Appliance, ApplianceStatus, EnrolmentCode
from core import audit
from core.audit import AuditRecord
from core.bundle import APPLIANCE_ID_RE
from core.context import Services
from core.db import is_sqlite, write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import Organisation, OrgKind, User
from core.models.organisations import _now
from federation import protocol
from federation.keys import ROLE_APPLIANCE, KeyStoreError, PublicKeys

# No 0/O, 1/I/L, 5/S, 8/B: a code read aloud over the phone or copied from paper stays unambiguous.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXYZ234679"
CODE_LENGTH = 16
MAX_HOURS = 24 * 30
REQUEST_FIELDS = frozenset({"appliance_id", "title", "keys", "code_id", "mac"})
FAILED_ACTION = "enrol_refused"
THROTTLE_ATTEMPTS = 10
THROTTLE_WINDOW = dt.timedelta(minutes=15)


def format_code(raw: str) -> str:
    """«ABCDEFGHJKMNPQRT» → «ABCD-EFGH-JKMN-PQRT»."""
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def organisation_spk(org: Organisation | None) -> Organisation | None:
    """The СПК an organisation belongs to (itself for a СПК), walking up ЦОК → СПК, venue → ЦОК → СПК."""
    seen: set[int] = set()
    while org is not None and org.id not in seen:
        if org.kind == OrgKind.SPK.value:
            return org
        seen.add(org.id)
        org = org.parent
    return None


def appliance_cok(org: Organisation) -> Organisation:
    """The ЦОК an appliance works for: its organisation, or the venue's parent ЦОК."""
    if org.kind == OrgKind.VENUE.value and org.parent_id is not None:
        return org.parent
    return org


def _check_scope(org: Organisation, user: User | None) -> None:
    """A СПК user may act only on organisations under their own СПК."""
    if user is None or user.organisation_id is None:
        return
    spk = organisation_spk(org)
    if spk is None or spk.id != user.organisation_id:
        raise NotFoundError("Организация не найдена среди ЦОК и площадок вашего СПК.")


def issue_code(organisation: Organisation, title: str, user: User | None, hours: int = 24) -> str:
    """Create a one-time код подключения for a ЦОК or venue; return it (shown once, then only its hash)."""
    if organisation.kind not in (OrgKind.COK.value, OrgKind.VENUE.value):
        raise ValidationError("Код подключения выдаётся только для ЦОК или экзаменационной площадки.")
    _check_scope(organisation, user)
    title = (title or "").strip()
    if not title:
        raise ValidationError("Укажите название комплекса.", field="title")
    if len(title) > 200:
        raise ValidationError("Название комплекса не длиннее 200 символов.", field="title")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_HOURS:
        raise ValidationError(f"Срок действия кода — от 1 до {MAX_HOURS} часов.", field="hours")
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with write_transaction():
        EnrolmentCode.create(organisation=organisation, code_hash=protocol.code_hash(raw), mac_key=protocol.code_mac_key(raw), title=title,
                             created_by=user, expires_at=_now() + dt.timedelta(hours=hours))
    return format_code(raw)


# --- the exchange --------------------------------------------------------------------------------

def _text(request: dict, name: str, what: str, limit: int) -> str:
    value = request.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"Не указано поле «{name}» ({what}).")
    if len(value) > limit:
        raise ValidationError(f"Поле «{name}» ({what}) длиннее {limit} символов.")
    return value.strip()


def _check_shape(request: Any) -> tuple[str, str, dict, str, str]:
    if not isinstance(request, dict):
        raise ValidationError("Запрос на подключение должен быть JSON-объектом.")
    missing = sorted(REQUEST_FIELDS - set(request))
    if missing:
        raise ValidationError(f"В запросе на подключение нет полей: {', '.join(missing)}.")
    extra = sorted(set(request) - REQUEST_FIELDS)
    if extra:
        raise ValidationError(f"В запросе на подключение лишние поля: {', '.join(extra)}.")
    appliance_id = _text(request, "appliance_id", "идентификатор комплекса", 128)
    if request["appliance_id"] != appliance_id or not APPLIANCE_ID_RE.fullmatch(appliance_id):
        raise ValidationError("Идентификатор комплекса может содержать только латинские буквы, цифры и знаки . _ : - "
                              "и должен начинаться с буквы или цифры.")
    title = _text(request, "title", "название комплекса", 200)
    code = _text(request, "code_id", "идентификатор кода подключения", 64)
    mac = _text(request, "mac", "подтверждение кода", 128)
    keys = request["keys"]
    if not isinstance(keys, dict):
        raise ValidationError("Открытые ключи комплекса должны быть JSON-объектом.")
    return appliance_id, title, keys, code, mac


def _locked_code(db: peewee.Database, code_id: str) -> EnrolmentCode:
    query = EnrolmentCode.select().where(EnrolmentCode.code_hash == code_id)
    if not is_sqlite(db):
        query = query.for_update()  # two requests with one code: the second waits and sees it used
    row = query.first()
    if row is None:
        raise PermissionDeniedError("Код подключения неверен. Проверьте код или получите новый в кабинете СПК.")
    if row.used_at is not None:
        raise PermissionDeniedError("Код подключения уже использован. Получите новый код в кабинете СПК.")
    if row.expires_at <= _now():
        raise PermissionDeniedError("Срок действия кода подключения истёк. Получите новый код в кабинете СПК.")
    return row


def enrol(services: Services, request: Any) -> dict[str, Any]:
    """Check an appliance's enrolment request, pin its keys and return the registry's answer.

    Raises `ValidationError` for a malformed request and `PermissionDeniedError` for a wrong,
    used or expired code or a MAC that does not match; nothing is stored then.
    """
    appliance_id, _title, keys_info, code_id, mac = _check_shape(request)  # the СПК's title for it wins
    registry_keys = load_registry_keys(services.config)
    with write_transaction(services.db):
        row = _locked_code(services.db, code_id)
        try:
            protocol.check_keyed_mac(row.mac_key, ROLE_APPLIANCE, {"appliance_id": appliance_id, "keys": keys_info}, mac)
        except protocol.ProtocolError:
            raise PermissionDeniedError("Подтверждение кода подключения не совпадает: запрос искажён "
                                        "или код введён неверно.") from None
        try:
            keys = PublicKeys.from_info(keys_info)
        except (KeyStoreError, ValueError) as ex:
            raise ValidationError(f"Открытые ключи комплекса неверны: {ex}") from None
        if keys.role != ROLE_APPLIANCE:
            raise ValidationError("Переданы ключи не комплекса, а другой стороны.")
        if Appliance.select().where(Appliance.appliance_id == appliance_id).exists():
            raise ValidationError(f"Комплекс с идентификатором «{appliance_id}» уже подключён к реестру.")
        curve = keys_info["curve_public_key"]
        if Appliance.select().where(Appliance.curve_public_key == curve).exists():
            raise ValidationError("Этот ключ CURVE уже закреплён за другим комплексом.")
        try:
            with write_transaction(services.db):
                appliance = Appliance.create(
                    appliance_id=appliance_id, organisation=row.organisation_id, title=row.title,
                    signing_public_key=keys_info["signing_public_key"],
                    hpke_public_key=keys_info["hpke_public_key"], curve_public_key=curve)
        except peewee.IntegrityError:
            raise ValidationError(f"Комплекс с идентификатором «{appliance_id}» уже подключён к реестру.") from None
        row.used_at = _now()
        row.appliance = appliance
        row.save()
    endpoint = services.config.registry_endpoint or services.config.registry_bind
    info = {"registry_endpoint": endpoint, "keys": registry_keys.public_info()}
    return {**info, "mac": protocol.keyed_mac(row.mac_key, "registry", info)}


# --- throttle ------------------------------------------------------------------------------------

def recent_failures(address: str | None, now: dt.datetime | None = None) -> int:
    """Failed enrolment attempts from `address` within the throttle window."""
    since = (now or _now()) - THROTTLE_WINDOW
    return (AuditRecord.select()
            .where(AuditRecord.action == FAILED_ACTION, AuditRecord.ip == address, AuditRecord.at >= since)
            .count())


def is_throttled(address: str | None) -> bool:
    return recent_failures(address) >= THROTTLE_ATTEMPTS


def record_failure(address: str | None, reason: str, appliance_id: Any = None) -> None:
    """Log a refused enrolment (who tried, why) — the throttle counts these."""
    who = appliance_id if isinstance(appliance_id, str) else None
    audit.record(FAILED_ACTION, "appliance", (who or "")[:64] or None, {"reason": reason[:500]},
                 actor=audit.Actor(None, "комплекс (подключение)", address))


# --- revocation ----------------------------------------------------------------------------------

def revoke(appliance: Appliance, reason: str, user: User | None) -> None:
    """«Отозвать»: the ZAP handler stops admitting the appliance and its bundles are refused."""
    _check_scope(appliance.organisation, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Укажите причину отзыва комплекса.", field="reason")
    if appliance.status == ApplianceStatus.REVOKED:
        raise ValidationError("Комплекс уже отозван.")
    with write_transaction():
        appliance.status = ApplianceStatus.REVOKED
        appliance.revoked_at = _now()
        appliance.revoked_reason = reason[:2000]
        appliance.save()


def find_appliance(appliance_id: str) -> Appliance:
    appliance = Appliance.get_or_none(Appliance.appliance_id == appliance_id)
    if appliance is None:
        raise NotFoundError(f"Комплекс «{appliance_id}» не найден.")
    return appliance

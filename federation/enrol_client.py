"""Подключение устройства к реестру СПК по одноразовому коду (`nok federation enroll`).

The appliance makes its keys (once), POSTs its public keys with an HMAC keyed by the code, and
pins the registry's keys only if the answer carries a valid HMAC by the same code: nobody who does
not know the code can put their keys in between, either way. Nothing is stored unless every check
passed; a re-enrolment replaces the link.
"""
from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from core.bundle import APPLIANCE_ID_RE as APPLIANCE_ID  # what a bundle header accepts
from core.db import write_transaction
from core.exceptions import PermanentError, TransientError, ValidationError
from federation.identity import current_link, default_appliance_id, load_or_create_keys
from federation.keys import ROLE_REGISTRY, KeyStoreError, PublicKeys
from federation.models import OutboxItem, OutboxState, RegistryLink
from federation.protocol import ENROL_PATH, ProtocolError, check_enrol_mac, enrol_request, normalise_code

ENDPOINT = re.compile(r"tcp://[^\s/]+:\d{1,5}")
MAX_ANSWER = 64 * 1024


class EnrolmentError(PermanentError):
    """The registry refused the enrolment or its answer cannot be trusted."""


class RegistryOfflineError(TransientError):
    """The registry's web address does not answer."""


def check_registry_url(value: str) -> str:
    url = (value or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"Адрес реестра «{value}» указан неверно: ожидается http://… или https://…",
                              "registry_url")
    return url


def _post(url: str, body: dict[str, Any], timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            raw = reply.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as ex:
        error = _error_text(ex)
        if 400 <= ex.code < 500:
            raise EnrolmentError(f"Реестр СПК отказал в подключении: {error}") from None
        raise RegistryOfflineError(f"Реестр СПК ответил ошибкой (код {ex.code}): {error}. Повторите позже.") from None
    except (urllib.error.URLError, OSError) as ex:
        reason = getattr(ex, "reason", ex)
        raise RegistryOfflineError(f"Реестр СПК недоступен по адресу {url}: {reason}. Проверьте адрес и связь "
                                   "и повторите команду.") from None
    if len(raw) > MAX_ANSWER:
        raise EnrolmentError("Ответ реестра СПК слишком велик: подключение не выполнено.")
    try:
        answer = json.loads(raw)
    except ValueError:
        raise EnrolmentError("Реестр СПК ответил не в формате JSON: проверьте адрес реестра.") from None
    if not isinstance(answer, dict):
        raise EnrolmentError("Ответ реестра СПК неизвестного вида: подключение не выполнено.")
    return answer


def _error_text(ex: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(ex.read(MAX_ANSWER) or b"{}")
    except (ValueError, OSError):
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    return error.strip() if isinstance(error, str) and error.strip() else f"код ответа {ex.code}"


def _verified_answer(code: str, answer: dict[str, Any]) -> tuple[str, PublicKeys, dict[str, Any]]:
    endpoint, keys = answer.get("registry_endpoint"), answer.get("keys")
    try:
        check_enrol_mac(code, ROLE_REGISTRY, {"registry_endpoint": endpoint, "keys": keys}, answer.get("mac"))
    except (ProtocolError, TypeError, ValueError):
        raise EnrolmentError("Ответ реестра не подтверждён кодом подключения: ключи реестра могли быть "
                             "подменены. Подключение не выполнено.") from None
    if not (isinstance(endpoint, str) and ENDPOINT.fullmatch(endpoint)):
        raise EnrolmentError(f"Реестр сообщил неверный адрес приёма пакетов: {endpoint!r}.")
    try:
        public = PublicKeys.from_info(keys)
    except KeyStoreError as ex:
        raise EnrolmentError(f"Ключи реестра не приняты: {ex}") from None
    if public.role != ROLE_REGISTRY:
        raise EnrolmentError("Реестр прислал ключи не реестра: подключение не выполнено.")
    return endpoint, public, keys


def _store(registry_url: str, appliance_id: str, endpoint: str, keys: dict[str, Any]) -> RegistryLink:
    """Replace the link; a new registry (or a new id) numbers the queue afresh from serial 1."""
    with write_transaction():
        old = current_link()
        same = old is not None and old.appliance_id == appliance_id \
            and old.registry_signing_key == keys["signing_public_key"]
        link = RegistryLink(appliance_id=appliance_id, registry_url=registry_url, registry_endpoint=endpoint,
                            registry_signing_key=keys["signing_public_key"], registry_hpke_key=keys["hpke_public_key"],
                            registry_curve_key=keys["curve_public_key"])
        if same:
            link.next_serial, link.snapshot_version = old.next_serial, old.snapshot_version
            link.snapshot_applied_at, link.settings = old.snapshot_applied_at, old.settings
        else:  # bundles numbered for the old registry were never acknowledged by this one
            for item in OutboxItem.select().where((OutboxItem.state == OutboxState.PENDING)
                                                  & (OutboxItem.serial.is_null(False) | (OutboxItem.offset > 0))):
                item.serial = item.bundle_id = None
                item.offset = 0
                item.save()
        for row in RegistryLink.select():
            row.delete_instance()
        link.save(force_insert=True)
    return link


def enrol(services, *, registry_url: str, code: str, appliance_id: str | None = None, title: str | None = None,
          timeout: float = 15.0) -> RegistryLink:
    """Enrol this appliance with the registry at `registry_url` by the one-time `code`; returns the new link."""
    registry_url = check_registry_url(registry_url)
    if not normalise_code(code or ""):
        raise ValidationError("Укажите код подключения, выданный СПК.", "code")
    keys = load_or_create_keys(services.config)
    existing = current_link()
    appliance_id = (appliance_id or "").strip() or (existing.appliance_id if existing else default_appliance_id(keys))
    if not APPLIANCE_ID.fullmatch(appliance_id):
        raise ValidationError("Идентификатор устройства: латинские буквы, цифры и знаки . _ : - (до 128 знаков), "
                              "начиная с буквы или цифры.", "appliance_id")
    title = (title or "").strip() or f"Устройство {socket.gethostname()}"
    public = keys.public_info()
    body = enrol_request(code, appliance_id=appliance_id, title=title[:200], keys=public)
    answer = _post(registry_url + ENROL_PATH, body, timeout)
    endpoint, _, registry_keys = _verified_answer(code, answer)
    return _store(registry_url, appliance_id, endpoint, registry_keys)

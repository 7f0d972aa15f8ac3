"""A small JSON-over-HTTP client for the НАРК endpoint, on the standard library (urllib).

Why not a third-party client: one POST per record does not justify a dependency. What
matters is the classification of failures: anything that may pass on a later attempt
(no route, refused, reset, timeout, TLS handshake) becomes ``TransientError``; a server
certificate that does not verify is a configuration problem (``ConfigError``). Messages
are Russian and never carry the URL's credentials or the token.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Mapping

from core.exceptions import ConfigError, TransientError, ValidationError

DEFAULT_TIMEOUT = 20.0
MAX_TIMEOUT = 300.0
#: НАРК answers with a small JSON object; anything longer is cut, not buffered.
MAX_ANSWER_BYTES = 1 << 20
NOT_CONFIGURED = "Адрес НАРК не настроен: выгрузите файл и внесите номера вручную."


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach НАРК: the base URL (no trailing slash), the token, the timeout."""

    url: str
    token: str | None
    timeout: float

    def __repr__(self) -> str:  # the token never reaches a log line through repr()
        return f"Endpoint(url={_safe_url(self.url)!r}, token={'***' if self.token else None}, timeout={self.timeout})"


@dataclass(frozen=True)
class Answer:
    """НАРК's answer: the HTTP status and the JSON object of the body (``None`` if not JSON)."""

    status: int
    body: dict[str, Any] | None


def endpoint_from_settings(settings: Mapping[str, Any]) -> Endpoint:
    """Read ``{"url", "token", "timeout"}``; no URL means the СПК files records by hand."""
    url = str(settings.get("url") or "").strip().rstrip("/")
    if not url:
        raise ValidationError(NOT_CONFIGURED, field="url")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("Адрес НАРК должен начинаться с https:// и содержать имя сервера.")
    if parts.query or parts.fragment:
        raise ConfigError("Адрес НАРК не должен содержать параметров запроса (после «?» или «#»).")
    if parts.username or parts.password:
        raise ConfigError("Адрес НАРК не должен содержать имя пользователя и пароль: укажите токен отдельно.")
    token = str(settings.get("token") or "").strip() or None
    if token and parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError("Токен НАРК передаётся только по защищённому соединению: адрес должен начинаться с https://.")
    if token and any(ord(char) < 0x21 or ord(char) > 0x7e for char in token):
        raise ConfigError("Токен НАРК содержит недопустимые символы: допускаются только латинские буквы, "
                          "цифры и знаки без пробелов.")
    raw_timeout = settings.get("timeout")
    try:
        timeout = DEFAULT_TIMEOUT if raw_timeout in (None, "") else float(raw_timeout)
    except (TypeError, ValueError):
        raise ConfigError(f"Время ожидания ответа НАРК «{raw_timeout}» должно быть числом секунд.") from None
    if not 0 < timeout <= MAX_TIMEOUT:
        raise ConfigError(f"Время ожидания ответа НАРК должно быть от 0 до {MAX_TIMEOUT:.0f} с.")
    return Endpoint(url=url, token=token, timeout=timeout)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _safe_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.hostname or "", parts.path, "", ""))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: a POST must not turn into a GET or carry the token to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(endpoint: Endpoint, path: str, body: Mapping[str, Any], headers: Mapping[str, str]) -> Answer:
    """POST ``body`` as UTF-8 JSON to ``endpoint.url + path`` and return the answer, whatever its status.

    Raise ``TransientError`` when no HTTP answer arrived at all.
    """
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    all_headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
                   "User-Agent": "NOK-Platform nark_export"}
    if endpoint.token:
        all_headers["Authorization"] = f"Bearer {endpoint.token}"
    all_headers.update(headers)
    request = urllib.request.Request(endpoint.url + path, data=data, headers=all_headers, method="POST")
    try:
        try:
            with _OPENER.open(request, timeout=endpoint.timeout) as response:
                return Answer(response.status, _json_object(response.read(MAX_ANSWER_BYTES)))
        except urllib.error.HTTPError as ex:
            with ex:
                return Answer(ex.code, _json_object(ex.read(MAX_ANSWER_BYTES)))
    except urllib.error.URLError as ex:
        raise _network_error(ex.reason, endpoint.timeout) from None
    except (OSError, http.client.HTTPException) as ex:
        raise _network_error(ex, endpoint.timeout) from None


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _network_error(reason: object, timeout: float) -> Exception:
    """Turn a network failure into a Russian error; only a bad server certificate is not transient."""
    if isinstance(reason, ssl.SSLCertVerificationError):
        return ConfigError("Сертификат сервера НАРК не прошёл проверку: проверьте адрес НАРК.")
    if isinstance(reason, (TimeoutError, socket.timeout)):
        what = f"истекло время ожидания ответа ({timeout:g} с)"
    elif isinstance(reason, ConnectionRefusedError):
        what = "сервер отклонил соединение"
    elif isinstance(reason, socket.gaierror):
        what = "имя сервера не найдено"
    elif isinstance(reason, (ConnectionResetError, ConnectionAbortedError, http.client.RemoteDisconnected)):
        what = "соединение разорвано"
    elif isinstance(reason, ssl.SSLError):
        what = "не удалось установить защищённое соединение"
    else:
        what = "ошибка сети"
    return TransientError(f"НАРК недоступен: {what}. Отправка будет повторена автоматически.")

"""The station's HTTP client of the appliance API (``/p/video_capture/api/``, see station_api.py).

Errors are sorted by what the station should do about them: an unreachable appliance, a
timeout or a 5xx is a `TransientError` (retry later, keep the spool); a 401/403 is an
`UnauthorisedError` (the token was revoked: keep everything, tell the operator); any other 4xx
is a `RejectedError` carrying the appliance's Russian explanation (the segment is set aside).
Plain urllib: the station needs nothing beyond the standard library to talk HTTP.
"""
from __future__ import annotations

import base64
import errno
import http.client
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from core.exceptions import ConfigError, PermanentError, TransientError

API_PREFIX = "/p/video_capture/api"


class RejectedError(PermanentError):
    """The appliance refused the request (4xx); `status` and the Russian reason are kept."""

    def __init__(self, message: str, status: int, body: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.body = body or {}


class UnauthorisedError(RejectedError):
    """The token is wrong or revoked: nothing is sent until the station is enrolled again."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


def base_url(address: str) -> str:
    """Check and normalise the appliance address the operator typed (http[s]://host[:port])."""
    address = address.strip().rstrip("/")
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("Адрес устройства должен начинаться с http:// или https://, например "
                          "http://192.168.1.10:8080")
    return address


def problem_text(body: dict[str, Any], status: int) -> str:
    """The appliance's Russian explanation, whatever key its error body uses."""
    for key in ("problem", "description", "title", "error", "message"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return f"устройство отклонило запрос (код {status})"


class ApplianceClient:
    """Calls of one enrolled (or enrolling) station."""

    def __init__(self, appliance: str, token: str | None = None, *, timeout: float = 15.0):
        self.base = base_url(appliance) + API_PREFIX
        self.token, self.timeout = token, timeout

    # --- the contract ------------------------------------------------------------------------

    def enrol(self, code: str, public_key: str, address: str | None = None) -> dict[str, Any]:
        payload = {"code": code, "public_key": public_key}
        if address:
            payload["address"] = address
        return self._json("POST", "/enrol", payload).body

    def binding(self) -> dict[str, Any]:
        return self._json("GET", "/binding").body

    def create_recording(self, uuid: str, source: str, label: str, started_at: str) -> None:
        self._json("POST", "/recordings", {"uuid": uuid, "source": source, "label": label, "started_at": started_at})

    def segment_status(self, uuid: str, seq: int) -> tuple[int, bool]:
        """(bytes the appliance holds, whether the segment is stored); nothing yet is (0, False)."""
        try:
            body = self._json("GET", f"/recordings/{uuid}/segments/{seq}/status").body
        except RejectedError as ex:
            if ex.status == 404 and not isinstance(ex, UnauthorisedError):
                return 0, False
            raise
        return int(body.get("received") or 0), bool(body.get("stored"))

    def put_chunk(self, uuid: str, seq: int, manifest: bytes, signature: str, start: int, chunk: bytes,
                  total: int) -> Reply:
        """Send bytes ``start…start+len(chunk)-1`` of the segment file; 200 (more please) or 201 (stored)."""
        headers = {"Content-Type": "application/octet-stream",
                   "X-Segment-Manifest": base64.b64encode(manifest).decode("ascii"),
                   "X-Segment-Signature": signature,
                   "Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{total}"}
        return self._send("PUT", f"/recordings/{uuid}/segments/{seq}", chunk, headers)

    def post_frame(self, jpeg: bytes) -> None:
        self._send("POST", "/frame", jpeg, {"Content-Type": "image/jpeg"})

    # --- transport ---------------------------------------------------------------------------

    def _json(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Reply:
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        return self._send(method, path, data, headers)

    def _send(self, method: str, path: str, data: bytes | None, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Accept": "application/json", **headers})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Reply(response.status, _parse(response.read()))
        except urllib.error.HTTPError as ex:
            body = _parse(ex.read())
            if ex.code in (401, 403):
                raise UnauthorisedError(problem_text(body, ex.code), ex.code, body) from None
            if 400 <= ex.code < 500 and ex.code not in (408, 429):
                raise RejectedError(problem_text(body, ex.code), ex.code, body) from None
            raise TransientError(f"Устройство временно не принимает данные (код {ex.code})") from None
        except (OSError, http.client.HTTPException) as ex:  # refused, reset, timed out, garbled
            reason = _reason(getattr(ex, "reason", ex))
            raise TransientError(f"Устройство недоступно ({urlsplit(self.base).netloc}): {reason}") from None


def _reason(ex: object) -> str:
    """Why the connection failed, in Russian (the OS and urllib say it in English)."""
    if isinstance(ex, ConnectionRefusedError):
        return "соединение отклонено — служба не запущена или порт закрыт"
    if isinstance(ex, (TimeoutError, socket.timeout)):
        return "устройство не ответило вовремя"
    if isinstance(ex, socket.gaierror):
        return "имя узла не найдено"
    if isinstance(ex, (ConnectionResetError, ConnectionAbortedError, http.client.HTTPException)):
        return "соединение прервано"
    if isinstance(ex, OSError) and ex.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "сеть или узел недоступны"
    return "нет связи"


def _parse(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

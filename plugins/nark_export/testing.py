"""``NarkTestServer``: a real HTTP stand-in for the НАРК endpoint, for tests of any package.

НАРК publishes no API, so this server is the executable form of our protocol
(docs/nark-export.md). It runs ``http.server.ThreadingHTTPServer`` on 127.0.0.1 and a free
port in a background thread, checks every request strictly — headers, JSON, the exact set
of keys and their formats — and answers 400 with a Russian ``{"error": ...}`` on any
deviation, so a client that drifts from the format fails its tests. Standard library only.

    with NarkTestServer(token="secret") as nark:
        target = NarkRegistry({"url": nark.url, "token": "secret"})
        receipt = target.export("certificate", "abc", payload)
        assert nark.received[0]["document_id"] == "abc"

Numbers are ``<qualification code>.<8-digit sequence>.<2-digit year>``; a repeated
``Idempotency-Key`` gets the first answer again (200, or 409 with ``conflict_on_repeat``).
``fail_next(n, status)`` answers the next ``n`` requests with that status (``respond_next``
with any status and body), ``reject(document_id, message)`` answers 422 for that record until ``allow(document_id)``.
"""
from __future__ import annotations

import datetime as dt
import http.server
import json
import re
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE = re.compile(r"\d{2}\.\d{5}\.\d{2}")
_NUMBER = re.compile(r"\d{2}\.\d{5}\.\d{2}\.\d{8}\.\d{2}")
_INN = re.compile(r"\d{10}|\d{12}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

_STR, _OPT_STR, _DATE_T, _OPT_DATE = "str", "str|null", "date", "date|null"
SCHEMA: dict[str, Any] = {
    "kind": "kind", "document_id": "key", "is_duplicate": "bool", "duplicate_of": "number|null",
    "issued_on": _OPT_DATE, "valid_until": _OPT_DATE, "full_name": _STR,
    "qualification": {"code": "code", "name": _STR, "level": "level"},
    "cok": {"full_name": _STR, "inn": "inn", "registry_number": _STR},
    "spk": {"full_name": _STR, "inn": "inn"},
    "protocol": {"number": _STR, "date": _DATE_T},
    "exam_date": _DATE_T,
}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it, and the status it answered."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


def schema_errors(value: Any, schema: dict[str, Any] = SCHEMA, prefix: str = "") -> list[str]:
    """Every way ``value`` deviates from the record format (Russian, one line each)."""
    if not isinstance(value, dict):
        return [f"{prefix or 'тело запроса'}: ожидается объект JSON"]
    errors = [f"лишнее поле {prefix}{key}" for key in value if key not in schema]
    for key, rule in schema.items():
        path = f"{prefix}{key}"
        if key not in value:
            errors.append(f"нет поля {path}")
        elif isinstance(rule, dict):
            errors.extend(schema_errors(value[key], rule, f"{path}."))
        elif not _fits(value[key], rule):
            errors.append(f"поле {path}: недопустимое значение {value[key]!r}")
    return errors


def _fits(value: Any, rule: str) -> bool:
    if rule.endswith("|null"):
        return value is None or _fits(value, rule[:-5])
    checks = {
        "str": lambda v: isinstance(v, str) and v.strip() == v and v != "",
        "date": lambda v: isinstance(v, str) and _DATE.fullmatch(v) is not None and _is_date(v),
        "bool": lambda v: isinstance(v, bool),
        "kind": lambda v: v in ("certificate", "conclusion"),
        "key": lambda v: isinstance(v, str) and _KEY.fullmatch(v) is not None,
        "number": lambda v: isinstance(v, str) and _NUMBER.fullmatch(v) is not None,
        "code": lambda v: isinstance(v, str) and _CODE.fullmatch(v) is not None,
        "inn": lambda v: isinstance(v, str) and _INN.fullmatch(v) is not None,
        "level": lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 9,
    }
    return checks[rule](value)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class NarkTestServer:
    """A loopback НАРК endpoint: ``POST {url}/records``; see the module docstring."""

    def __init__(self, token: str | None = None, *, year: int | None = None,
                 conflict_on_repeat: bool = False) -> None:
        #: The token the server demands (``Authorization: Bearer``); ``None`` — none is demanded.
        self.token = token
        #: The 2-digit suffix of assigned numbers: this year unless given.
        self.year = (year if year is not None else dt.date.today().year) % 100
        #: Answer a repeated Idempotency-Key with 409 and the first answer instead of 200.
        self.conflict_on_repeat = conflict_on_repeat
        #: Accepted records (the JSON bodies), each once, in order of acceptance.
        self.received: list[dict[str, Any]] = []
        #: Every request, whatever the answer.
        self.requests: list[RecordedRequest] = []
        #: Idempotency-Key → the first successful answer.
        self.answers: dict[str, dict[str, Any]] = {}
        self._bodies: dict[str, dict[str, Any]] = {}
        self._scripted: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self._rejections: dict[str, str] = {}
        self._sequence = 0
        self._lock = threading.Condition()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- control ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base address to configure (``nark_url``); records go to ``{url}/records``."""
        if self._server is None:
            raise RuntimeError("NarkTestServer is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, n: int = 1, status: int = 503) -> None:
        """Answer the next ``n`` requests with ``status`` and ``{"error": ...}``, before any check."""
        for _ in range(n):
            self.respond_next(status, {"error": f"Сервис временно недоступен (тестовый отказ {status})"})

    def respond_next(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Answer the next request with exactly this status, JSON body and extra headers, before any check."""
        with self._lock:
            self._scripted.append((status, dict(body), dict(headers or {})))

    def reject(self, document_id: str, message: str) -> None:
        """Answer 422 ``{"error": message}`` for this record until ``allow(document_id)``."""
        with self._lock:
            self._rejections[document_id] = message

    def allow(self, document_id: str) -> None:
        with self._lock:
            self._rejections.pop(document_id, None)

    def number_for(self, document_id: str) -> str | None:
        """The registration number assigned to ``document_id``, if accepted."""
        with self._lock:
            answer = self.answers.get(document_id)
            return answer["registration_number"] if answer else None

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Block until ``count`` records are accepted (for tests of a background worker)."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.received) >= count, timeout)

    def start(self) -> NarkTestServer:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="nark-test-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> NarkTestServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- protocol --------------------------------------------------------------------------

    def _answer(self, method: str, path: str, headers: dict[str, str],
                body: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Decide the answer to one request (under the lock): status, JSON body, extra headers."""
        if self._scripted:
            return self._scripted.pop(0)
        status, answer = self._check(method, path, headers, body)
        return status, answer, {}

    def _check(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        if path.rstrip("/") != "/records":
            return 404, {"error": f"Неизвестный адрес {path}"}
        if method != "POST":
            return 405, {"error": "Поддерживается только POST"}
        if self.token is not None and headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"error": "Неверный или отсутствующий токен"}
        problems = _header_problems(headers, len(body))
        if problems:
            return 400, {"error": "; ".join(problems)}
        try:
            record = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, {"error": "Тело запроса — не JSON в UTF-8"}
        problems = schema_errors(record)
        if problems:
            return 400, {"error": "; ".join(problems)}
        key = headers["idempotency-key"]
        if record["document_id"] != key:
            return 400, {"error": "Idempotency-Key не совпадает с document_id"}
        if key in self._rejections:
            return 422, {"error": self._rejections[key]}
        if key in self.answers:
            if self._bodies[key] != record:
                return 409, {"error": "Запись с этим ключом уже принята с другими данными", "document_id": key}
            return (409 if self.conflict_on_repeat else 200), dict(self.answers[key])
        self._sequence += 1
        answer = {"registration_number": f"{record['qualification']['code']}.{self._sequence:08d}.{self.year:02d}",
                  "accepted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  "document_id": key}
        self.answers[key], self._bodies[key] = answer, record
        self.received.append(record)
        self._lock.notify_all()
        return 201, dict(answer)


def _header_problems(headers: dict[str, str], length: int) -> list[str]:
    problems = []
    content_type = headers.get("content-type", "").replace(" ", "").lower()
    if content_type != "application/json;charset=utf-8":
        problems.append("Content-Type должен быть «application/json; charset=utf-8»")
    if "application/json" not in headers.get("accept", ""):
        problems.append("Accept должен включать application/json")
    if not _KEY.fullmatch(headers.get("idempotency-key", "")):
        problems.append("нет заголовка Idempotency-Key или он недопустим")
    if headers.get("content-length") != str(length) or length == 0:
        problems.append("нет тела запроса или неверный Content-Length")
    return problems


def _handler_for(server: NarkTestServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 10 << 20)) if length > 0 else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            with server._lock:
                status, answer, extra = server._answer(self.command, self.path, headers, body)
                server.requests.append(RecordedRequest(self.command, self.path, headers, body, status))
            data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        do_POST = do_GET = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            """Keep test output clean."""

    return Handler

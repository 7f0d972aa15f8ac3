"""Federation transport — доставка пакетов от комплекса в реестр по ZeroMQ.

Following the ZeroMQ guide:

* **Ironhouse.** Both sides use CURVE. The registry's ROUTER is a CURVE server whose ZAP handler
  (``zmq.auth.thread.ThreadAuthenticator``) admits only client keys for which ``is_authorised``
  returns True, so the registry decides from its database; the appliance's DEALER pins the
  registry's public key, so it talks to nobody else. ``ZAP_ENFORCE_DOMAIN`` makes the server fail
  closed should the ZAP handler ever be missing.
* **Lazy pirate.** The client sends a request, polls with a timeout, and on silence closes the
  socket, opens a new one and resends the *same* request id and bytes, up to ``retries`` times.
  The registry must therefore be idempotent (it is: an equal serial is a duplicate, acked again).

Wire frames (after the ROUTER's identity frame)::

    request   [request_id (16 bytes), bundle]
    reply     [request_id, status (b"ok" | b"error"), payload]

``ok`` carries the handler's acknowledgement; ``error`` carries a Russian reason in UTF-8 and is sent
only for a ``PermanentError``. Any other failure of the handler is logged and left unanswered, so the
appliance keeps the bundle in its outbox and resends it later.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Callable

import zmq
from zmq.auth.thread import ThreadAuthenticator

from core.bundle import DEFAULT_MAX_SIZE
from core.exceptions import PermanentError, TransientError

log = logging.getLogger(__name__)

ZAP_DOMAIN = "nok-federation"
STATUS_OK = b"ok"
STATUS_ERROR = b"error"
REQUEST_ID_SIZE = 16
# A frame bigger than this makes libzmq drop the connection before it is buffered.
DEFAULT_MAX_MESSAGE_SIZE = DEFAULT_MAX_SIZE + 1024 * 1024

IsAuthorised = Callable[[str], bool]
Handler = Callable[[bytes, str], bytes]


class RegistryUnreachableError(TransientError):
    """Реестр не ответил после всех повторов; пакет остаётся в очереди и будет отправлен позже."""


class BundleRefusedError(PermanentError):
    """Реестр отказался принять пакет; повторная отправка тех же байт бесполезна."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _key_bytes(key: bytes | str) -> bytes:
    return key.encode("ascii") if isinstance(key, str) else bytes(key)


class _CurveCredentials:
    """The ZAP callback: asks the registry whether a client key is pinned; errors deny."""

    def __init__(self, is_authorised: IsAuthorised):
        self._is_authorised = is_authorised

    def callback(self, domain: str, key: bytes) -> bool:
        z85_key = key.decode("ascii")
        try:
            allowed = self._is_authorised(z85_key) is True
        except Exception:  # fail closed: a broken check must not let anyone in
            log.exception("Проверка ключа клиента %s завершилась ошибкой; доступ запрещён", z85_key)
            return False
        if not allowed:
            log.warning("Отклонено подключение с незакреплённым ключом CURVE %s", z85_key)
        return allowed


class BundleServer:
    """Приёмник пакетов реестра: ROUTER с CURVE, обработчик работает в фоновом потоке."""

    def __init__(
        self,
        endpoint: str,
        *,
        curve_public_key: bytes | str,
        curve_secret_key: bytes | str,
        is_authorised: IsAuthorised,
        handle: Handler,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        poll_interval: float = 0.05,
    ):
        self._endpoint = endpoint
        self._public = _key_bytes(curve_public_key)
        self._secret = _key_bytes(curve_secret_key)
        self._is_authorised = is_authorised
        self._handle = handle
        self._max_message_size = max_message_size
        self._poll_ms = max(1, int(poll_interval * 1000))
        self._context: zmq.Context | None = None
        self._auth: ThreadAuthenticator | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.endpoint: str | None = None  # the bound address, e.g. with the port chosen for ":*"

    def start(self) -> BundleServer:
        if self._thread is not None:
            raise RuntimeError("BundleServer already started")
        context = zmq.Context()
        auth = ThreadAuthenticator(context, log=log.getChild("zap"))
        socket = None
        try:
            auth.start()  # the ZAP handler must exist before the first handshake
            auth.configure_curve_callback(ZAP_DOMAIN, credentials_provider=_CurveCredentials(self._is_authorised))
            socket = context.socket(zmq.ROUTER)
            socket.setsockopt(zmq.LINGER, 0)
            socket.setsockopt(zmq.MAXMSGSIZE, self._max_message_size)
            socket.setsockopt(zmq.ZAP_ENFORCE_DOMAIN, 1)
            socket.zap_domain = ZAP_DOMAIN.encode("ascii")
            socket.curve_server = True
            socket.curve_publickey = self._public
            socket.curve_secretkey = self._secret
            socket.bind(self._endpoint)
            self.endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
        except BaseException:
            if socket is not None:
                socket.close(linger=0)
            auth.stop()
            context.term()
            raise
        self._context, self._auth = context, auth
        self._stopping.clear()
        # The socket is handed over to the worker thread; it is not touched here again.
        self._thread = threading.Thread(
            target=self._serve, args=(socket,), name="nok-bundle-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; closes the socket, stops the authenticator and terminates the context."""
        if self._thread is None:
            return
        self._stopping.set()
        self._thread.join()
        self._thread = None
        assert self._auth is not None and self._context is not None
        self._auth.stop()
        self._context.term()
        self._auth = self._context = None

    def __enter__(self) -> BundleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self, socket: zmq.Socket) -> None:
        try:
            while not self._stopping.is_set():
                if socket.poll(self._poll_ms, zmq.POLLIN):
                    frames = socket.recv_multipart(copy=False)
                    reply = self._process(frames)
                    if reply is not None:
                        socket.send_multipart(reply)
        except Exception:
            log.exception("Приёмник пакетов остановлен из-за ошибки")
        finally:
            socket.close(linger=0)

    def _process(self, frames: list[zmq.Frame]) -> list[bytes] | None:
        if len(frames) != 3 or len(frames[1].bytes) != REQUEST_ID_SIZE:
            log.warning("Отброшено сообщение неверного формата (%d кадров)", len(frames))
            return None
        identity, request_id, bundle = frames[0].bytes, frames[1].bytes, frames[2]
        client_key = bundle.get("User-Id")  # set by the ZAP handler: the client's Z85 CURVE key
        try:
            ack = self._handle(bundle.bytes, client_key)
        except PermanentError as ex:
            log.warning("Пакет от %s отклонён: %s", client_key, ex)
            return [identity, request_id, STATUS_ERROR, str(ex).encode("utf-8")]
        except Exception:
            # Transient or unexpected: no answer, the client resends and the outbox keeps the bundle.
            log.exception("Пакет от %s не обработан; ответ не отправлен", client_key)
            return None
        if not isinstance(ack, (bytes, bytearray, memoryview)):
            log.error("Обработчик пакета вернул %s вместо байтов; ответ не отправлен", type(ack))
            return None
        return [identity, request_id, STATUS_OK, bytes(ack)]


class BundleClient:
    """Отправитель пакетов комплекса: DEALER с CURVE и закреплённым ключом реестра («lazy pirate»)."""

    def __init__(
        self,
        endpoint: str,
        *,
        server_public_key: bytes | str,
        curve_public_key: bytes | str,
        curve_secret_key: bytes | str,
        context: zmq.Context | None = None,
    ):
        self._endpoint = endpoint
        self._server_public = _key_bytes(server_public_key)
        self._public = _key_bytes(curve_public_key)
        self._secret = _key_bytes(curve_secret_key)
        self._own_context = context is None
        self._context = context if context is not None else zmq.Context()
        self._socket: zmq.Socket | None = None

    def send(self, bundle: bytes, *, timeout: float, retries: int) -> bytes:
        """Deliver ``bundle`` and return the registry's acknowledgement.

        The request is sent once and resent up to ``retries`` times (``retries + 1`` attempts),
        each on a fresh socket after ``timeout`` seconds of silence, always with the same request
        id. Raises ``RegistryUnreachableError`` when every attempt went unanswered and
        ``BundleRefusedError`` when the registry refused the bundle.
        """
        if timeout <= 0 or retries < 0:
            raise ValueError("timeout must be positive and retries non-negative")
        if self._context is None:
            raise RuntimeError("BundleClient is closed")
        request = [uuid.uuid4().bytes, bytes(bundle)]
        attempts = retries + 1
        for attempt in range(1, attempts + 1):
            socket = self._connected_socket()
            try:
                socket.send_multipart(request, flags=zmq.NOBLOCK)
            except zmq.Again:
                pass  # nothing queued; the attempt simply times out and is retried
            reply = self._await_reply(socket, request[0], timeout)
            if reply is not None:
                status, payload = reply
                if status == STATUS_OK:
                    return payload
                raise BundleRefusedError(payload.decode("utf-8", "replace"))
            log.warning(
                "Реестр %s не ответил за %.2f с (попытка %d из %d)",
                self._endpoint, timeout, attempt, attempts,
            )
            self._drop_socket()  # lazy pirate: a silent socket is discarded, never reused
        raise RegistryUnreachableError(
            f"Реестр {self._endpoint} не ответил: {attempts} попыток по {timeout:g} с"
        )

    def close(self) -> None:
        self._drop_socket()
        if self._own_context and self._context is not None:
            self._context.term()
        self._context = None

    def __enter__(self) -> BundleClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connected_socket(self) -> zmq.Socket:
        if self._socket is None:
            assert self._context is not None
            socket = self._context.socket(zmq.DEALER)
            socket.setsockopt(zmq.LINGER, 0)
            socket.curve_serverkey = self._server_public
            socket.curve_publickey = self._public
            socket.curve_secretkey = self._secret
            socket.connect(self._endpoint)
            self._socket = socket
        return self._socket

    def _drop_socket(self) -> None:
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None

    def _await_reply(
        self, socket: zmq.Socket, request_id: bytes, timeout: float
    ) -> tuple[bytes, bytes] | None:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not socket.poll(max(1, int(remaining * 1000)), zmq.POLLIN):
                return None
            frames = socket.recv_multipart()
            if len(frames) == 3 and frames[0] == request_id and frames[1] in (STATUS_OK, STATUS_ERROR):
                return frames[1], frames[2]
            log.warning("Отброшен посторонний или повреждённый ответ реестра (%d кадров)", len(frames))

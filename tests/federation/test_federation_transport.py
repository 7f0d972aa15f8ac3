"""Tests of the federation transport over real sockets and real CURVE (federation/transport.py)."""
from __future__ import annotations

import socket
import threading
import time

import pytest
import zmq

from core.bundle import BundleSignatureError, build_bundle, verify_and_open
from core.exceptions import PermanentError, TransientError
from federation.keys import generate_appliance_keys, generate_registry_keys
from federation.transport import (
    BundleClient,
    BundleRefusedError,
    BundleServer,
    RegistryUnreachableError,
)

TIMEOUT = 0.3


def _free_endpoint() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


class Registry:
    """A registry stand-in: pinned keys in a set, a handler that verifies bundles and records calls."""

    def __init__(self):
        self.keys = generate_registry_keys()
        self.pinned: dict[str, object] = {}  # curve key (Z85) -> appliance signing public key
        self.calls: list[tuple[bytes, str]] = []
        self.behaviour = None  # optional override: callable(bundle, client_key) -> bytes

    def pin(self, appliance) -> None:
        self.pinned[appliance.curve.public_z85] = appliance.signing_key.public_key()

    def is_authorised(self, key: str) -> bool:
        return key in self.pinned

    def handle(self, data: bytes, client_key: str) -> bytes:
        self.calls.append((data, client_key))
        if self.behaviour is not None:
            return self.behaviour(data, client_key)
        opened = verify_and_open(
            data,
            signer_public_key=self.pinned[client_key],
            registry_private_key=self.keys.hpke_key,
        )
        return f"ack {opened.header.bundle_id} {opened.header.serial}".encode()

    def server(self, endpoint: str = "tcp://127.0.0.1:*") -> BundleServer:
        return BundleServer(
            endpoint,
            curve_public_key=self.keys.curve.public,
            curve_secret_key=self.keys.curve.secret,
            is_authorised=self.is_authorised,
            handle=self.handle,
        )


@pytest.fixture
def registry():
    return Registry()


@pytest.fixture
def appliance():
    return generate_appliance_keys()


def _client(endpoint, registry, appliance, *, server_key=None) -> BundleClient:
    return BundleClient(
        endpoint,
        server_public_key=server_key or registry.keys.curve.public,
        curve_public_key=appliance.curve.public,
        curve_secret_key=appliance.curve.secret,
    )


def _bundle(registry, appliance, serial=1, parts=None) -> bytes:
    return build_bundle(
        "exam_result",
        "appliance-1",
        serial,
        parts or {"result.json": b'{"score": 42}'},
        appliance.signing_key,
        registry.keys.hpke_key.public_key(),
    )


def test_bundle_travels_verified_and_acknowledged(registry, appliance):
    registry.pin(appliance)
    data = _bundle(registry, appliance, serial=7)
    with registry.server() as server, _client(server.endpoint, registry, appliance) as client:
        assert server.endpoint.startswith("tcp://127.0.0.1:")
        ack = client.send(data, timeout=1.0, retries=1)
        assert ack.startswith(b"ack ") and ack.endswith(b" 7")
        # the client socket is kept after success: a second bundle goes through too
        assert client.send(_bundle(registry, appliance, serial=8), timeout=1.0, retries=0).endswith(b" 8")
    assert [c[0] for c in registry.calls] == [data, registry.calls[1][0]]
    assert {c[1] for c in registry.calls} == {appliance.curve.public_z85}


def test_unpinned_client_is_refused_and_handler_never_called(registry, appliance):
    registry.pin(generate_appliance_keys())  # someone else is pinned
    seen: list[str] = []
    original = registry.is_authorised
    registry.is_authorised = lambda key: seen.append(key) or original(key)
    with registry.server() as server, _client(server.endpoint, registry, appliance) as client:
        with pytest.raises(RegistryUnreachableError) as info:
            client.send(_bundle(registry, appliance), timeout=TIMEOUT, retries=1)
    assert isinstance(info.value, TransientError)
    assert "не ответил" in str(info.value)
    assert registry.calls == []
    assert appliance.curve.public_z85 in seen  # the registry was asked, and said no


def test_authorisation_check_that_raises_fails_closed(registry, appliance):
    registry.pin(appliance)

    def broken(key):
        raise RuntimeError("database is down")

    registry.is_authorised = broken
    with registry.server() as server, _client(server.endpoint, registry, appliance) as client:
        with pytest.raises(RegistryUnreachableError):
            client.send(_bundle(registry, appliance), timeout=TIMEOUT, retries=0)
    assert registry.calls == []


def test_client_with_wrong_server_key_cannot_talk(registry, appliance):
    registry.pin(appliance)
    impostor_key = generate_registry_keys().curve.public
    with registry.server() as server:
        with _client(server.endpoint, registry, appliance, server_key=impostor_key) as client:
            with pytest.raises(RegistryUnreachableError):
                client.send(_bundle(registry, appliance), timeout=TIMEOUT, retries=1)
    assert registry.calls == []


def test_plain_client_without_curve_cannot_talk(registry, appliance):
    registry.pin(appliance)
    with registry.server() as server:
        ctx = zmq.Context()
        try:
            s = ctx.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.connect(server.endpoint)
            s.send_multipart([b"\x00" * 16, _bundle(registry, appliance)])
            assert s.poll(int(TIMEOUT * 1000)) == 0
            s.close()
        finally:
            ctx.term()
    assert registry.calls == []


def test_server_down_then_up_same_call_succeeds(registry, appliance):
    registry.pin(appliance)
    endpoint = _free_endpoint()
    data = _bundle(registry, appliance)
    with _client(endpoint, registry, appliance) as client:
        started = time.monotonic()
        with pytest.raises(RegistryUnreachableError, match="3 попыток"):
            client.send(data, timeout=0.2, retries=2)
        assert time.monotonic() - started >= 0.55  # three attempts of 0.2 s each
        with registry.server(endpoint):
            assert client.send(data, timeout=1.0, retries=1).startswith(b"ack ")
    assert len(registry.calls) == 1


def test_client_recovers_when_server_comes_up_during_retries(registry, appliance):
    registry.pin(appliance)
    endpoint = _free_endpoint()
    server = registry.server(endpoint)
    timer = threading.Timer(0.35, server.start)
    timer.start()
    try:
        with _client(endpoint, registry, appliance) as client:
            ack = client.send(_bundle(registry, appliance), timeout=0.2, retries=8)
        assert ack.startswith(b"ack ")
    finally:
        timer.join()
        server.stop()


def test_unanswered_request_is_resent_with_the_same_bytes(registry, appliance):
    """A transient handler failure leaves the request unanswered; the client resends it."""
    registry.pin(appliance)
    data = _bundle(registry, appliance)
    attempts = []

    def flaky(bundle, client_key):
        attempts.append(bundle)
        if len(attempts) == 1:
            raise TransientError("База данных занята")
        return b"ack"

    registry.behaviour = flaky
    with registry.server() as server, _client(server.endpoint, registry, appliance) as client:
        assert client.send(data, timeout=TIMEOUT, retries=2) == b"ack"
    assert attempts == [data, data]


def test_permanent_error_is_refused_with_russian_reason(registry, appliance):
    registry.pin(appliance)
    other = generate_appliance_keys()  # signs with a key the registry has not pinned
    forged = _bundle(registry, other)
    with registry.server() as server, _client(server.endpoint, registry, appliance) as client:
        with pytest.raises(BundleRefusedError) as info:
            client.send(forged, timeout=1.0, retries=2)
    assert isinstance(info.value, PermanentError)
    assert info.value.reason == str(BundleSignatureError("Подпись пакета неверна или сделана другим ключом"))
    assert len(registry.calls) == 1  # refused once, not retried


def test_custom_permanent_error_reason_travels_verbatim(registry, appliance):
    registry.pin(appliance)

    def refuse(bundle, client_key):
        raise PermanentError("Порядковый номер пакета меньше ожидаемого: 3 < 5")

    registry.behaviour = refuse
    with registry.server() as server, _client(server.endpoint, registry, appliance) as client:
        with pytest.raises(BundleRefusedError, match="Порядковый номер пакета меньше ожидаемого: 3 < 5"):
            client.send(b"anything", timeout=1.0, retries=0)


def test_server_stop_releases_the_port(registry, appliance):
    registry.pin(appliance)
    endpoint = _free_endpoint()
    for _ in range(2):  # binding the same address twice in a row works: the first stop freed it
        with registry.server(endpoint) as server:
            with _client(server.endpoint, registry, appliance) as client:
                assert client.send(_bundle(registry, appliance), timeout=1.0, retries=0)
    assert not any(t.name == "nok-bundle-server" for t in threading.enumerate())


def test_send_argument_checks(registry, appliance):
    with _client(_free_endpoint(), registry, appliance) as client:
        with pytest.raises(ValueError):
            client.send(b"x", timeout=0, retries=1)
        with pytest.raises(ValueError):
            client.send(b"x", timeout=1, retries=-1)

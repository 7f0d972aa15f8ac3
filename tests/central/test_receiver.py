"""The registry's receiver over real ZeroMQ with CURVE on loopback: ZAP from the database, ingestion, worker."""
from __future__ import annotations

import threading

import pytest

from central import enrolment
from central.bootstrap import load_registry_keys
from central.models import CentralResult, ReceivedBundle, RefusedBundle
from central.receiver import is_authorised, make_server
from central.worker import run_worker
from core.testing import free_port
from federation.keys import generate_appliance_keys
from federation.transport import BundleClient, BundleRefusedError, RegistryUnreachableError
from ingest_kit import Sender, read_ack


@pytest.fixture
def server(spk_world):
    services = spk_world.services
    with make_server(services, load_registry_keys(services.config), "tcp://127.0.0.1:*") as running:
        yield running


def _client(world, endpoint: str, curve=None) -> BundleClient:
    curve = curve or world.appliance_keys.curve
    return BundleClient(endpoint, server_public_key=load_registry_keys(world.services.config).curve.public,
                        curve_public_key=curve.public, curve_secret_key=curve.secret)


def test_is_authorised_only_for_active_pinned_keys(spk_world):
    key = spk_world.appliance.curve_public_key
    assert is_authorised(key)
    assert not is_authorised(generate_appliance_keys().curve.public_z85)
    enrolment.revoke(spk_world.appliance, "Списан", None)
    assert not is_authorised(key)


def test_bundle_over_curve_is_stored_and_acknowledged(spk_world, server):
    sender = Sender(spk_world)
    bundle = sender.result(application_id=21)
    with _client(spk_world, server.endpoint) as client:
        ack = read_ack(spk_world.services, client.send(bundle, timeout=10, retries=0), bundle)
        assert ack["status"] == "stored"
        wrong = sender.result(application_id=22, serial=5, appliance_id="someone-else")
        with pytest.raises(BundleRefusedError) as info:
            client.send(wrong, timeout=10, retries=0)
    assert "не совпадает с ключом подключения" in info.value.reason
    assert CentralResult.get().source_application_id == 21 and ReceivedBundle.select().count() == 1
    assert RefusedBundle.get().curve_public_key == spk_world.appliance.curve_public_key


def test_unknown_and_revoked_keys_are_not_admitted(spk_world, server):
    bundle = Sender(spk_world).result()
    with _client(spk_world, server.endpoint, curve=generate_appliance_keys().curve) as stranger:
        with pytest.raises(RegistryUnreachableError):
            stranger.send(bundle, timeout=0.5, retries=0)
    enrolment.revoke(spk_world.appliance, "Ключи скомпрометированы", None)
    with _client(spk_world, server.endpoint) as revoked:
        with pytest.raises(RegistryUnreachableError):
            revoked.send(bundle, timeout=0.5, retries=0)
    assert ReceivedBundle.select().count() == 0
    assert RefusedBundle.select().count() == 0  # never reached the handler


def test_worker_serves_until_stopped(spk_world):
    config = spk_world.services.config
    config.registry_bind = f"tcp://127.0.0.1:{free_port()}"
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(config, stop), kwargs={"interval": 0.1}, daemon=True)
    thread.start()
    try:
        bundle = Sender(spk_world).result(application_id=31)
        with _client(spk_world, config.registry_bind) as client:
            ack = read_ack(spk_world.services, client.send(bundle, timeout=10, retries=2), bundle)
        assert ack["status"] == "stored"
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert CentralResult.get().source_application_id == 31

"""Приёмник пакетов реестра: the ZeroMQ ROUTER (CURVE, ZAP from the database) wired to the `Ingestor`."""
from __future__ import annotations

from central.ingest import Ingestor
from central.ingest import thread_connection
from central.models import Appliance, ApplianceStatus
from core.context import Services
from federation.keys import RegistryKeys
from federation.transport import BundleServer


def is_authorised(curve_key: str) -> bool:
    """The ZAP decision: admit a CURVE key only while an active appliance has it pinned."""
    with thread_connection(Appliance._meta.database):
        return (Appliance.select()
                .where(Appliance.curve_public_key == curve_key, Appliance.status == ApplianceStatus.ACTIVE)
                .exists())


def make_server(services: Services, registry_keys: RegistryKeys, endpoint: str | None = None) -> BundleServer:
    """A not yet started `BundleServer` on `endpoint` (default: `config.registry_bind`)."""
    ingestor = Ingestor(services, registry_keys)
    return BundleServer(endpoint or services.config.registry_bind,
                        curve_public_key=registry_keys.curve.public, curve_secret_key=registry_keys.curve.secret,
                        is_authorised=is_authorised, handle=ingestor.handle)

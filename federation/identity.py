"""Who this appliance is to the registry: its key directory, its keys and its appliance id.

The keys live in ``<data_dir>/federation`` (one file each, mode 0600, `federation.keys`) and are
made once, at the first enrolment; a re-enrolment keeps them, so the appliance id derived from the
signing key stays the same for the registry. The link itself (pinned registry keys, serial
counter) is the one `RegistryLink` row.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from core.config import Config
from federation.keys import (CURVE_PUBLIC_FILE, CURVE_SECRET_FILE, HPKE_KEY_FILE, SIGNING_KEY_FILE,
                             ApplianceKeys, KeyStoreError, generate_appliance_keys)
from federation.models import RegistryLink

KEY_DIR_NAME = "federation"
_KEY_FILES = (SIGNING_KEY_FILE, HPKE_KEY_FILE, CURVE_SECRET_FILE, CURVE_PUBLIC_FILE)


class NotEnrolledError(KeyStoreError):
    """The appliance has no link to a registry yet («nok federation enroll» was not run)."""


def key_dir(config: Config) -> Path:
    return Path(config.data_dir) / KEY_DIR_NAME


def keys_exist(config: Config) -> bool:
    return any((key_dir(config) / name).exists() for name in _KEY_FILES)


def load_or_create_keys(config: Config) -> ApplianceKeys:
    """The appliance's keys; made and saved (0600) when none exist yet, never overwritten."""
    if keys_exist(config):
        return ApplianceKeys.load(key_dir(config))
    keys = generate_appliance_keys()
    keys.save(key_dir(config))
    return keys


def load_keys(config: Config) -> ApplianceKeys:
    if not keys_exist(config):
        raise NotEnrolledError(
            f"Ключи устройства не найдены в каталоге {key_dir(config)}: подключите устройство к реестру СПК "
            "командой «nok federation enroll».")
    return ApplianceKeys.load(key_dir(config))


def default_appliance_id(keys: ApplianceKeys) -> str:
    """«nok-<16 hex>» from the signing key: stable while the keys are, unique without coordination."""
    public = bytes.fromhex(keys.public_info()["signing_public_key"])
    return "nok-" + hashlib.sha256(b"nok appliance id v1\x00" + public).hexdigest()[:16]


def current_link() -> RegistryLink | None:
    """The one link to the registry, or None while the appliance is not enrolled."""
    return RegistryLink.select().order_by(RegistryLink.id.desc()).first()


def require_link() -> RegistryLink:
    link = current_link()
    if link is None:
        raise NotEnrolledError("Устройство не подключено к реестру СПК: выполните «nok federation enroll».")
    return link

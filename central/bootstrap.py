"""Turn a registry config into running services: database (PostgreSQL or SQLite), blobs, keys, plugins.

The registry uses the appliance's `Config` (one TOML format): `database_url` picks the database,
`data_dir` holds the blob store, the key file that encrypts it and the registry's federation keys.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from central.database import open_central_database
from core.blobstore import BlobStore
from core.config import Config
from core.context import Services
from core.mail import Mailer
from core.plugins import PluginHost
from federation.keys import RegistryKeys

CENTRAL_PLUGINS = ["nark_export"]


def registry_key_dir(config: Config) -> Path:
    return config.data_dir / "federation"


def load_registry_keys(config: Config) -> RegistryKeys:
    return RegistryKeys.load(registry_key_dir(config))


def blob_master_key(key: str) -> bytes:
    return hashlib.sha256(b"nok central blob master v1\x00" + key.encode("utf-8")).digest()


def open_central_services(config: Config, plugins: PluginHost | None = None) -> Services:
    """Open the registry's database (migrated), blob store, mailer and plugins."""
    plugins = plugins or PluginHost.load(config.plugins)
    db = open_central_database(config.database_url)
    blobs = BlobStore(config.blob_dir, blob_master_key(config.db_key()))
    mailer = Mailer(config.smtp_host, config.smtp_port, config.mail_from)
    return Services(config=config, db=db, blobs=blobs, mailer=mailer, plugins=plugins)

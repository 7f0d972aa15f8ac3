"""Turn a config into running services: open the encrypted database, migrate, load plugins."""
from __future__ import annotations

import hashlib

from core.blobstore import BlobStore
from core.config import Config
from core.context import Services
from core.db import open_appliance_database, use_database
from core.mail import Mailer
from core.migrations import CORE_MIGRATIONS, Component, migrate
from core.models import CORE_MODELS
from core.plugins import PluginHost
from federation.migrations import FEDERATION_MIGRATIONS
from federation.models import FEDERATION_MODELS


def blob_master_key(db_key: str) -> bytes:
    """Derive the blob store's 32-byte master key from the database key (BlobStore stretches it again)."""
    return hashlib.sha256(b"nok blob master v1\x00" + db_key.encode("utf-8")).digest()


def components(plugins: PluginHost) -> list[Component]:
    """The core, the federation outbox and each active plugin, with their tables and migrations."""
    models, migrations = plugins.models(), plugins.migrations()
    names = sorted(set(models) | set(migrations))
    return [Component("core", list(CORE_MODELS), list(CORE_MIGRATIONS)),
            Component("federation", list(FEDERATION_MODELS), list(FEDERATION_MIGRATIONS)),
            *(Component(name, list(models.get(name, [])), list(migrations.get(name, []))) for name in names)]


def load_plugins(config: Config) -> PluginHost:
    return PluginHost.load(config.plugins)


def open_services(config: Config, plugins: PluginHost | None = None, *, run_migrations: bool = True) -> Services:
    """Open everything the appliance needs; migrations run at start so code and schema agree."""
    plugins = plugins or load_plugins(config)
    key = config.db_key()
    db = open_appliance_database(config.db_path, key, kdf_iter=config.kdf_iter)
    use_database(db)
    if run_migrations:
        migrate(db, components(plugins))
    blobs = BlobStore(config.blob_dir, blob_master_key(key))
    mailer = Mailer(config.smtp_host, config.smtp_port, config.mail_from)
    return Services(config=config, db=db, blobs=blobs, mailer=mailer, plugins=plugins)

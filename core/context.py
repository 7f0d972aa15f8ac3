"""The services a running appliance hands to its web resources, CLI commands and plugins."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee

from core.config import Config
from core.mail import Mailer

if TYPE_CHECKING:
    from core.blobstore import BlobStore
    from core.plugins import PluginHost


@dataclass
class Services:
    """Everything a resource needs, passed in explicitly (nothing reaches for globals)."""

    config: Config
    db: peewee.Database
    blobs: "BlobStore"
    mailer: Mailer
    plugins: "PluginHost"
    templates: Any = None  # jinja2.Environment, set by the web app

"""The services a running appliance hands to its web resources, CLI commands and plugins."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

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
    # Set by the web app so plugin pages look and check like the core's own (plugins never
    # import `appliance`): render(req, resp, template, status=200, **context) fills the
    # page frame (user, menu, CSRF token); require_cabinet(req, cabinet_slug) returns
    # (user, Cabinet) or raises (login redirect, 403) and sets the cabinet menu.
    render: Callable[..., None] | None = None
    require_cabinet: Callable[..., tuple] | None = None

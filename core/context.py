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
    # require_kiosk(req) returns the exam station's `KioskSession` (member, group, application
    # and qualification loaded) or raises a redirect to /kiosk. For POST it also checks the
    # station's own CSRF token (form field or X-CSRF-Token; 403 when wrong), so kiosk resources
    # set `csrf_exempt = True` (the cabinet session's check does not apply at a station).
    require_kiosk: Callable[..., Any] | None = None

"""Jinja2 rendering of Russian pages; templates of the app, of the shared frame and of enabled plugins."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import falcon
import jinja2

SHARED_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

_MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                    "октября", "ноября", "декабря")


def date_ru(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    """«23 ноября 2026 г.» (and «, 14:05» when asked): how Russian documents write dates."""
    if value is None:
        return "—"
    text = f"{value.day} {_MONTHS_GENITIVE[value.month - 1]} {value.year} г."
    if with_time and isinstance(value, dt.datetime):
        text += f", {value:%H:%M}"
    return text


def make_environment(app_dirs: list[Path] | None = None, plugin_dirs: list[Path] | None = None) -> jinja2.Environment:
    """Templates of the app first, then the shared frame's, then the enabled plugins'."""
    dirs = [*(app_dirs or []), SHARED_TEMPLATE_DIR, *(plugin_dirs or [])]
    loader = jinja2.FileSystemLoader([str(d) for d in dirs])
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_ru"] = date_ru
    return env


def render(env: jinja2.Environment, req: falcon.Request, resp: falcon.Response, template: str,
           status: str | int = falcon.HTTP_200, **context: Any) -> None:
    """Render `template` into `resp` with the request's user, CSRF token and menu."""
    ctx = req.context
    base = {
        "user": ctx.get("user"),
        "csrf_token": ctx.get("csrf_token", ""),
        "cabinet": ctx.get("cabinet"),
        "menu": ctx.get("menu", []),
        "current_section": ctx.get("current_section"),
        "plugin_menu": ctx.get("plugin_menu", []),
        "request_path": req.path,
    }
    base.update(context)
    resp.status = status
    resp.content_type = falcon.MEDIA_HTML
    resp.text = env.get_template(template).render(**base)

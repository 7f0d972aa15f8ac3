"""Permission checks every resource runs first: signed in, own cabinet, own organisation."""
from __future__ import annotations

from urllib.parse import quote

import falcon

from core.web.menus import sections_for
from core.models import Cabinet, Role, User
from core.plugins import PluginHost


def require_user(req: falcon.Request) -> User:
    user = req.context.get("user")
    if user is None:
        target = req.relative_uri if req.method == "GET" else "/"
        raise falcon.HTTPSeeOther(f"/login?next={quote(target)}")
    return user


def require_cabinet(req: falcon.Request, cabinet_slug: str, plugins: PluginHost) -> tuple[User, Cabinet]:
    """Allow only the cabinet the user belongs to; set the menu (ours and the plugins') for rendering."""
    user = require_user(req)
    try:
        cabinet = Cabinet(cabinet_slug)
    except ValueError:
        raise falcon.HTTPNotFound() from None
    if user.cabinet is not cabinet:
        raise falcon.HTTPForbidden(description=f"Этот раздел относится к другому личному кабинету. "
                                               f"Ваш кабинет: «{user.cabinet.title}».")
    req.context.cabinet = cabinet
    req.context.menu = sections_for(cabinet, Role(user.role))
    req.context.plugin_menu = [item for item in plugins.menu_items(cabinet.value)
                               if item.roles is None or user.role in item.roles]
    return user, cabinet


def require_staff_admin(user: User) -> None:
    if user.role != Role.ADMIN.value or not user.organisation_id:
        raise falcon.HTTPForbidden(description="Раздел «Сотрудники» доступен только Администратору организации.")

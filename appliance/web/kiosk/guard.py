"""`require_kiosk`: the exam station's session for plugin pages, and its cookie.

A station has no cabinet session: the candidate is known by the `nok_kiosk` cookie alone
(HttpOnly, SameSite=Strict). Its POSTs carry the station session's own CSRF token, checked
here, so kiosk resources set ``csrf_exempt = True`` for the cabinet session's check.
"""
from __future__ import annotations

import falcon

from core import audit
from core.context import Services
from core.models import KioskSession
from core.security import constant_time_equal
from core.services import kiosk
from core.web.middleware import SAFE_METHODS, client_ip

KIOSK_COOKIE = "nok_kiosk"
SIGN_IN_PATH = "/kiosk"


def kiosk_token(req: falcon.Request) -> str | None:
    values = req.get_cookie_values(KIOSK_COOKIE)
    return values[0] if values else None


def set_kiosk_cookie(resp: falcon.Response, token: str, services: Services) -> None:
    """A browser-session cookie: closing the station's browser forgets it."""
    resp.set_cookie(KIOSK_COOKIE, token, http_only=True, same_site="Strict", path="/",
                    secure=services.config.secure_cookies)


def clear_kiosk_cookie(resp: falcon.Response) -> None:
    resp.unset_cookie(KIOSK_COOKIE, path="/", same_site="Strict")


def _sent_csrf(req: falcon.Request) -> str | None:
    sent = req.get_header("X-CSRF-Token")
    if not sent and (req.content_type or "").startswith(falcon.MEDIA_URLENCODED):
        form = req.get_media()  # parsed once and cached for the resource
        value = form.get("csrf_token") if isinstance(form, dict) else None
        sent = value if isinstance(value, str) else None
    elif not sent and (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
        sent = req.get_param("csrf_token")  # upload forms carry it in the action URL (the body is the file)
    return sent


def require_kiosk(req: falcon.Request) -> KioskSession:
    """The live station session (one query), or a redirect to the sign-in page.

    POSTs must carry the session's CSRF token (403 otherwise). Pages rendered afterwards get
    that token as `csrf_token`, and audit records name the candidate at the station.
    """
    cached = req.context.get("kiosk")
    if cached is not None:
        return cached
    session = kiosk.session_for(kiosk_token(req))
    if session is None:
        raise falcon.HTTPSeeOther(SIGN_IN_PATH)
    if req.method not in SAFE_METHODS:
        sent = _sent_csrf(req)
        if not sent or not constant_time_equal(sent, session.csrf_token):
            raise falcon.HTTPForbidden(
                title="Форма устарела",
                description="Страница экзамена устарела или открыта в другом окне. Обновите страницу.")
    req.context.kiosk = session
    req.context.csrf_token = session.csrf_token
    audit.set_actor(audit.Actor(session.member.application.applicant_id, "станция экзамена", client_ip(req)))
    return session

"""«Вход на рабочее место экзамена» (`/kiosk`) and leaving the station (`/kiosk/logout`)."""
from __future__ import annotations

import falcon

from core.web.forms import read_form
from appliance.web.kiosk.guard import (clear_kiosk_cookie, kiosk_token, require_kiosk, set_kiosk_cookie)
from core.web.middleware import SESSION_COOKIE, clear_session_cookie, client_ip, ensure_session
from core.web.render import render
from core.context import Services
from core.exceptions import ValidationError
from core.models import KioskSession
from core.services import attempts, auth, kiosk


def candidate_path(services: Services, session: KioskSession) -> str:
    """Where the candidate's stage is taken: the exam type's `candidate_path` for the group."""
    stage = attempts.stage_for_member(session.member)
    path = attempts.exam_type(services.plugins, stage).candidate_path
    if not path:
        raise ValidationError("Этот этап экзамена проходит без рабочего места: обратитесь к организатору.")
    return path


class SignInResource:
    """The station's start page: the access code (and the cabinet login when the venue asks)."""

    def __init__(self, services: Services):
        self.services = services

    def _page(self, req, resp, *, code: str = "", email: str = "", error: str | None = None,
              status=falcon.HTTP_200) -> None:
        render(self.services.templates, req, resp, "kiosk/sign_in.html", status=status, user=None, cabinet=None,
               code=code, email=email, error=error, require_login=self.services.config.kiosk_require_login,
               notice="Вы вышли с рабочего места." if req.get_param("left") else None)

    def on_get(self, req, resp):
        session = kiosk.session_for(kiosk_token(req))
        if session is not None:
            raise falcon.HTTPSeeOther(candidate_path(self.services, session))
        ensure_session(req, resp, self.services)
        self._page(req, resp)

    def on_post(self, req, resp):
        form = read_form(req)
        code, email = form.get("code", "")[:32], form.get("email", "")[:254]
        config = self.services.config
        try:
            session, token = kiosk.sign_in(code, client_ip(req), email=email, password=form.get("password", ""),
                                           require_login=config.kiosk_require_login, config=config,
                                           plugins=self.services.plugins)
        except kiosk.KioskSignInError as ex:
            self._page(req, resp, code=code, email=email, error=str(ex), status=falcon.HTTP_401)
            return
        try:
            target = candidate_path(self.services, session)
        except ValidationError as ex:
            kiosk.sign_out(session)
            self._page(req, resp, error=str(ex), status=falcon.HTTP_409)
            return
        # The station keeps no cabinet session: only the kiosk cookie identifies the candidate.
        cookie = req.get_cookie_values(SESSION_COOKIE)
        auth.end_anonymous_session(cookie[0] if cookie else None)
        clear_session_cookie(resp, self.services)
        set_kiosk_cookie(resp, token, self.services)
        raise falcon.HTTPSeeOther(target)


class LogoutResource:
    """Leave the station; coming back needs a new code from the organiser."""

    csrf_exempt = True  # the station session's own token is checked by require_kiosk

    def __init__(self, services: Services):
        self.services = services

    def on_post(self, req, resp):
        try:
            kiosk.sign_out(require_kiosk(req))
        except falcon.HTTPSeeOther:
            pass  # no live session: nothing to close
        clear_kiosk_cookie(resp)
        raise falcon.HTTPSeeOther("/kiosk?left=1")

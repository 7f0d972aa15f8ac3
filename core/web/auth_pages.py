"""Вход, выход и установка пароля по одноразовой ссылке."""
from __future__ import annotations

import logging

import falcon

from core.web.forms import read_form
from core.web.middleware import clear_session_cookie, client_ip, ensure_session, set_session_cookie
from core.web.render import render
from core.context import Services
from core.db import write_transaction
from core.exceptions import AuthenticationError, MailDeliveryError, ValidationError
from core.services import auth

log = logging.getLogger(__name__)


class IndexResource:
    """Send a signed-in user to their cabinet, everyone else to the login page."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp):
        user = req.context.user
        raise falcon.HTTPSeeOther(f"/cabinet/{user.cabinet.value}/" if user else "/login")


class LoginResource:
    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp):
        if req.context.user:
            raise falcon.HTTPSeeOther("/")
        ensure_session(req, resp, self.services)
        notice = "Пароль установлен. Войдите с новым паролем." if req.get_param("password_set") else None
        render(self.services.templates, req, resp, "login.html", email="", error=None, notice=notice)

    def on_post(self, req, resp):
        form = read_form(req)
        email = form.get("email", "")
        try:
            user = auth.authenticate(email, form.get("password", ""), self.services.config, client_ip(req))
        except AuthenticationError as ex:
            render(self.services.templates, req, resp, "login.html", status=falcon.HTTP_401, email=email,
                   error=str(ex), notice=None)
            return
        with write_transaction():
            auth.purge_expired_sessions()
            auth.end_session(req.get_cookie_values("nok_session")[0] if req.get_cookie_values("nok_session") else None)
            handle = auth.start_session(self.services.config, user, client_ip(req), req.user_agent)
        set_session_cookie(resp, handle.token, self.services)
        raise falcon.HTTPSeeOther(f"/cabinet/{user.cabinet.value}/")


class LogoutResource:
    def __init__(self, services: Services):
        self.services = services

    def on_post(self, req, resp):
        cookie = req.get_cookie_values("nok_session")
        auth.end_session(cookie[0] if cookie else None)
        clear_session_cookie(resp, self.services)
        raise falcon.HTTPSeeOther("/login")


class SetPasswordResource:
    """«Установка пароля»: the page a one-time link from the letter opens."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp):
        ensure_session(req, resp, self.services)
        token = req.get_param("token") or ""
        try:
            row = auth.check_password_link(token)
        except AuthenticationError as ex:
            render(self.services.templates, req, resp, "password_set.html", status=falcon.HTTP_400, token="",
                   email="", link_error=str(ex), error=None)
            return
        render(self.services.templates, req, resp, "password_set.html", token=token, email=row.user.email,
               link_error=None, error=None)

    def on_post(self, req, resp):
        form = read_form(req)
        token = form.get("token", "")
        try:
            auth.set_password_with_link(token, form.get("password", ""), form.get("password_repeat", ""))
        except AuthenticationError as ex:
            render(self.services.templates, req, resp, "password_set.html", status=falcon.HTTP_400, token="",
                   email="", link_error=str(ex), error=None)
            return
        except ValidationError as ex:
            row = auth.check_password_link(token)
            render(self.services.templates, req, resp, "password_set.html", status=falcon.HTTP_400, token=token,
                   email=row.user.email, link_error=None, error=str(ex))
            return
        raise falcon.HTTPSeeOther("/login?password_set=1")


class ForgotPasswordResource:
    """«Забыли пароль?»: the same answer whether or not the address is registered."""

    def __init__(self, services: Services):
        self.services = services

    def on_get(self, req, resp):
        ensure_session(req, resp, self.services)
        render(self.services.templates, req, resp, "password_forgot.html", email="", sent=False)

    def on_post(self, req, resp):
        form = read_form(req)
        email = form.get("email", "")
        try:
            auth.request_password_reset(self.services.config, self.services.mailer, email)
        except MailDeliveryError as ex:
            log.warning("password reset mail failed: %s", ex)
        render(self.services.templates, req, resp, "password_forgot.html", email=email, sent=True)

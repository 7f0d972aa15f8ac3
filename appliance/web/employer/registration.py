"""«Регистрация» of an employer (юридическое лицо или ИП), open to anyone (seed 003, рис. 1)."""
from __future__ import annotations

import logging

import falcon

from appliance.web.employer.common import form_errors
from core.web.forms import read_form
from core.web.middleware import ensure_session
from core.web.render import render
from core.context import Services
from core.exceptions import MailDeliveryError, ValidationError
from core.services import auth, employer

log = logging.getLogger(__name__)


class EmployerRegistrationResource:
    """Create the employer and its Администратор; the password is set by a one-time link from the letter."""

    def __init__(self, services: Services):
        self.services = services

    def _page(self, req, resp, *, form=None, errors=None, done=None, warning=None, status=falcon.HTTP_200):
        render(self.services.templates, req, resp, "registration/employer.html", status=status,
               title="Регистрация работодателя", form=form or {}, errors=errors or {}, done=done, warning=warning)

    def on_get(self, req, resp):
        if req.context.user:
            raise falcon.HTTPSeeOther("/")
        ensure_session(req, resp, self.services)
        self._page(req, resp)

    def on_post(self, req, resp):
        if req.context.user:
            raise falcon.HTTPSeeOther("/")
        form = read_form(req)
        try:
            admin = employer.register_employer(form)
        except ValidationError as ex:
            self._page(req, resp, form=form, errors=form_errors(ex), status=falcon.HTTP_422)
            return
        warning = None
        if admin is not None:
            try:
                auth.send_password_link(self.services.config, self.services.mailer, admin)
            except MailDeliveryError as ex:
                log.warning("registration mail failed: %s", ex)
                warning = ("Письмо со ссылкой не отправлено: почтовый сервер недоступен. Организация "
                           "зарегистрирована; запросите ссылку на странице «Забыли пароль?» позже.")
        self._page(req, resp, done=form.get("email", "").strip().lower(), warning=warning)

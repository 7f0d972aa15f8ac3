"""«Регистрация соискателя» (seed 004, п. 1.2–1.4): email and phone, a one-time link, own password."""
from __future__ import annotations

import logging

import falcon

from core.web.forms import read_form
from core.web.middleware import ensure_session
from core.web.render import render
from core.context import Services
from core.exceptions import MailDeliveryError
from core.services import auth
from core.services.applicant_profile import CONSENT_PD_TEXT, CONSENT_TEXT_VERSION, FormErrors, is_checked
from core.services.applicant_profile import register_applicant

log = logging.getLogger(__name__)


class RegisterResource:
    """Anyone may register as a Соискатель; the page answers alike whether the address is new or not."""

    def __init__(self, services: Services):
        self.services = services

    def _form(self, req, resp, form, errors, status=falcon.HTTP_200):
        render(self.services.templates, req, resp, "registration/applicant.html", status=status, form=form,
               errors=errors, consent_text=CONSENT_PD_TEXT, consent_version=CONSENT_TEXT_VERSION)

    def on_get(self, req, resp):
        if req.context.user:
            raise falcon.HTTPSeeOther("/")
        ensure_session(req, resp, self.services)
        self._form(req, resp, {}, {})

    def on_post(self, req, resp):
        form = read_form(req)
        try:
            user = register_applicant(form.get("full_name", ""), form.get("email", ""), form.get("phone", ""),
                                      is_checked(form.get("consent_pd")))
        except FormErrors as ex:
            self._form(req, resp, form, ex.errors, status=falcon.HTTP_422)
            return
        mail_failed = False
        try:
            if user is None:
                # Already registered: the owner gets a password link (throttled), the visitor learns nothing.
                auth.request_password_reset(self.services.config, self.services.mailer, form.get("email", ""))
            else:
                auth.send_password_link(self.services.config, self.services.mailer, user)
        except MailDeliveryError as ex:
            log.warning("registration letter failed: %s", ex)
            mail_failed = True
        render(self.services.templates, req, resp, "registration/applicant_sent.html",
               email=form.get("email", "").strip().lower(), mail_failed=mail_failed)

"""«Ваш профиль» and «Ваша подпись» of a ЦОК or venue: the data its generated documents use."""
from __future__ import annotations

import falcon

from appliance.web.centre.common import CentreResource, form_errors
from core.web.forms import read_form, read_signature
from core.exceptions import ValidationError
from core.services import organisations

NOTICES = {
    "saved": "Изменения сохранены.",
    "signature": "Подпись сохранена. Она будет использоваться в формируемых документах.",
    "signature_removed": "Подпись удалена.",
}


class ProfileResource(CentreResource):
    """Contacts, requisites (checked by their control digits), signer and contract preamble."""

    section = "profile"

    def on_get(self, req, resp, cabinet):
        if self.other_cabinet(req, resp, cabinet):
            return
        user = self.guard(req, cabinet)
        org = organisations.own_organisation(user)
        self._page(req, resp, org, organisations.profile_form(org), {},
                   notice=NOTICES.get(req.get_param("notice") or ""))

    def on_post(self, req, resp, cabinet):
        user = self.guard(req, cabinet)
        org = organisations.own_organisation(user)
        form = read_form(req)
        try:
            organisations.update_profile(user, org, form)
        except ValidationError as ex:
            self._page(req, resp, org, form, form_errors(ex), status=falcon.HTTP_422)
            return
        raise self.see_other(req, "/profile?notice=saved")

    def _page(self, req, resp, org, form, errors, status=falcon.HTTP_200, notice=None):
        self.page(req, resp, "centre/profile.html", title="Ваш профиль", status=status, organisation=org,
                  form=form, errors=errors, notice=notice, missing=organisations.missing_for_documents(org))


class SignatureResource(CentreResource):
    """The signer's facsimile, drawn on a canvas (static/signature.js) and sent as a PNG data URL."""

    section = "signature"

    def on_get(self, req, resp, cabinet):
        if self.other_cabinet(req, resp, cabinet):
            return
        user = self.guard(req, cabinet)
        self._page(req, resp, organisations.own_organisation(user), {},
                   notice=NOTICES.get(req.get_param("notice") or ""))

    def on_post(self, req, resp, cabinet):
        user = self.guard(req, cabinet)
        org = organisations.own_organisation(user)
        value = read_signature(req)
        try:
            organisations.save_facsimile(user, org, self.services.blobs, value)
        except ValidationError as ex:
            self._page(req, resp, org, form_errors(ex), status=falcon.HTTP_422)
            return
        raise self.see_other(req, "/signature?notice=signature")

    def _page(self, req, resp, org, errors, status=falcon.HTTP_200, notice=None):
        self.page(req, resp, "centre/signature.html", title="Ваша подпись", status=status, organisation=org,
                  errors=errors, notice=notice)


class SignatureDeleteResource(CentreResource):
    section = "signature"

    def on_post(self, req, resp, cabinet):
        user = self.guard(req, cabinet)
        organisations.remove_facsimile(user, organisations.own_organisation(user))
        raise self.see_other(req, "/signature?notice=signature_removed")


class SignatureImageResource(CentreResource):
    """The stored facsimile as an image (only for the organisation's own staff)."""

    section = "signature"

    def on_get(self, req, resp, cabinet):
        user = self.guard(req, cabinet)
        org = organisations.own_organisation(user)
        if not org.facsimile_digest:
            raise falcon.HTTPNotFound(description="Подпись ещё не нарисована.")
        resp.content_type = "image/png"
        resp.data = self.services.blobs.read(org.facsimile_digest)

"""«Ваша подпись» of an expert: the drawn facsimile placed next to their name in the protocol.

The same canvas pad as the ЦОК's (static/signature.js posts a PNG data URL); the service
checks the PNG itself. Only the expert's own signature is ever shown or changed here.
"""
from __future__ import annotations

import falcon

from appliance.web.expert.common import BASE, ExpertResource
from core.web.forms import read_signature
from core.exceptions import ValidationError
from core.services import facsimile

NOTICES = {
    "saved": "Подпись сохранена. Председатель комиссии сможет подписать ею протокол экспертной комиссии.",
    "removed": "Подпись удалена.",
}


class SignatureResource(ExpertResource):
    section = "signature"

    def on_get(self, req, resp):
        user = self.guard(req)
        self._page(req, resp, user, {}, notice=NOTICES.get(req.get_param("notice") or ""))

    def on_post(self, req, resp):
        user = self.guard(req)
        value = read_signature(req)
        try:
            facsimile.save_user_facsimile(user, self.services.blobs, value)
        except ValidationError as ex:
            self._page(req, resp, user, {ex.field or "signature": ex.message}, status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"{BASE}/signature?notice=saved")

    def _page(self, req, resp, user, errors, status=falcon.HTTP_200, notice=None):
        self.page(req, resp, "expert/signature.html", title="Ваша подпись", status=status, errors=errors,
                  notice=notice, expert=user)


class SignatureDeleteResource(ExpertResource):
    section = "signature"

    def on_post(self, req, resp):
        facsimile.remove_user_facsimile(self.guard(req))
        raise falcon.HTTPSeeOther(f"{BASE}/signature?notice=removed")


class SignatureImageResource(ExpertResource):
    """The expert's own facsimile as an image (there is no way to ask for someone else's)."""

    section = "signature"

    def on_get(self, req, resp):
        user = self.guard(req)
        resp.content_type = "image/png"
        resp.data = facsimile.user_facsimile(user, self.services.blobs)

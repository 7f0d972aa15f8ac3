"""«Ваш профиль» of the СПК: requisites, «Сотрудники СПК», «Подпись председателя» and «Сроки».

Four forms on one page, each posted to its own address; a refused form is shown again with its
errors while the others show what is stored. The chair's signature uses the shared canvas pad
(static/signature.js posts a PNG data URL; the service checks the PNG itself).
"""
from __future__ import annotations

import falcon

from central.admin import profile
from central.web.spk_pages import SpkResource
from core.exceptions import ValidationError
from core.web.forms import read_signature

BASE = "/profile"
NOTICES = {
    "saved": "Реквизиты сохранены.",
    "members": "Сотрудники СПК сохранены: они будут указаны в Протоколе СПК.",
    "signature": "Подпись председателя сохранена. Ею можно подписывать Протокол СПК факсимиле.",
    "signature_removed": "Подпись председателя удалена.",
    "deadlines": "Сроки сохранены. Комплексы ЦОК получат их со следующим обновлением справочников.",
}


class _ProfileBase(SpkResource):
    section = "profile"

    def show(self, req, resp, spk, *, status=falcon.HTTP_200, **forms):
        """The page; `forms` replaces one card's form and errors (e.g. members=…, members_errors=…)."""
        context = {
            "form": profile.requisites_form(spk), "errors": {},
            "members": profile.members_form(spk), "members_errors": {},
            "signature_errors": {},
            "deadlines": profile.settings_form(profile.settings_of(spk)), "deadline_errors": {},
        }
        context.update(forms)
        self.page(req, resp, "profile/profile.html", title="Ваш профиль", status=status, spk=spk,
                  deadline_fields=profile.DEADLINES, notice=self.notice(req, NOTICES), **context)

    def submit(self, req, resp, apply, notice: str, form_key: str, errors_key: str):
        """Read the form, apply it to the СПК, redirect; on a refusal show that card again with its errors."""
        user, spk = self.guard(req)
        self.save_form(req, resp, lambda form: apply(spk, user, form),
                       lambda form, errors: self.show(req, resp, spk, **{form_key: form, errors_key: errors}),
                       lambda _saved: f"{BASE}?notice={notice}")


class ProfileResource(_ProfileBase):
    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        self.show(req, resp, spk)

    def on_post(self, req, resp):
        self.submit(req, resp, lambda spk, user, form: profile.update_requisites(spk, user, form), "saved",
                    "form", "errors")


class MembersResource(_ProfileBase):
    def on_post(self, req, resp):
        self.submit(req, resp, lambda spk, user, form: profile.update_members(spk, form), "members",
                    "members", "members_errors")


class DeadlinesResource(_ProfileBase):
    def on_post(self, req, resp):
        self.submit(req, resp, lambda spk, user, form: profile.update_settings(spk, form), "deadlines",
                    "deadlines", "deadline_errors")


class SignatureResource(_ProfileBase):
    def on_get(self, req, resp):
        self.guard(req)
        raise self.see_other(BASE + "#signature")

    def on_post(self, req, resp):
        user, spk = self.guard(req)
        value = read_signature(req)
        try:
            profile.save_chair_signature(spk, user, self.services.blobs, value)
        except ValidationError as ex:
            self.show(req, resp, spk, status=falcon.HTTP_422, signature_errors={ex.field or "signature": ex.message})
            return
        raise self.see_other(f"{BASE}?notice=signature")


class SignatureDeleteResource(_ProfileBase):
    def on_post(self, req, resp):
        user, spk = self.guard(req)
        profile.remove_chair_signature(spk, user)
        raise self.see_other(f"{BASE}?notice=signature_removed")


class SignatureImageResource(_ProfileBase):
    """The chair's facsimile as an image, for the СПК's own staff only."""

    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        if not spk.facsimile_digest:
            raise falcon.HTTPNotFound(description="Подпись председателя ещё не нарисована.")
        resp.content_type = "image/png"
        resp.data = self.services.blobs.read(spk.facsimile_digest)


def add_routes(app, services) -> None:
    base = "/cabinet/spk/profile"
    app.add_route(base, ProfileResource(services))
    app.add_route(base + "/members", MembersResource(services))
    app.add_route(base + "/deadlines", DeadlinesResource(services))
    app.add_route(base + "/signature", SignatureResource(services))
    app.add_route(base + "/signature/delete", SignatureDeleteResource(services))
    app.add_route(base + "/signature/image", SignatureImageResource(services))

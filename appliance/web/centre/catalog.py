"""«Квалификации»: what the ЦОК assesses, the КОС state of each, and the price of the exam.

A ЦОК's staff add and remove qualifications of their СПК and set prices; a venue sees its
ЦОК's list read-only. КОС loading arrives with the registry link, so the page shows its
state («Выгружен» / «Не выгружен») and nothing pretends to load it.
"""
from __future__ import annotations

import falcon

from appliance.web.centre.common import CentreResource
from core.web.forms import read_form
from core.exceptions import ValidationError
from core.models import OrgKind, Qualification
from core.services import catalog
from core.services.payments import format_rub

NOTICES = {
    "added": "Квалификация добавлена. Укажите стоимость экзамена.",
    "removed": "Квалификация убрана из списка ЦОК.",
    "price": "Стоимость сохранена.",
}


def price_text(amount) -> str:
    """The price as the input shows it: «15 000,50» (the ₽ sign stays outside the field)."""
    return format_rub(amount).removesuffix("\u00a0₽") if amount is not None else ""


class QualificationsResource(CentreResource):
    section = "qualifications"

    def on_get(self, req, resp, cabinet):
        if self.other_cabinet(req, resp, cabinet):
            return
        self.guard(req, cabinet)
        self.listing(req, resp, notice=NOTICES.get(req.get_param("notice") or ""))

    def listing(self, req, resp, *, form=None, errors=None, notice=None):
        user = req.context.user
        org = user.organisation
        rows = catalog.list_offers(org)
        is_cok = org.kind == OrgKind.COK.value
        form = {**{f"amount_{r.qualification.id}": price_text(r.price) for r in rows}, **(form or {})}
        errors = errors or {}
        self.page(req, resp, "centre/qualifications.html", title="Квалификации", status=self.status_of(errors),
                  rows=rows, can_edit=is_cok, available=catalog.available_qualifications(org) if is_cok else [],
                  form=form, errors=errors, notice=notice, format_rub=format_rub)


class _OfferAction(CentreResource):
    section = "qualifications"

    def cok(self, req, cabinet):
        user = self.guard(req, cabinet)
        if user.organisation.kind != OrgKind.COK.value:
            raise falcon.HTTPForbidden(description="Квалификации и стоимость экзаменов изменяет ЦОК.")
        return user, user.organisation

    @staticmethod
    def qualification(qualification_id: int) -> Qualification:
        found = Qualification.get_or_none(Qualification.id == qualification_id)
        if found is None:
            raise falcon.HTTPNotFound()
        return found

    def refuse(self, req, resp, field: str, message: str, form: dict | None = None):
        QualificationsResource(self.services).listing(req, resp, form=form, errors={field: message})


class OfferAddResource(_OfferAction):
    def on_post(self, req, resp, cabinet):
        user, org = self.cok(req, cabinet)
        form = read_form(req)
        value = form.get("qualification", "")
        qualification = Qualification.get_or_none(Qualification.id == int(value)) if value.isdigit() else None
        try:
            if qualification is None:
                raise ValidationError("Выберите квалификацию из списка.", field="qualification")
            catalog.offer_qualification(user, org, qualification)
        except ValidationError as ex:
            self.refuse(req, resp, "qualification", ex.message, form)
            return
        raise self.see_other(req, "/qualifications?notice=added")


class OfferWithdrawResource(_OfferAction):
    def on_post(self, req, resp, cabinet, qualification_id):
        user, org = self.cok(req, cabinet)
        try:
            catalog.withdraw_qualification(user, org, self.qualification(qualification_id))
        except ValidationError as ex:
            self.refuse(req, resp, f"row_{qualification_id}", ex.message)
            return
        raise self.see_other(req, "/qualifications?notice=removed")


class PriceResource(_OfferAction):
    def on_post(self, req, resp, cabinet, qualification_id):
        user, org = self.cok(req, cabinet)
        form = read_form(req)
        typed = form.get("amount", "")
        try:
            catalog.set_price(user, org, self.qualification(qualification_id), typed)
        except ValidationError as ex:
            field = f"amount_{qualification_id}"
            self.refuse(req, resp, field, ex.message, {field: typed})
            return
        raise self.see_other(req, "/qualifications?notice=price")

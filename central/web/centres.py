"""«ЦОК и площадки»: the СПК's ЦОК and venues, their appliances, enrolment codes and the refusal log."""
from __future__ import annotations

import falcon

from central.admin import centres, scope
from central.web.spk_pages import SpkResource, cok_choices, form_errors, page_links
from core.exceptions import ValidationError
from core.models import OrgKind
from core.web.forms import read_form

NOTICES = {
    "created": "Организация добавлена в реестр СПК.",
    "saved": "Изменения сохранены.",
    "revoked": "Комплекс отозван: реестр больше не принимает его пакеты.",
}


class _CentresBase(SpkResource):
    section = "centres"

    def centre_page(self, req, resp, spk, org, *, form=None, errors=None, status=falcon.HTTP_200,
                    revoke_errors=None, code_errors=None, code_form=None):
        is_cok = org.kind == OrgKind.COK.value
        self.page(req, resp, "centres/centre.html", title=org.short_name, status=status, org=org,
                  is_cok=is_cok, kind_title=centres.KIND_TITLES[org.kind],
                  form=form if form is not None else centres.centre_form(org), errors=errors or {},
                  coks=cok_choices(spk),
                  venues=centres.venues_for(org) if is_cok else [],
                  parent=None if is_cok else org.parent,
                  appliances=centres.appliances_for(org), codes=centres.pending_codes(org),
                  revoke_errors=revoke_errors or {}, code_errors=code_errors or {}, code_form=code_form or {},
                  notice=self.notice(req, NOTICES))


class CentresListResource(_CentresBase):
    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        query = (req.get_param("q") or "").strip()[:200]
        page, cards = centres.list_centres(spk, query, req.get_param_as_int("page", default=1, min_value=1))
        self.page(req, resp, "centres/list.html", title="ЦОК и площадки", page=page, cards=cards, q=query,
                  links=page_links(page, {"q": query}), notice=self.notice(req, NOTICES))


class CentreNewResource(_CentresBase):
    """«Добавить ЦОК» / «Добавить площадку» (`?kind=venue&parent=<ЦОК>`)."""

    def _kind(self, req, form=None) -> str:
        kind = (form or {}).get("kind") or req.get_param("kind") or OrgKind.COK.value
        if kind not in centres.KIND_TITLES:
            raise falcon.HTTPNotFound()
        return kind

    def _show(self, req, resp, spk, kind, form, errors=None, status=falcon.HTTP_200):
        title = "Новый ЦОК" if kind == OrgKind.COK.value else "Новая площадка"
        self.page(req, resp, "centres/new.html", title=title, status=status, kind=kind, form=form,
                  errors=errors or {}, coks=cok_choices(spk))

    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        kind = self._kind(req)
        self._show(req, resp, spk, kind, {"parent": req.get_param("parent") or ""})

    def on_post(self, req, resp):
        _user, spk = self.guard(req)
        self.save_form(req, resp, lambda form: centres.create_centre(spk, self._kind(req, form), form),
                       lambda form, errors: self._show(req, resp, spk, self._kind(req, form), form, errors),
                       lambda org: f"/centres/{org.id}?notice=created")


class CentreResource(_CentresBase):
    def on_get(self, req, resp, org_id):
        _user, spk = self.guard(req)
        self.centre_page(req, resp, spk, scope.get_centre(spk, org_id))

    def on_post(self, req, resp, org_id):
        _user, spk = self.guard(req)
        org = scope.get_centre(spk, org_id)
        self.save_form(req, resp, lambda form: centres.update_centre(spk, org, form),
                       lambda form, errors: self.centre_page(req, resp, spk, org, form=form, errors=errors),
                       lambda _saved: f"/centres/{org.id}?notice=saved")


class EnrolmentCodeResource(_CentresBase):
    """«Выдать код подключения»: the code is in this answer only; the registry keeps its hash."""

    def on_post(self, req, resp, org_id):
        user, spk = self.guard(req)
        org = scope.get_centre(spk, org_id)
        form = read_form(req)
        try:
            code, row = centres.issue_enrolment_code(spk, org, form.get("title", ""), user)
        except ValidationError as ex:
            self.centre_page(req, resp, spk, org, code_errors=form_errors(ex), code_form=form,
                             status=falcon.HTTP_422)
            return
        command = f"nok federation enroll --registry-url {self.services.config.base_url} --code {code}"
        self.page(req, resp, "centres/code.html", title="Код подключения", org=org, code=code, command=command,
                  enrolment=row)


class ApplianceRevokeResource(_CentresBase):
    def on_post(self, req, resp, appliance_id):
        user, spk = self.guard(req)
        appliance = scope.get_appliance(spk, appliance_id)
        form = read_form(req)
        try:
            centres.revoke_appliance(spk, appliance, form.get("reason", ""), user)
        except ValidationError as ex:
            errors = {f"reason_{appliance.id}": ex.message}
            self.centre_page(req, resp, spk, appliance.organisation, revoke_errors=errors, status=falcon.HTTP_422)
            return
        raise self.see_other(f"/centres/{appliance.organisation_id}?notice=revoked")


class RefusedResource(_CentresBase):
    """«Журнал отказов»: what the registry refused from the СПК's appliances, and why."""

    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        page = centres.refused_bundles(spk, req.get_param_as_int("page", default=1, min_value=1))
        self.page(req, resp, "centres/refused.html", title="Журнал отказов", page=page,
                  links=page_links(page, {}), human_size=centres.human_size)


def add_routes(app, services) -> None:
    base = "/cabinet/spk/centres"
    app.add_route(base, CentresListResource(services))
    app.add_route(base + "/new", CentreNewResource(services))
    app.add_route(base + "/refused", RefusedResource(services))
    app.add_route(base + "/{org_id:int}", CentreResource(services))
    app.add_route(base + "/{org_id:int}/code", EnrolmentCodeResource(services))
    app.add_route(base + "/appliances/{appliance_id:int}/revoke", ApplianceRevokeResource(services))

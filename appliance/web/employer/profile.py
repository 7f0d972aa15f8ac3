"""«Мой профиль» of the employer: requisites, addresses and people that fill its contracts and invoices."""
from __future__ import annotations

import falcon

from appliance.web.employer.common import BASE, EmployerResource, form_errors
from core.web.forms import read_form
from core import audit
from core.exceptions import ValidationError
from core.services import employer, organisations

NOTICE = "Данные организации сохранены."


class ProfileResource(EmployerResource):
    section = "profile"

    def _show(self, req, resp, organisation, form, errors=None, notice=None):
        self.page(req, resp, "employer/profile.html", title="Данные организации", organisation=organisation,
                  form=form, errors=errors or {}, notice=notice, status=self.status_of(errors or {}))

    def on_get(self, req, resp):
        user, _ = self.guard(req)
        organisation = organisations.own_organisation(user)
        audit.record("view", "organisation", organisation.id)
        self._show(req, resp, organisation, employer.profile_form(organisation),
                   notice=NOTICE if req.get_param("saved") else None)

    def on_post(self, req, resp):
        user, _ = self.guard(req)
        organisation = organisations.own_organisation(user)
        form = read_form(req)
        try:
            employer.update_employer_profile(user, organisation, form)
        except ValidationError as ex:
            self._show(req, resp, organisations.own_organisation(user), form, form_errors(ex))
            return
        raise falcon.HTTPSeeOther(f"{BASE}/profile?saved=1")

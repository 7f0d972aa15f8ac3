"""«Эксперты»: the СПК's experts database with the «Добавить эксперта» form of seed 002."""
from __future__ import annotations

import datetime as dt

import falcon

from central.admin import experts
from central.web.spk_pages import SpkResource, page_links
from core.exceptions import ValidationError
from core.web.forms import read_form

NOTICES = {
    "created": "Эксперт добавлен. Комплексы ЦОК и площадок получат его со следующим обновлением справочников; "
               "входить в систему эксперт будет на комплексе.",
    "saved": "Изменения сохранены.",
    "deleted": "Эксперт удалён.",
    "disabled": "Эксперт уже упоминается в документах, поэтому он не удалён, а отключён: "
                "в новые экспертные комиссии его не включат.",
    "restored": "Эксперт снова включён.",
}
STATUS_CLASSES = {experts.ExpertStatus.ACTIVE: "status-active", experts.ExpertStatus.EXPIRED: "status-expired"}


class _ExpertsBase(SpkResource):
    section = "experts"

    def form_page(self, req, resp, spk, expert=None, *, form=None, errors=None, extra=0, status=falcon.HTTP_200):
        certificates = experts.certificates_of(expert) if expert else []
        form = form if form is not None else experts.expert_form(expert, certificates)
        today = dt.date.today()
        self.page(req, resp, "experts/form.html", title=expert.full_name if expert else "Добавить эксперта",
                  status=status, expert=expert, form=form, errors=errors or {},
                  blocks=experts.block_numbers(form, extra),
                  qualifications=[(q.id, f"{q.code} — {q.title}") for q in experts.qualifications_of(spk)],
                  certificates={c.id: c for c in certificates},
                  certificate_status=lambda c: experts.certificate_status(c, today),
                  expert_state=experts.expert_status(expert, certificates, today) if expert else None,
                  status_classes=STATUS_CLASSES, notice=self.notice(req, NOTICES))

    def save(self, req, resp, spk, expert=None):
        form = read_form(req)
        if form.get("add_block"):  # «+ Добавить квалификацию»: one more empty block, nothing saved
            self.form_page(req, resp, spk, expert, form=form, extra=1)
            return
        self.save_form(req, resp, lambda form: experts.save_expert(spk, form, expert),
                       lambda form, errors: self.form_page(req, resp, spk, expert, form=form, errors=errors),
                       lambda saved: f"/experts/{saved.id}?notice={'saved' if expert else 'created'}")


class ExpertsListResource(_ExpertsBase):
    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        query = (req.get_param("q") or "").strip()[:200]
        page, rows = experts.list_experts(spk, query, req.get_param_as_int("page", default=1, min_value=1))
        self.page(req, resp, "experts/list.html", title="Эксперты", page=page, rows=rows, q=query,
                  links=page_links(page, {"q": query}), status_classes=STATUS_CLASSES,
                  notice=self.notice(req, NOTICES))


class ExpertNewResource(_ExpertsBase):
    def on_get(self, req, resp):
        _user, spk = self.guard(req)
        self.form_page(req, resp, spk)

    def on_post(self, req, resp):
        _user, spk = self.guard(req)
        self.save(req, resp, spk)


class ExpertResource(_ExpertsBase):
    def on_get(self, req, resp, expert_id):
        _user, spk = self.guard(req)
        self.form_page(req, resp, spk, experts.get_expert(spk, expert_id))

    def on_post(self, req, resp, expert_id):
        _user, spk = self.guard(req)
        self.save(req, resp, spk, experts.get_expert(spk, expert_id))


class ExpertDeleteResource(_ExpertsBase):
    """Delete, or switch off an expert whom documents already name."""

    def on_post(self, req, resp, expert_id):
        _user, spk = self.guard(req)
        expert = experts.get_expert(spk, expert_id)
        if experts.delete_expert(spk, expert):
            raise self.see_other("/experts?notice=deleted")
        raise self.see_other(f"/experts/{expert.id}?notice=disabled")


class ExpertRestoreResource(_ExpertsBase):
    def on_post(self, req, resp, expert_id):
        _user, spk = self.guard(req)
        expert = experts.get_expert(spk, expert_id)
        try:
            experts.restore_expert(spk, expert)
        except ValidationError as ex:
            self.form_page(req, resp, spk, expert, errors={"form": ex.message}, status=falcon.HTTP_409)
            return
        raise self.see_other(f"/experts/{expert.id}?notice=restored")


def add_routes(app, services) -> None:
    base = "/cabinet/spk/experts"
    app.add_route(base, ExpertsListResource(services))
    app.add_route(base + "/new", ExpertNewResource(services))
    app.add_route(base + "/{expert_id:int}", ExpertResource(services))
    app.add_route(base + "/{expert_id:int}/delete", ExpertDeleteResource(services))
    app.add_route(base + "/{expert_id:int}/restore", ExpertRestoreResource(services))

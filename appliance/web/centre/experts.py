"""«Эксперты»: the СПК's experts and their certificates; the ЦОК's Администратор edits, others look."""
from __future__ import annotations

import logging
import math

import falcon

from appliance.web.centre.common import CentreResource, form_errors, page_links
from core.web.forms import read_form
from core import audit
from core.exceptions import MailDeliveryError, ValidationError
from core.services import auth, catalog
from core.services import experts as experts_service
from core.services.applicant_profile import Checker

log = logging.getLogger(__name__)
NOTICES = {
    "created": "Эксперт добавлен. Ссылка для установки пароля отправлена на его адрес электронной почты.",
    "updated": "Изменения сохранены.",
    "deleted": "Эксперт удалён.",
    "certificate": "Свидетельство добавлено.",
    "certificate_removed": "Свидетельство удалено.",
    "invited": "Ссылка для установки пароля отправлена повторно.",
}


def _expert_form(form: dict[str, str]) -> experts_service.ExpertForm:
    return experts_service.ExpertForm(full_name=form.get("full_name", ""), email=form.get("email", ""),
                                      phone=form.get("phone", ""), position=form.get("position", ""))


def _as_form(expert) -> dict[str, str]:
    return {"full_name": expert.full_name, "email": expert.email, "phone": expert.phone or "",
            "position": expert.position or ""}


def _certificate_form(form: dict[str, str]) -> experts_service.CertificateForm:
    """Read the certificate fields; every wrong one is reported next to itself."""
    check = Checker()
    dates = {name: check(catalog.parse_date, form.get(name), name, label) for name, label in (
        ("valid_from", "Действует с"), ("valid_to", "Действует по"), ("protocol_date", "Дата протокола"))}
    qualification = form.get("qualification", "")
    if not qualification.isdigit():
        check.add("qualification", "Выберите квалификацию из справочника СПК.")
    check.raise_if_any()
    return experts_service.CertificateForm(int(qualification), dates["valid_from"], dates["valid_to"],
                                           form.get("protocol_number", ""), dates["protocol_date"])


class _ExpertsBase(CentreResource):
    section = "experts"

    def manager(self, req, cabinet):
        user = self.guard(req, cabinet)
        if not experts_service.can_manage_experts(user):
            raise falcon.HTTPForbidden(description="Изменять базу экспертов может только Администратор ЦОК; "
                                                   "остальные сотрудники видят её без изменения.")
        return user

    def invite(self, expert) -> str | None:
        """Mail a one-time link; a Russian warning when the mail server refused."""
        try:
            auth.send_password_link(self.services.config, self.services.mailer, expert)
        except MailDeliveryError as ex:
            log.warning("password link to expert %s not sent: %s", expert.id, ex)
            return f"{ex} Эксперт сохранён; отправьте ссылку повторно, когда почта заработает."
        return None

    def expert_page(self, req, resp, user, expert=None, *, form=None, errors=None, cert_form=None,
                    status=falcon.HTTP_200):
        certificates = experts_service.certificates_of(expert) if expert else []
        if expert:
            audit.record("view", "user", expert.id)
        self.page(req, resp, "centre/expert.html", title=expert.full_name if expert else "Новый эксперт",
                  status=status, expert=expert, certificates=certificates,
                  can_manage=experts_service.can_manage_experts(user),
                  qualifications=experts_service.spk_qualifications(user),
                  form=form if form is not None else (_as_form(expert) if expert else {}),
                  cert_form=cert_form or {}, errors=errors or {},
                  notice=NOTICES.get(req.get_param("notice") or ""))


    def change(self, req, resp, cabinet, expert_id, form_name: str, notice: str, apply) -> None:
        """Post one of the expert page's forms: `apply(user, expert, form)`; errors re-render that form."""
        user = self.manager(req, cabinet)
        expert = experts_service.get_expert(user, expert_id)
        form = read_form(req)
        try:
            apply(user, expert, form)
        except ValidationError as ex:
            self.expert_page(req, resp, user, expert, errors=form_errors(ex), status=falcon.HTTP_422,
                             **{form_name: form})
            return
        raise self.see_other(req, f"/experts/{expert.id}?notice={notice}")


class ExpertsListResource(_ExpertsBase):
    def on_get(self, req, resp, cabinet):
        if self.other_cabinet(req, resp, cabinet):
            return
        user = self.guard(req, cabinet)
        page = req.get_param_as_int("page", default=1, min_value=1)
        experts, total = experts_service.list_experts(user, page)
        audit.record("view", "expert_list", experts_service.experts_spk_id(user), {"page": page})
        self.page(req, resp, "centre/experts.html", title="Эксперты", experts=experts, total=total,
                  pages=max(1, math.ceil(total / experts_service.PAGE_SIZE)),
                  links=page_links(page, total, experts_service.PAGE_SIZE, {}),
                  can_manage=experts_service.can_manage_experts(user),
                  notice=NOTICES.get(req.get_param("notice") or ""))


class ExpertNewResource(_ExpertsBase):
    def on_get(self, req, resp, cabinet):
        self.expert_page(req, resp, self.manager(req, cabinet))

    def on_post(self, req, resp, cabinet):
        user = self.manager(req, cabinet)
        form = read_form(req)
        try:
            expert = experts_service.create_expert(user, _expert_form(form))
        except ValidationError as ex:
            self.expert_page(req, resp, user, form=form, errors=form_errors(ex), status=falcon.HTTP_422)
            return
        warning = self.invite(expert)
        if warning:
            self.expert_page(req, resp, user, expert, errors={"form": warning})
            return
        raise self.see_other(req, f"/experts/{expert.id}?notice=created")


class ExpertResource(_ExpertsBase):
    def on_get(self, req, resp, cabinet, expert_id):
        user = self.guard(req, cabinet)
        self.expert_page(req, resp, user, experts_service.get_expert(user, expert_id))

    def on_post(self, req, resp, cabinet, expert_id):
        self.change(req, resp, cabinet, expert_id, "form", "updated",
                    lambda user, expert, form: experts_service.update_expert(user, expert, _expert_form(form)))


class ExpertDeleteResource(_ExpertsBase):
    def on_post(self, req, resp, cabinet, expert_id):
        user = self.manager(req, cabinet)
        expert = experts_service.get_expert(user, expert_id)
        try:
            experts_service.delete_expert(user, expert)
        except ValidationError as ex:
            self.expert_page(req, resp, user, expert, errors={"form": ex.message}, status=falcon.HTTP_409)
            return
        raise self.see_other(req, "/experts?notice=deleted")


class ExpertInviteResource(_ExpertsBase):
    def on_post(self, req, resp, cabinet, expert_id):
        user = self.manager(req, cabinet)
        warning = self.invite(experts_service.get_expert(user, expert_id))
        if warning:
            raise falcon.HTTPServiceUnavailable(title="Письмо не отправлено", description=warning)
        raise self.see_other(req, f"/experts/{expert_id}?notice=invited")


class CertificateAddResource(_ExpertsBase):
    def on_post(self, req, resp, cabinet, expert_id):
        self.change(req, resp, cabinet, expert_id, "cert_form", "certificate",
                    lambda user, expert, form: experts_service.add_certificate(user, expert, _certificate_form(form)))


class CertificateDeleteResource(_ExpertsBase):
    def on_post(self, req, resp, cabinet, expert_id, certificate_id):
        user = self.manager(req, cabinet)
        expert = experts_service.get_expert(user, expert_id)
        experts_service.remove_certificate(user, experts_service.get_certificate(user, expert, certificate_id))
        raise self.see_other(req, f"/experts/{expert.id}?notice=certificate_removed")

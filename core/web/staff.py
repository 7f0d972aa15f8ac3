"""«Сотрудники»: the organisation's Администратор creates, edits and deletes staff accounts."""
from __future__ import annotations

import logging
import math

import falcon

from core.web.forms import read_form
from core.web.guards import require_cabinet, require_staff_admin
from core.web.render import render
from core import audit
from core.context import Services
from core.exceptions import MailDeliveryError, ValidationError
from core.models import ROLE_TITLES, STAFF_ROLES, Cabinet
from core.services import auth
from core.services import users as staff_service

log = logging.getLogger(__name__)
STAFF_CABINETS = {Cabinet.SPK, Cabinet.COK, Cabinet.VENUE, Cabinet.EMPLOYER}
ROLE_CHOICES = [(r.value, ROLE_TITLES[r]) for r in sorted(STAFF_ROLES, key=lambda r: r.value)]


class _StaffBase:
    def __init__(self, services: Services):
        self.services = services

    def _guard(self, req, cabinet):
        user, cab = require_cabinet(req, cabinet, self.services.plugins)
        if cab not in STAFF_CABINETS:
            raise falcon.HTTPNotFound()
        require_staff_admin(user)
        req.context.current_section = "staff"
        return user, cab, user.organisation

    def _form_page(self, req, resp, *, member=None, form=None, error=None, field=None, status=falcon.HTTP_200):
        render(self.services.templates, req, resp, "staff_form.html", status=status, member=member,
               form=form or {}, error=error, error_field=field, role_choices=ROLE_CHOICES,
               title="Редактирование сотрудника" if member else "Новый сотрудник")

    def _invite(self, member) -> str | None:
        """Mail a one-time link; return a Russian warning if the mail server refused."""
        try:
            auth.send_password_link(self.services.config, self.services.mailer, member)
        except MailDeliveryError as ex:
            return f"{ex} Учётная запись сохранена; отправьте ссылку повторно, когда почта заработает."
        return None


def _form_to_staff(form: dict[str, str]) -> staff_service.StaffForm:
    return staff_service.StaffForm(email=form.get("email", ""), full_name=form.get("full_name", ""),
                                   role=form.get("role", ""), phone=form.get("phone", ""),
                                   position=form.get("position", ""))


def _member_form(member) -> dict[str, str]:
    return {"email": member.email, "full_name": member.full_name, "role": member.role,
            "phone": member.phone or "", "position": member.position or ""}


class StaffListResource(_StaffBase):
    def on_get(self, req, resp, cabinet):
        user, cab, org = self._guard(req, cabinet)
        page = max(req.get_param_as_int("page", default=1, min_value=1), 1)
        members, total = staff_service.list_staff(user, org, page)
        audit.record("view", "staff_list", org.id, {"page": page})
        render(self.services.templates, req, resp, "staff_list.html", title="Сотрудники", members=members,
               total=total, page=page, pages=max(1, math.ceil(total / staff_service.PAGE_SIZE)),
               notice=NOTICES.get(req.get_param("notice") or ""))


NOTICES = {
    "created": "Сотрудник добавлен. Ссылка для установки пароля отправлена на его адрес электронной почты.",
    "updated": "Изменения сохранены.",
    "deleted": "Сотрудник удалён.",
    "invited": "Ссылка для установки пароля отправлена повторно.",
}


class StaffNewResource(_StaffBase):
    def on_get(self, req, resp, cabinet):
        self._guard(req, cabinet)
        self._form_page(req, resp, form={"role": "operator"})

    def on_post(self, req, resp, cabinet):
        user, cab, org = self._guard(req, cabinet)
        form = read_form(req)
        try:
            member = staff_service.create_staff(user, org, _form_to_staff(form))
        except ValidationError as ex:
            self._form_page(req, resp, form=form, error=str(ex), field=ex.field, status=falcon.HTTP_422)
            return
        warning = self._invite(member)
        if warning:
            self._form_page(req, resp, member=member, form=form, error=warning, status=falcon.HTTP_200)
            return
        raise falcon.HTTPSeeOther(f"/cabinet/{cab.value}/staff?notice=created")


class StaffMemberResource(_StaffBase):
    def on_get(self, req, resp, cabinet, user_id):
        user, cab, org = self._guard(req, cabinet)
        member = staff_service.get_staff_member(user, org, user_id)
        audit.record("view", "user", member.id)
        self._form_page(req, resp, member=member, form=_member_form(member))

    def on_post(self, req, resp, cabinet, user_id):
        user, cab, org = self._guard(req, cabinet)
        member = staff_service.get_staff_member(user, org, user_id)
        form = read_form(req)
        try:
            staff_service.update_staff(user, org, member, _form_to_staff(form))
        except ValidationError as ex:
            self._form_page(req, resp, member=member, form=form, error=str(ex), field=ex.field,
                            status=falcon.HTTP_422)
            return
        raise falcon.HTTPSeeOther(f"/cabinet/{cab.value}/staff?notice=updated")


class StaffDeleteResource(_StaffBase):
    def on_post(self, req, resp, cabinet, user_id):
        user, cab, org = self._guard(req, cabinet)
        member = staff_service.get_staff_member(user, org, user_id)
        try:
            staff_service.delete_staff(user, org, member)
        except ValidationError as ex:
            self._form_page(req, resp, member=member, form=_member_form(member),
                            error=str(ex), status=falcon.HTTP_409)
            return
        raise falcon.HTTPSeeOther(f"/cabinet/{cab.value}/staff?notice=deleted")


class StaffInviteResource(_StaffBase):
    def on_post(self, req, resp, cabinet, user_id):
        user, cab, org = self._guard(req, cabinet)
        member = staff_service.get_staff_member(user, org, user_id)
        warning = self._invite(member)
        if warning:
            raise falcon.HTTPServiceUnavailable(title="Письмо не отправлено", description=warning)
        raise falcon.HTTPSeeOther(f"/cabinet/{cab.value}/staff?notice=invited")

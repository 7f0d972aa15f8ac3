"""«Реестр соискателей»: the organisation's applicants, their applications, exam dates (seed 003, п. 7–8)."""
from __future__ import annotations

import datetime as dt
import logging

import falcon

from appliance.web.employer.calendar import WEEKDAYS, month_calendar, parse_month
from appliance.web.employer.common import BASE, EmployerResource, form_errors, pages
from core.web.forms import read_form
from core import audit
from core.exceptions import MailDeliveryError, ValidationError
from core.services import auth, employer, scheduling
from core.services import group_applications as groups
from core.validators import format_snils
from core.workflow import ActorKind, Status

log = logging.getLogger(__name__)
NOTICES = {
    "added": "Соискатель добавлен: ему отправлены письмо со ссылкой для установки пароля и пояснение, что "
             "заполнить в личном кабинете.",
    "mail_failed": "Соискатель добавлен, но письмо со ссылкой не отправлено: почтовый сервер недоступен. "
                   "Соискатель может запросить ссылку на странице «Забыли пароль?».",
    "enrolled": "Заявление создано: соискатель заполнит его в своём личном кабинете.",
    "linked": "Заявление включено в групповую заявку.",
    "date": "Дата выбрана и отправлена в ЦОК на подтверждение.",
    "released": "Выбранная дата отменена: выберите другую.",
}
STATUS_CHOICES = [(s.value, s.title) for s in Status]


def _row_choices(lines) -> list[tuple[str, str]]:
    return [(str(line.row.id), line.label) for line in lines if line.free > 0]


class _RegisterPage(EmployerResource):
    section = "applicants"


class ApplicantListResource(_RegisterPage):
    def on_get(self, req, resp):
        user, organisation = self.guard(req)
        page = req.get_param_as_int("page", default=1, min_value=1)
        name, status = req.get_param("name") or "", req.get_param("status") or ""
        applications, total = employer.register(user, organisation, page=page, name=name, status=status)
        audit.record("view", "employer_register", organisation.id, {"page": page, "name": name, "status": status})
        query = "&".join(f"{k}={v}" for k, v in (("name", name), ("status", status)) if v)
        self.page(req, resp, "employer/applicants.html", title="Реестр соискателей", applications=applications,
                  total=total, page=page, pages=pages(total, employer.PAGE_SIZE), name=name, status_filter=status,
                  status_choices=STATUS_CHOICES, query=f"&{query}" if query else "")


class ApplicantNewResource(_RegisterPage):
    """Add an employee: an applicant account (one-time link) and their application for a row."""

    def _show(self, req, resp, organisation, form, errors=None):
        self.page(req, resp, "employer/applicant_new.html", title="Добавление соискателя", form=form,
                  errors=errors or {}, row_choices=_row_choices(groups.enrolling_rows(organisation)),
                  status=self.status_of(errors or {}))

    def on_get(self, req, resp):
        _, organisation = self.guard(req)
        self._show(req, resp, organisation, {"row": req.get_param("row") or ""})

    def on_post(self, req, resp):
        user, organisation = self.guard(req)
        form = read_form(req)
        try:
            application = employer.add_applicant(user, organisation, form)
        except ValidationError as ex:
            self._show(req, resp, organisation, form, form_errors(ex))
            return
        notice = "added"
        try:
            auth.send_password_link(self.services.config, self.services.mailer, application.applicant)
        except MailDeliveryError as ex:
            log.warning("applicant link mail failed: %s", ex)
            notice = "mail_failed"
        raise falcon.HTTPSeeOther(f"{BASE}/applicants/{application.applicant_id}?notice={notice}")


class ApplicantResource(_RegisterPage):
    """One person of the register: their applications, dates, statuses; a new application for a row."""

    def _show(self, req, resp, user, organisation, applicant_id, *, form=None, errors=None, link_errors=None,
              link_for=None, notice=None):
        applicant, applications = employer.member(user, organisation, applicant_id)
        audit.record("view", "user", applicant.id, {"by": "employer"})
        rows = groups.enrolling_rows(organisation)
        snils = next((a.snils for a in applications if a.snils), None)
        failed = errors or link_errors
        self.page(req, resp, "employer/applicant.html", title=applicant.full_name, applicant=applicant,
                  snils=format_snils(snils) if snils else "—", applications=applications, form=form or {},
                  errors=errors or {}, link_errors=link_errors or {}, link_for=link_for, notice=notice,
                  row_choices=_row_choices(rows),
                  link_choices={a.id: _row_choices(employer.link_rows(organisation, a)) for a in applications
                                if a.group_application_id is None},
                  status=falcon.HTTP_422 if failed else falcon.HTTP_200)

    def on_get(self, req, resp, applicant_id):
        user, organisation = self.guard(req)
        self._show(req, resp, user, organisation, applicant_id, notice=NOTICES.get(req.get_param("notice") or ""))

    def on_post(self, req, resp, applicant_id):
        user, organisation = self.guard(req)
        form = read_form(req)
        try:
            employer.enrol_member(user, organisation, applicant_id, form)
        except ValidationError as ex:
            self._show(req, resp, user, organisation, applicant_id, form=form, errors=form_errors(ex))
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applicants/{applicant_id}?notice=enrolled")


class ApplicationLinkResource(_RegisterPage):
    """Take an application whose applicant chose this employer as payer into a group application row."""

    def on_post(self, req, resp, application_id):
        user, organisation = self.guard(req)
        application = employer.member_application(user, organisation, application_id)
        try:
            employer.link_application(user, organisation, application_id, read_form(req))
        except ValidationError as ex:
            ApplicantResource(self.services)._show(req, resp, user, organisation, application.applicant_id,
                                                   link_errors=form_errors(ex), link_for=application.id)
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applicants/{application.applicant_id}?notice=linked")


class ExamDateResource(_RegisterPage):
    """«Согласование даты экзамена»: the venue's calendar; «Согласовать» takes a seat (choose_slot)."""

    def _show(self, req, resp, application, errors=None):
        today = dt.date.today()
        first = parse_month(req.get_param("month"), today)
        choosing = Status(application.status) is Status.PAID_DATE_AGREEMENT
        month = month_calendar(application.venue, application.qualification, first, today) if choosing else None
        self.page(req, resp, "employer/exam_date.html", title="Согласование даты экзамена", application=application,
                  month=month, weekdays=WEEKDAYS, choosing=choosing,
                  changeable=Status(application.status) is Status.PAID_DATE_CONFIRMATION,
                  errors=errors or {}, status=self.status_of(errors or {}))

    def on_get(self, req, resp, application_id):
        user, organisation = self.guard(req)
        self._show(req, resp, employer.member_application(user, organisation, application_id))

    def on_post(self, req, resp, application_id):
        user, organisation = self.guard(req)
        application = employer.member_application(user, organisation, application_id)
        form = read_form(req)
        try:
            if form.get("action") == "release":
                scheduling.release_slot(ActorKind.EMPLOYER, user, application, self.services.plugins)
                notice = "released"
            else:
                slot = employer.slot_for(application, form.get("slot"))
                scheduling.choose_slot(ActorKind.EMPLOYER, user, application, slot, self.services.plugins)
                notice = "date"
        except ValidationError as ex:
            self._show(req, resp, employer.member_application(user, organisation, application_id), form_errors(ex))
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applicants/{application.applicant_id}?notice={notice}")

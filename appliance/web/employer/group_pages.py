"""«Заявки»: the employer's group applications — list, header, rows, documents, sending, invoice.

Seed 003 («Мои заявки», «Редактирование групповой заявки»): the header (ЦОК, профстандарт,
порядок расчётов) is saved first; then rows and the organisation's documents are added and
«Сохранить и отправить заявку» becomes possible.
"""
from __future__ import annotations

import falcon

from appliance.web.employer.common import BASE, EmployerResource, form_errors, pages
from core.web.downloads import send_blob
from appliance.web.employer.files import read_upload
from core.web.forms import read_form
from core import audit
from core.exceptions import NotFoundError, ValidationError
from core.models import Invoice, User
from core.models.billing import TERMS_TITLES
from core.services import billing, organisations
from core.services import group_applications as groups
from core.workflow import ActorKind

NOTICES = {
    "saved": "Заявка сохранена.",
    "sent": "Заявка отправлена в ЦОК: статус «На рассмотрении». Теперь добавьте сотрудников в «Реестре соискателей».",
    "row": "Квалификация добавлена в заявку.",
    "row_deleted": "Строка удалена.",
    "document": "Документ прикреплён.",
    "document_deleted": "Документ удалён.",
    "withdrawn": "Заявка отозвана.",
}
STATUS_CHOICES = [(s.value, s.title) for s in groups.GroupStatus]


def _choices(items, text=str) -> list[tuple[str, str]]:
    return [(str(item.id), text(item)) for item in items]


def _header_form(group) -> dict[str, str]:
    return {"cok": str(group.cok_id), "prof_standard": str(group.prof_standard_id),
            "payment_terms": group.payment_terms}


class _GroupPage(EmployerResource):
    section = "applications"

    def header_choices(self) -> dict:
        return {"centre_choices": _choices(groups.centre_choices(), lambda o: o.short_name),
                "standard_choices": _choices(groups.prof_standard_choices()),
                "terms_choices": list(TERMS_TITLES.items())}

    def detail(self, req, resp, user: User, group, *, form=None, errors=None, row_form=None, row_errors=None,
               doc_form=None, doc_errors=None, notice=None) -> None:
        """The group application page; a failed sub-form shows its errors under its own fields."""
        editable = groups.GroupStatus(group.status) in groups.EDITABLE
        invoices = list(group.invoices.where(Invoice.cancelled_at.is_null()).order_by(Invoice.id))
        failed = errors or row_errors or doc_errors
        self.page(req, resp, "employer/application.html", title=f"Групповая заявка {group.number or ''}".strip(),
                  group=group, status_title=groups.GroupStatus(group.status).title, editable=editable,
                  actions=groups.group_actions(group, ActorKind.EMPLOYER),
                  form=form or _header_form(group), errors=errors or {},
                  rows=groups.row_lines(group), row_form=row_form or {}, row_errors=row_errors or {},
                  qualification_choices=_choices(groups.qualification_choices(group), lambda q: q.title)
                  if editable else [],
                  venue_choices=_choices(groups.venue_choices(group), lambda o: o.short_name) if editable else [],
                  documents=list(groups.organisation_documents(group.employer)), doc_form=doc_form or {},
                  doc_errors=doc_errors or {}, invoices=[(i, billing.invoice_documents(i)) for i in invoices],
                  members=groups.members(group), organisation=organisations.own_organisation(user),
                  terms_title=TERMS_TITLES.get(group.payment_terms, ""), notice=notice,
                  status=falcon.HTTP_422 if failed else falcon.HTTP_200, **self.header_choices())

    def group(self, req, group_id: int):
        user, organisation = self.guard(req)
        return user, organisation, groups.get_group(user, organisation, group_id)


class GroupListResource(_GroupPage):
    def on_get(self, req, resp):
        user, organisation = self.guard(req)
        page = req.get_param_as_int("page", default=1, min_value=1)
        status = req.get_param("status") or ""
        lines, total = groups.list_groups(user, organisation, page=page, status=status)
        self.page(req, resp, "employer/applications.html", title="Мои заявки", lines=lines, total=total, page=page,
                  pages=pages(total, groups.PAGE_SIZE), status_filter=status, status_choices=STATUS_CHOICES,
                  notice=NOTICES.get(req.get_param("notice") or ""))


class GroupNewResource(_GroupPage):
    def on_get(self, req, resp):
        self.guard(req)
        self.page(req, resp, "employer/application_new.html", title="Новая групповая заявка",
                  form=groups.new_group_defaults(), **self.header_choices())

    def on_post(self, req, resp):
        user, organisation = self.guard(req)
        form = read_form(req)
        try:
            group = groups.save_group(user, organisation, form)
        except ValidationError as ex:
            self.page(req, resp, "employer/application_new.html", title="Новая групповая заявка", form=form,
                      errors=form_errors(ex), status=falcon.HTTP_422, **self.header_choices())
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{group.id}?notice=saved")


class GroupResource(_GroupPage):
    """GET: the page. POST: «Сохранить» the header, or «Сохранить и отправить заявку» (action=send)."""

    def on_get(self, req, resp, group_id):
        user, _, group = self.group(req, group_id)
        self.detail(req, resp, user, group, notice=NOTICES.get(req.get_param("notice") or ""))

    def on_post(self, req, resp, group_id):
        user, organisation, group = self.group(req, group_id)
        form = read_form(req)
        try:
            groups.save_group(user, organisation, form, group)
            if form.get("action") == "send":
                groups.change_group_status(group, groups.GroupStatus.SUBMITTED, ActorKind.EMPLOYER, user,
                                           self.services.plugins)
        except ValidationError as ex:
            self.detail(req, resp, user, groups.get_group(user, organisation, group_id), form=form,
                        errors=form_errors(ex))
            return
        notice = "sent" if form.get("action") == "send" else "saved"
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{group.id}?notice={notice}")


class GroupStatusResource(_GroupPage):
    """«Отозвать заявку», «Удалить черновик», «Отправить повторно» — only the employer's moves of the table."""

    def on_post(self, req, resp, group_id):
        user, organisation, group = self.group(req, group_id)
        form = read_form(req)
        wanted = next((t.target for t in groups.group_actions(group, ActorKind.EMPLOYER)
                       if t.target.value == form.get("target")), None)
        try:
            if wanted is None:
                raise ValidationError("Это действие с заявкой сейчас недоступно.")
            groups.change_group_status(group, wanted, ActorKind.EMPLOYER, user, self.services.plugins,
                                       comment=form.get("comment") or None)
        except ValidationError as ex:
            self.detail(req, resp, user, groups.get_group(user, organisation, group_id), errors=form_errors(ex))
            return
        notice = "sent" if wanted is groups.GroupStatus.SUBMITTED else "withdrawn"
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{group.id}?notice={notice}")


class GroupRowsResource(_GroupPage):
    """«Добавление квалификации»: qualification × venue × number of people."""

    def on_post(self, req, resp, group_id):
        user, organisation, group = self.group(req, group_id)
        form = read_form(req)
        try:
            groups.add_row(user, organisation, group, form)
        except ValidationError as ex:
            self.detail(req, resp, user, group, row_form=form, row_errors=form_errors(ex))
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{group.id}?notice=row")


class GroupRowDeleteResource(_GroupPage):
    def on_post(self, req, resp, group_id, row_id):
        user, organisation, group = self.group(req, group_id)
        try:
            groups.delete_row(user, organisation, group, row_id)
        except ValidationError as ex:
            self.detail(req, resp, user, group, row_errors=form_errors(ex))
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{group.id}?notice=row_deleted")


class GroupDocumentsResource(_GroupPage):
    """«Добавление документа» (multipart; the CSRF token travels in the action URL)."""

    def on_post(self, req, resp, group_id):
        user, organisation, group = self.group(req, group_id)
        fields: dict[str, str] = {}
        try:
            upload = read_upload(req, self.services, fields)
            groups.add_organisation_document(user, organisation, upload, fields.get("title", ""))
        except ValidationError as ex:
            self.detail(req, resp, user, group, doc_form=fields, doc_errors=form_errors(ex))
            return
        raise falcon.HTTPSeeOther(f"{BASE}/applications/{group.id}?notice=document")


class GroupInvoiceFileResource(_GroupPage):
    """The contract and invoice the ЦОК issued for this group application."""

    def on_get(self, req, resp, group_id, invoice_id, index):
        _, _, group = self.group(req, group_id)
        invoice = Invoice.get_or_none((Invoice.id == invoice_id) & (Invoice.group_application == group))
        files = billing.invoice_documents(invoice) if invoice else []
        if not 0 <= index < len(files):
            raise NotFoundError("Документ не найден.")
        title, digest, filename = files[index]
        audit.record("download", "invoice", invoice.id, {"document": title})
        send_blob(resp, self.services.blobs, digest, filename)

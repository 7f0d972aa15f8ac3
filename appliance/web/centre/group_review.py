"""Review of an employer's group application by the ЦОК or a venue (queue tab «Работодатели»).

Seed 003: the specialist sees the employer's requisites, the rows (qualification × people ×
venue) and the organisation's documents, then returns the application for fixes or rejects it
with a reason, or issues the contract and invoice («Ожидает оплаты», порядок расчётов chosen by
the employer). With postpayment the ЦОК may let the staff agree their exam dates before the
money arrives. A ЦОК opens the group applications addressed to it, a venue those with a row at
it (`review.visible_group_applications`); anything else, drafts included, is 404.

The page names the employer's staff, so every view and download is audited.
"""
from __future__ import annotations

import falcon


from appliance.web.centre.common import CentreResource, form_errors
from core.web.downloads import send_blob
from core.web.forms import read_form
from core import audit
from core.documents.invoice import group_lines
from core.exceptions import NotFoundError, ValidationError
from core.models import GroupApplication, Invoice, OrgKind, StoredDocument, User
from core.models.billing import TERMS_POSTPAYMENT, TERMS_TITLES
from core.services import billing, review
from core.services import group_applications as groups
from core.services.payments import format_rub
from core.workflow import ActorKind, Status

GroupStatus = groups.GroupStatus
NOTICES = {
    GroupStatus.NEEDS_FIX.value: "Заявка возвращена на доработку; работодатель получил письмо с причиной.",
    GroupStatus.REJECTED.value: "Заявка отклонена; работодатель получил письмо с причиной.",
    "invoice": "Договор и счёт сформированы; работодатель получил письмо.",
    "allow_dates": "Сотрудникам разрешено согласовать даты экзамена до оплаты.",
}


class _GroupBase(CentreResource):
    section = "applications"

    def load(self, req, cabinet: str, group_id: int) -> tuple[User, GroupApplication]:
        """The group application if the user's ЦОК or venue may open it (others and drafts: 404)."""
        user = self.guard(req, cabinet)
        review.require_reviewer(user)
        group = (review.visible_group_applications(user)
                 .where((GroupApplication.id == group_id) & (GroupApplication.status != GroupStatus.DRAFT.value))
                 .first())
        if group is None:
            raise NotFoundError("Групповая заявка не найдена.")
        return user, group

    def send(self, resp, digest: str, filename: str, content_type: str | None = None) -> None:
        send_blob(resp, self.services.blobs, digest, filename, content_type)


def _estimate(group: GroupApplication) -> tuple[str, str]:
    """(sum at the ЦОК's prices, why there is none) — shown before «Выставить счёт»."""
    try:
        return format_rub(sum(line.total for line in group_lines(group))), ""
    except ValidationError as ex:
        return "", ex.message


class GroupReviewResource(_GroupBase):
    def on_get(self, req, resp, cabinet, group_id):
        user, group = self.load(req, cabinet, group_id)
        self.show(req, resp, user, group, notice=NOTICES.get(req.get_param("notice") or ""))

    def show(self, req, resp, user, group, *, form=None, errors=None, status=falcon.HTTP_200, notice=None):
        transitions = groups.group_actions(group, ActorKind.CENTRE)
        members = groups.members(group)
        if user.organisation.kind == OrgKind.VENUE.value:  # a venue sees only the staff examined at it
            members = [m for m in members if m.venue_id == user.organisation_id]
        invoices = list(group.invoices.order_by(Invoice.id.desc()))
        can_invoice = any(t.target is GroupStatus.AWAITING_PAYMENT for t in transitions)
        postpayment = group.payment_terms == TERMS_POSTPAYMENT
        estimate, no_estimate = _estimate(group) if can_invoice else ("", "")
        audit.record("view", "group_application", group.id)
        self.page(req, resp, "centre/group_application.html",
                  title=f"Групповая заявка {group.number or group.id}", status=status, group=group,
                  status_title=GroupStatus(group.status).title, employer=group.employer,
                  terms_title=TERMS_TITLES.get(group.payment_terms, group.payment_terms),
                  rows=groups.row_lines(group), documents=list(groups.organisation_documents(group.employer)),
                  members=members, member_titles={s.value: s.title for s in Status},
                  draft=Status.DRAFT.value,
                  decisions=[t for t in transitions if t.target in groups.CENTRE_DECISIONS],
                  can_invoice=can_invoice, estimate=estimate, no_estimate=no_estimate,
                  invoices=[(inv, billing.invoice_documents(inv)) for inv in invoices], format_rub=format_rub,
                  can_allow_dates=(postpayment and group.status == GroupStatus.AWAITING_PAYMENT.value
                                   and bool(groups.waiting_members(group))),
                  postpayment=postpayment, history=groups.group_history(group),
                  form=form or {}, errors=errors or {}, notice=notice)

    def on_post(self, req, resp, cabinet, group_id):
        user, group = self.load(req, cabinet, group_id)
        form = read_form(req)
        action = form.get("action") or ""
        plugins = self.services.plugins
        try:
            if action in (GroupStatus.NEEDS_FIX.value, GroupStatus.REJECTED.value):
                groups.decide_group(user, group, GroupStatus(action), form.get("reason", ""), plugins)
            elif action == "invoice":
                billing.issue_group_invoice(group, user, self.services.blobs, plugins)
            elif action == "allow_dates":
                groups.allow_dates_before_payment(user, group, plugins)
            else:
                raise falcon.HTTPBadRequest(description="Неизвестное действие с групповой заявкой.")
        except ValidationError as ex:
            self.show(req, resp, user, GroupApplication.get_by_id(group.id), form=form, errors=form_errors(ex),
                      status=falcon.HTTP_422)
            return
        raise self.see_other(req, f"/applications/groups/{group.id}?notice={action}")


class GroupDocumentResource(_GroupBase):
    """One of the employer's organisation documents («Документы организации») for the contract."""

    def on_get(self, req, resp, cabinet, group_id, document_id):
        _, group = self.load(req, cabinet, group_id)
        doc = groups.organisation_documents(group.employer).where(StoredDocument.id == document_id).first()
        if doc is None:
            raise NotFoundError("Документ не найден.")
        audit.record("view", "stored_document", doc.id, {"group_application": group.id})
        self.send(resp, doc.digest, doc.filename, doc.content_type)


class GroupInvoiceFileResource(_GroupBase):
    """A generated contract or invoice of the group application (by its digest, only if it belongs to it)."""

    def on_get(self, req, resp, cabinet, group_id, digest):
        _, group = self.load(req, cabinet, group_id)
        for invoice in group.invoices:
            for _title, file_digest, filename in billing.invoice_documents(invoice):
                if file_digest == digest:
                    audit.record("view", "invoice", invoice.id, {"file": filename})
                    self.send(resp, digest, filename)
                    return
        raise NotFoundError("Файл не найден.")

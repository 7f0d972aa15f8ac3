"""Review of an application through HTTP: snapshot, documents «Принято»/«Отклонено», доработка,
contract and invoice; another ЦОК's application, document and files answer 404."""
import re
from decimal import Decimal

import pytest

from centre_world import PROFILE
from core.audit import AuditRecord
from core.models import Application, ApplicationDocument, ApplicationStatusChange, Invoice, Price
from core.services import organisations
from core.workflow import Status

PDF = b"%PDF-1.4\n% test document\n"


@pytest.fixture
def submitted(world, services):
    application = world.application("Соколов Дмитрий Олегович")
    digest = services.blobs.put(PDF).digest
    ApplicationDocument.update(digest=digest).where(ApplicationDocument.application == application).execute()
    return application


def _docs(submitted):
    return list(ApplicationDocument.select().where(ApplicationDocument.application == submitted)
                .order_by(ApplicationDocument.id))


def test_page_shows_snapshot_and_documents_and_is_audited(submitted, signed_in):
    web = signed_in("operator@cok.ru")
    page = web.get(f"/cabinet/cok/applications/{submitted.id}")
    assert page.status_code == 200
    for text in ("Соколов Дмитрий Олегович", "112-233-445 95", "17.05.1990", "Колледж № 1", "ООО «Мост»",
                 "по настоящее время", "На рассмотрении", "Паспорт", "Диплом", "Принято", "Отклонено",
                 "Отправить на доработку", "Сохранить"):
        assert text in page.text, text
    assert AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "application")
                                      & (AuditRecord.entity_id == str(submitted.id))).exists()
    doc = _docs(submitted)[0]
    download = web.get(f"/cabinet/cok/applications/{submitted.id}/documents/{doc.id}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf" and "attachment" in download.headers[
        "content-disposition"]
    assert AuditRecord.select().where(AuditRecord.entity == "application_document").exists()


def test_rejection_needs_a_reason_and_keeps_input(submitted, signed_in):
    web = signed_in("admin@cok.ru")
    web.get(f"/cabinet/cok/applications/{submitted.id}")
    passport, diploma = _docs(submitted)
    page = web.post(f"/cabinet/cok/applications/{submitted.id}", {
        "action": "save", f"verdict_{passport.id}": "accepted", f"verdict_{diploma.id}": "rejected",
        f"reason_{diploma.id}": "  "})
    assert page.status_code == 422 and "укажите причину отклонения" in page.text
    assert f'id="reason_{diploma.id}-error"' in page.text
    assert ApplicationDocument.get_by_id(passport.id).review == "pending", "ничего не сохранено"
    page = web.post(f"/cabinet/cok/applications/{submitted.id}", {
        "action": "save", f"verdict_{passport.id}": "maybe"})
    assert page.status_code == 422 and "выберите «Принято» или «Отклонено»" in page.text
    page = web.post(f"/cabinet/cok/applications/{submitted.id}", {
        "action": "save", f"verdict_{diploma.id}": "rejected", f"reason_{diploma.id}": "Я" * 1001})
    assert page.status_code == 422 and "не более 1000 символов" in page.text


def test_send_for_fixes_mails_the_reasons(submitted, signed_in, smtp_server):
    web = signed_in("admin@venue.ru")  # the venue of the application reviews too
    web.get(f"/cabinet/venue/applications/{submitted.id}")
    passport, diploma = _docs(submitted)
    page = web.post(f"/cabinet/venue/applications/{submitted.id}", {
        "action": "fixes", f"verdict_{passport.id}": "accepted", f"verdict_{diploma.id}": "accepted"})
    assert page.status_code == 422 and "отклоните хотя бы один документ" in page.text
    assert Application.get_by_id(submitted.id).status == Status.SUBMITTED.value
    sent = web.post(f"/cabinet/venue/applications/{submitted.id}", {
        "action": "fixes", f"verdict_{passport.id}": "accepted", f"verdict_{diploma.id}": "rejected",
        f"reason_{diploma.id}": "Скан нечитаемый, загрузите в цвете"})
    assert sent.status_code == 303, sent.text[:300]
    assert Application.get_by_id(submitted.id).status == Status.NEEDS_FIX.value
    assert ApplicationDocument.get_by_id(diploma.id).reject_reason == "Скан нечитаемый, загрузите в цвете"
    letter = smtp_server.wait_for(1)[-1]
    assert letter["To"] == submitted.applicant.email and "Скан нечитаемый" in smtp_server.body(letter)
    page = web.get(sent.headers["location"])
    assert "отправлено на доработку" in page.text and 'name="action"' not in page.text


def test_all_accepted_issues_contract_and_invoice(submitted, world, signed_in, people):
    organisations.update_profile(people["cok_admin"], world.orgs["cok"], PROFILE)
    Price.create(cok=world.orgs["cok"], qualification=world.welder, amount=Decimal("12500.00"))
    web = signed_in("admin@cok.ru")
    page = web.get(f"/cabinet/cok/applications/{submitted.id}")
    assert "Сформировать договор и счёт" not in page.text
    verdicts = {f"verdict_{d.id}": "accepted" for d in _docs(submitted)}
    assert web.post(f"/cabinet/cok/applications/{submitted.id}", {"action": "save", **verdicts}).status_code == 303
    page = web.get(f"/cabinet/cok/applications/{submitted.id}")
    assert "Сформировать договор и счёт" in page.text and "Постоплата" in page.text
    refused = web.post(f"/cabinet/cok/applications/{submitted.id}", {"action": "invoice", "payment_terms": "barter"})
    assert refused.status_code == 422 and 'id="payment_terms-error"' in refused.text
    issued = web.post(f"/cabinet/cok/applications/{submitted.id}", {"action": "invoice", "payment_terms": "postpayment"})
    assert issued.status_code == 303, re.findall(r"class=\"error\"[^>]*>([^<]*)<", issued.text)
    assert Application.get_by_id(submitted.id).status == Status.AWAITING_PAYMENT.value
    invoice = Invoice.get(Invoice.application == submitted)
    assert invoice.payment_terms == "postpayment" and Decimal(invoice.amount) == Decimal("12500.00")
    page = web.get(issued.headers["location"])
    assert "Договор и счёт сформированы" in page.text and "Не оплачен" in page.text
    assert "12\u00a0500,00\u00a0₽" in page.text and 'href="/p/payments/cok/"' in page.text
    link = f"/cabinet/cok/applications/{submitted.id}/files/{invoice.invoice_pdf}"
    assert link in page.text
    pdf = web.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    stranger = signed_in("admin@yug.ru")
    assert stranger.get(link).status_code == 404
    assert web.get(f"/cabinet/cok/applications/{submitted.id}/files/{'a' * 64}").status_code == 404


def test_invoice_is_refused_without_price(submitted, signed_in, world, people):
    organisations.update_profile(people["cok_admin"], world.orgs["cok"], PROFILE)
    web = signed_in("admin@cok.ru")
    web.get(f"/cabinet/cok/applications/{submitted.id}")
    web.post(f"/cabinet/cok/applications/{submitted.id}", {"action": "save",
                                                      **{f"verdict_{d.id}": "accepted" for d in _docs(submitted)}})
    page = web.post(f"/cabinet/cok/applications/{submitted.id}", {"action": "invoice", "payment_terms": "prepayment"})
    assert page.status_code == 422 and Application.get_by_id(submitted.id).status == Status.SUBMITTED.value
    assert not Invoice.select().exists()


@pytest.mark.parametrize("email,cabinet", [("admin@yug.ru", "cok"), ("admin@energo.ru", "cok"),
                                           ("admin@yug1.ru", "venue")])
def test_another_centre_gets_404_for_application_document_and_files(submitted, signed_in, email, cabinet):
    web = signed_in(email)
    doc = _docs(submitted)[0]
    page = web.get(f"/cabinet/{cabinet}/applications/{submitted.id}")
    assert page.status_code == 404 and "Соколов" not in page.text
    assert web.get(f"/cabinet/{cabinet}/applications/{submitted.id}/documents/{doc.id}").status_code == 404
    assert web.get(f"/cabinet/{cabinet}/applications/{submitted.id}/photo").status_code == 404
    assert web.get(f"/cabinet/{cabinet}/applications/{submitted.id}/files/{doc.digest}").status_code == 404
    web.get(f"/cabinet/{cabinet}/applications")
    result = web.post(f"/cabinet/{cabinet}/applications/{submitted.id}", {
        "action": "fixes", f"verdict_{doc.id}": "rejected", f"reason_{doc.id}": "чужое"})
    assert result.status_code == 404
    assert ApplicationDocument.get_by_id(doc.id).review == "pending"
    assert not ApplicationStatusChange.select().exists()


def test_document_of_another_application_is_404(submitted, world, signed_in):
    other = world.application("Южный Иван Петрович", cok="other_cok")
    foreign_doc = _docs(other)[0]
    web = signed_in("admin@cok.ru")
    assert web.get(f"/cabinet/cok/applications/{submitted.id}/documents/{foreign_doc.id}").status_code == 404
    assert web.get(f"/cabinet/cok/applications/{other.id}").status_code == 404
    draft = world.application("Черновиков Пётр Ильич", status=Status.DRAFT)
    assert web.get(f"/cabinet/cok/applications/{draft.id}").status_code == 404
    assert signed_in("hr@stroy.ru").get(f"/cabinet/cok/applications/{submitted.id}").status_code == 403


def test_group_block_links_to_group_choice_when_paid(submitted, signed_in):
    """«Группа» → «Изменить»: a paid candidate's page leads to the groups the application fits."""
    web = signed_in("admin@cok.ru")
    page = web.get(f"/cabinet/cok/applications/{submitted.id}")
    assert 'data-testid="group-block"' not in page.text  # still under review: no group yet
    Application.update(status=Status.PAID_DATE_AGREEMENT.value).where(Application.id == submitted.id).execute()
    page = web.get(f"/cabinet/cok/applications/{submitted.id}")
    assert "ещё не включён в экзаменационную группу" in page.text
    link = f"/cabinet/cok/theory/for-application/{submitted.id}"
    assert link in page.text
    assert web.get(link).status_code == 200

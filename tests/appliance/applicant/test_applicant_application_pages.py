"""A sent application through HTTP: verdicts, replacement, resending, contract and invoice, exam date, withdrawal."""
import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

from core.models import Application, ApplicationDocument, DocumentReview, Invoice
from core.services import applicant_profile as profiles
from core.services.scheduling import choose_slot
from core.testing import count_queries
from core.workflow import ActorKind, Status

from applicant_world import (BASE, PERSONAL, applicant_web, dark_png, field_error, other_applicant,
                             pdf_bytes, scan_jpeg, sign_in, upload, world)  # noqa: F401 (fixtures)


def _page(application):
    return f"{BASE}/applications/{application.id}"


def _reject_first(world, application, reason="Скан нечитаем: пересканируйте паспорт"):
    document = application.documents.order_by(ApplicationDocument.id).first()
    document.review, document.reject_reason = DocumentReview.REJECTED, reason
    document.save()
    world.centre_moves(application, Status.NEEDS_FIX, comment="Замените паспорт")
    return document


def test_rejected_document_is_replaced_and_the_application_resent(world, applicant_web):
    application = world.send()
    document = _reject_first(world, application)
    page = applicant_web.get(_page(application))
    assert page.status_code == 200 and "На доработке" in page.text and "Скан нечитаем" in page.text
    assert "Замените паспорт" in page.text and "Заменить" in page.text
    assert '<li class="current" aria-current="step"><strong>На доработке</strong>' in page.text
    assert '<li class="done">✓ На рассмотрении</li>' in page.text
    refused = applicant_web.post(f"{_page(application)}/resend", {})
    assert refused.status_code == 422
    assert field_error(refused.text, "documents") == f"Замените отклонённые документы: «{document.title}»."
    replace = f"{_page(application)}/documents/{document.id}/replace"
    bad = upload(applicant_web, replace, files=[("file", "паспорт.pdf", scan_jpeg(), "application/pdf")])
    assert bad.status_code == 422 and "не является PDF" in field_error(bad.text, f"replace_{document.id}")
    done = upload(applicant_web, replace, files=[("file", "паспорт.pdf", pdf_bytes(), "application/pdf")])
    assert done.status_code == 303
    fresh = ApplicationDocument.get_by_id(document.id)
    assert fresh.review == DocumentReview.PENDING and fresh.replaced_at and fresh.filename == "паспорт.pdf"
    other = application.documents.where(ApplicationDocument.id != document.id).first()
    not_rejected = upload(applicant_web, f"{_page(application)}/documents/{other.id}/replace",
                          files=[("file", "диплом.pdf", pdf_bytes(), "application/pdf")])
    assert not_rejected.status_code == 422 and "только отклонённый" in field_error(not_rejected.text,
                                                                                   f"replace_{other.id}")
    applicant_web.get(_page(application))
    resent = applicant_web.post(f"{_page(application)}/resend", {})
    assert resent.status_code == 303
    assert Application.get_by_id(application.id).status == Status.SUBMITTED.value
    assert "Подано повторно после доработки" in applicant_web.get(_page(application)).text


def test_resending_with_another_persons_data_is_refused(world, applicant_web):
    application = world.send()
    document = _reject_first(world, application)
    upload(applicant_web, f"{_page(application)}/documents/{document.id}/replace",
           files=[("file", "паспорт.png", dark_png(), "image/png")])
    profiles.save_personal_data(profiles.get_profile(world.applicant), {**PERSONAL, "snils": "123-456-789 64"})
    applicant_web.get(_page(application))
    page = applicant_web.post(f"{_page(application)}/resend", {})
    assert page.status_code == 422
    assert field_error(page.text, "person").startswith(
        "Данные личного кабинета не совпадают с данными этого заявления: СНИЛС.")
    assert Application.get_by_id(application.id).status == Status.NEEDS_FIX.value


def test_contract_and_invoice_are_downloaded_by_their_owner_only(world, applicant_web, new_web, other_applicant,
                                                                 services):
    application = world.centre_moves(world.send(), Status.AWAITING_PAYMENT)
    contract = services.blobs.put(pdf_bytes() + b"\n% contract").digest
    bill = services.blobs.put(pdf_bytes() + b"\n% invoice").digest
    Invoice.create(number="С-17", cok=world.orgs["cok"], application=application, payer_name="Соколов Д. О.",
                   amount=Decimal("15000.00"), contract_number="Д-17", issued_on=dt.date.today(),
                   contract_pdf=contract, invoice_pdf=bill)
    page = applicant_web.get(_page(application))
    assert "Договор № Д-17" in page.text and "Счёт на оплату № С-17" in page.text
    file = applicant_web.get(f"{_page(application)}/files/{bill}")
    assert file.status_code == 200 and file.content.endswith(b"% invoice")
    assert file.headers["content-type"] == "application/pdf"
    assert unquote(file.headers["content-disposition"].split("''", 1)[1]) == "Счёт С-17.pdf"
    assert applicant_web.get(f"{_page(application)}/files/{'0' * 64}").status_code == 404
    assert applicant_web.get(f"{_page(application)}/files/..%2F..%2Fetc").status_code == 404
    rival = sign_in(new_web, other_applicant.email)
    assert rival.get(f"{_page(application)}/files/{bill}").status_code == 404


def test_exam_date_is_chosen_from_free_times(world, applicant_web, other_applicant):
    free = world.slot(days_ahead=5, hour=9, seats=5)
    full = world.slot(days_ahead=5, hour=11, seats=1)
    rival_app = world.send(other_applicant, world.fill_cabinet(
        other_applicant, personal={**PERSONAL, "last_name": "Орлов", "snils": "123-456-789 64"}))
    world.centre_moves(rival_app, Status.AWAITING_PAYMENT, Status.PAID_DATE_AGREEMENT)
    choose_slot(ActorKind.APPLICANT, other_applicant, rival_app, full, world.services.plugins)
    application = world.centre_moves(world.send(), Status.AWAITING_PAYMENT, Status.PAID_DATE_AGREEMENT)
    page = applicant_web.get(_page(application))
    assert "09:00 (0/5)" in page.text and "11:00 (1/1)" in page.text
    assert re.search(rf'value="{full.id}" disabled', page.text) and not re.search(rf'value="{free.id}" disabled',
                                                                                  page.text)
    refused = applicant_web.post(f"{_page(application)}/slot", {"slot": str(full.id)})
    assert refused.status_code == 422 and "свободных мест нет" in field_error(refused.text, "slot")
    chosen = applicant_web.post(f"{_page(application)}/slot", {"slot": str(free.id)})
    assert chosen.status_code == 303
    stored = Application.get_by_id(application.id)
    assert stored.status == Status.PAID_DATE_CONFIRMATION.value and stored.slot_id == free.id
    page = applicant_web.get(_page(application))
    assert "Оплачено. Подтверждение даты" in page.text and 'data-testid="exam-date"' in page.text
    released = applicant_web.post(f"{_page(application)}/change-date", {})
    assert released.status_code == 303
    stored = Application.get_by_id(application.id)
    assert stored.status == Status.PAID_DATE_AGREEMENT.value and stored.slot_id is None


def test_withdrawal_only_where_the_status_machine_allows(world, applicant_web):
    application = world.send()
    applicant_web.get(_page(application))
    assert applicant_web.post(f"{_page(application)}/withdraw", {}).status_code == 303
    assert Application.get_by_id(application.id).status == Status.WITHDRAWN.value
    paid = world.centre_moves(world.send(), Status.AWAITING_PAYMENT, Status.PAID_DATE_AGREEMENT)
    page = applicant_web.get(_page(paid))
    assert "Отозвать заявление" not in page.text
    refused = applicant_web.post(f"{_page(paid)}/withdraw", {})
    assert refused.status_code == 400 and "отозвать нельзя" in refused.text


def test_another_applicants_application_is_not_found(world, new_web, other_applicant):
    application = world.send()
    document = application.documents.first()
    rival = sign_in(new_web, other_applicant.email)
    for path in ("", "/edit"):
        assert rival.get(f"{_page(application)}{path}").status_code == 404
    assert rival.get(f"{_page(application)}/files/{document.digest}").status_code == 404
    for action in ("resend", "withdraw", "slot", "change-date"):
        assert rival.post(f"{_page(application)}/{action}", {"slot": "1"}).status_code == 404, action
    replaced = upload(rival, f"{_page(application)}/documents/{document.id}/replace",
                      files=[("file", "x.pdf", pdf_bytes(), "application/pdf")])
    assert replaced.status_code == 404
    assert application.number not in rival.get(f"{BASE}/applications").text
    assert Application.get_by_id(application.id).status == Status.SUBMITTED.value


def test_list_shows_statuses_paginated_in_a_fixed_number_of_queries(world, applicant_web, services):
    def make(count):
        for _ in range(count):
            Application.create(applicant=world.applicant, cok=world.orgs["cok"], venue=world.venue,
                               qualification=world.qual, status=Status.SUBMITTED.value,
                               number=f"З-2026-9{Application.select().count():05d}")

    make(3)
    with count_queries(services.db) as few:
        page = applicant_web.get(f"{BASE}/applications")
    assert page.text.count('data-testid="status">На рассмотрении<') == 3
    make(20)
    with count_queries(services.db) as many:
        first = applicant_web.get(f"{BASE}/applications")
    assert len(many) == len(few), "число запросов не зависит от числа заявлений"
    assert first.text.count('data-testid="status"') == 20 and "Всего: 23" in first.text
    assert applicant_web.get(f"{BASE}/applications?page=2").text.count('data-testid="status"') == 3

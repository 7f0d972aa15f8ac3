"""Issuing contracts and invoices: the rules, the numbering, the stored documents, the status change."""
import datetime as dt
import io
import json
from decimal import Decimal

import docx
import peewee
import pytest

from core.blobstore import BlobStore
from core.documents.testing import (APPLICANT_NAME, enrol_in_group, make_billing_world, make_group_application,
                                    make_invoice, make_qualification, pdf_text)
from core.documents.texts import date_words
from core.exceptions import PermissionDeniedError, ValidationError
from core.models import (ApplicationDocument, ApplicationStatusChange, AuditRecord, Invoice, OrgKind,
                         OutgoingMail, Price, Role)
from core.models.applications import PAYER_EMPLOYER, DocumentReview
from core.plugin_api import hookimpl
from core.plugins import PluginHost
from core.services.billing import invoice_documents, issue_contract_and_invoice, issue_group_invoice, next_numbers
from core.services.group_applications import GroupStatus
from core.workflow import Status

YEAR = dt.date.today().year


class StatusListener:
    def __init__(self):
        self.seen = []

    @hookimpl
    def nok_application_status_changed(self, application, old_status, new_status, actor):
        self.seen.append((application.id, old_status, new_status, actor.email))


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(tmp_path / "blobs", b"\x07" * 32)


@pytest.fixture
def world(sqlcipher_db, factory):
    return make_billing_world(factory)


def issue(world, blobs, plugins=None, **kwargs):
    return issue_contract_and_invoice(world.application, world.staff, blobs, plugins or PluginHost(), **kwargs)


def assert_untouched(world):
    world.application = type(world.application).get_by_id(world.application.id)
    assert world.application.status == Status.SUBMITTED.value
    assert Invoice.select().count() == 0
    assert ApplicationStatusChange.select().count() == 0


def test_issue_stores_documents_and_moves_the_application(world, blobs):
    listener = StatusListener()
    invoice = issue(world, blobs, PluginHost.with_plugins({"listener": listener}))

    assert (invoice.number, invoice.contract_number) == (f"С-{YEAR}-00001", f"Д-{YEAR}-00001")
    assert invoice.amount == Decimal("15200.50")
    assert (invoice.payer_name, invoice.payer_inn, invoice.payment_terms) == (APPLICANT_NAME, None, "prepayment")
    assert invoice.issued_on == dt.date.today()

    application = type(world.application).get_by_id(world.application.id)
    assert application.status == Status.AWAITING_PAYMENT.value
    (change,) = ApplicationStatusChange.select()
    assert (change.from_status, change.to_status, change.actor_id) == ("submitted", "awaiting_payment", world.staff.id)
    assert f"Выставлен счёт № С-{YEAR}-00001, договор № Д-{YEAR}-00001." == change.comment
    assert listener.seen == [(application.id, "submitted", "awaiting_payment", "operator@cok-ot.ru")]
    letter = OutgoingMail.get(OutgoingMail.recipient == "nikolaev@example.ru")
    assert "«На рассмотрении» → «Ожидает оплаты»" in letter.body
    assert AuditRecord.select().where(AuditRecord.entity == "invoice", AuditRecord.action == "create").count() == 1

    contract = pdf_text(blobs.read(invoice.contract_pdf))
    assert f"ДОГОВОР № Д-{YEAR}-00001" in contract and date_words(invoice.issued_on) in contract
    assert f"{APPLICANT_NAME}, паспорт серия 4512 № 345678" in contract
    words = docx.Document(io.BytesIO(blobs.read(invoice.contract_docx))).paragraphs[0].text
    assert words == f"ДОГОВОР № Д-{YEAR}-00001"
    bill = pdf_text(blobs.read(invoice.invoice_pdf))
    assert f"Счёт на оплату № С-{YEAR}-00001 от {date_words(invoice.issued_on)}" in bill
    assert "Пятнадцать тысяч двести рублей 50 копеек" in bill

    assert invoice_documents(invoice) == [
        (f"Договор № Д-{YEAR}-00001", invoice.contract_pdf, f"Договор Д-{YEAR}-00001.pdf"),
        (f"Договор № Д-{YEAR}-00001 (Word, для правки)", invoice.contract_docx, f"Договор Д-{YEAR}-00001.docx"),
        (f"Счёт на оплату № С-{YEAR}-00001", invoice.invoice_pdf, f"Счёт С-{YEAR}-00001.pdf"),
    ]


def test_numbers_run_per_cok_and_year(world, blobs, factory):
    make_invoice(world, number=f"С-{YEAR - 1}-00041", contract_number=f"Д-{YEAR - 1}-00041")
    make_invoice(world, number=f"С-{YEAR}-00007", contract_number=f"Д-{YEAR}-00007")
    invoice = issue(world, blobs, payment_terms="postpayment")
    assert (invoice.number, invoice.contract_number) == (f"С-{YEAR}-00008", f"Д-{YEAR}-00008")
    assert invoice.payment_terms == "postpayment"
    make_invoice(world, number=f"С-{YEAR}-99999", contract_number=f"Д-{YEAR}-99999")
    assert next_numbers(world.cok, YEAR) == (f"С-{YEAR}-100000", f"Д-{YEAR}-100000")


def test_another_cok_has_its_own_sequence(world, blobs, factory):
    make_invoice(world, number=f"С-{YEAR}-00001", contract_number=f"Д-{YEAR}-00001")
    other = make_billing_world(factory, suffix="-2")  # a second ЦОК with the same kind of profile
    invoice = issue_contract_and_invoice(other.application, other.staff, blobs, PluginHost())
    assert invoice.number == f"С-{YEAR}-00001"


def test_employer_pays_for_its_employee(sqlcipher_db, factory, blobs):
    world = make_billing_world(factory, payer=PAYER_EMPLOYER)
    invoice = issue(world, blobs)
    assert (invoice.payer_name, invoice.payer_inn) == (world.employer.full_name, "6658051936")
    assert "Заказчик: Общество с ограниченной ответственностью «УралСтройМонтаж»" in pdf_text(
        blobs.read(invoice.invoice_pdf))


@pytest.mark.parametrize("review", [DocumentReview.PENDING, DocumentReview.REJECTED])
def test_refused_until_every_document_is_accepted(sqlcipher_db, factory, blobs, review):
    world = make_billing_world(factory, review=review)
    ApplicationDocument.create(application=world.application, kind="diploma", title="Диплом о высшем образовании",
                               filename="d.pdf", content_type="application/pdf", size=10, digest="1" * 64,
                               review=DocumentReview.ACCEPTED)
    with pytest.raises(ValidationError) as caught:
        issue(world, blobs)
    assert str(caught.value) == ("Сначала примите все документы заявления. Не приняты: "
                                 "Паспорт: страница с фотографией.")
    assert_untouched(world)


def test_refused_without_a_price(world, blobs):
    world.price.delete_instance()
    with pytest.raises(ValidationError, match="Не указана стоимость экзамена по квалификации «Специалист по охране "
                                              "труда \\(6 уровень квалификации\\)»"):
        issue(world, blobs)
    assert_untouched(world)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.NEEDS_FIX, Status.AWAITING_PAYMENT])
def test_refused_in_a_wrong_status(world, blobs, status):
    world.application.status = status.value
    world.application.save()
    with pytest.raises(ValidationError, match=f"а это заявление в статусе «{status.title}»"):
        issue(world, blobs)
    assert Invoice.select().count() == 0


def test_refused_to_staff_of_another_organisation(world, blobs, factory):
    stranger = factory.user(Role.ADMIN, factory.org(OrgKind.COK, world.spk))
    with pytest.raises(PermissionDeniedError):
        issue_contract_and_invoice(world.application, stranger, blobs, PluginHost())
    assert_untouched(world)


def test_refused_with_unknown_payment_terms(world, blobs):
    with pytest.raises(ValidationError, match="предоплата или постоплата"):
        issue(world, blobs, payment_terms="barter")


def test_incomplete_cok_profile_is_named_before_anything_changes(world, blobs):
    world.cok.bik, world.cok.corr_account = "", None
    world.cok.save()
    with pytest.raises(ValidationError) as caught:
        issue(world, blobs)
    assert str(caught.value) == "Заполните в профиле ЦОК: БИК, корреспондентский счёт."
    assert_untouched(world)


def test_failed_rendering_rolls_everything_back(world, blobs):
    world.application.personal_data = json.dumps({})
    world.application.save()
    with pytest.raises(ValidationError, match="не хватает данных соискателя"):
        issue(world, blobs)
    assert_untouched(world)
    assert OutgoingMail.select().count() == 0


def test_group_invoice_for_the_employer(world, blobs):
    welder = make_qualification(world.spk, "40.00200.02", "Сварщик ручной дуговой сварки плавящимся покрытым "
                                "электродом", 4)
    Price.create(cok=world.cok, qualification=welder, amount=Decimal("9800"))
    group = make_group_application(world, [(world.qualification, 3), (welder, 2)], payment_terms="postpayment")

    invoice = issue_group_invoice(group, world.staff, blobs)
    assert invoice.amount == Decimal("65201.50")
    assert (invoice.payer_name, invoice.payer_inn) == (world.employer.full_name, "6658051936")
    assert invoice.payment_terms == "postpayment" and invoice.group_application_id == group.id
    assert type(group).get_by_id(group.id).status == GroupStatus.AWAITING_PAYMENT.value
    letter = OutgoingMail.get(OutgoingMail.recipient == "office@usm.ru")
    assert "статус «Ожидает оплаты»" in letter.body and f"Выставлен счёт № С-{YEAR}-00001" in letter.body
    bill = pdf_text(blobs.read(invoice.invoice_pdf))
    assert "Всего наименований 2, на сумму 65 201,50 руб." in bill and "Постоплата" in bill
    contract = pdf_text(blobs.read(invoice.contract_pdf))
    assert "от имени Заказчика действует генеральный директор Волков Николай Петрович" in contract
    assert len(invoice_documents(invoice)) == 3

    group.status = Status.SUBMITTED.value
    group.save()
    with pytest.raises(ValidationError, match=f"уже выставлен счёт № С-{YEAR}-00001"):
        issue_group_invoice(group, world.staff, blobs)


def test_group_invoice_rules(world, blobs, factory):
    welder = make_qualification(world.spk, "40.00200.01", "Сварщик ручной дуговой сварки", 3)
    group = make_group_application(world, [(world.qualification, 2), (welder, 1)])
    with pytest.raises(ValidationError, match="«Сварщик ручной дуговой сварки \\(3 уровень квалификации\\)»"):
        issue_group_invoice(group, world.staff, blobs)
    venue_staff = factory.user(Role.OPERATOR, world.venue)
    Price.create(cok=world.cok, qualification=welder, amount=Decimal("8000"))
    group.status = Status.DRAFT.value
    group.save()
    with pytest.raises(ValidationError, match="в статусе «На рассмотрении»"):
        issue_group_invoice(group, venue_staff, blobs)
    group.status = Status.SUBMITTED.value
    group.save()
    with pytest.raises(PermissionDeniedError):
        issue_group_invoice(group, factory.user(Role.ADMIN, world.employer), blobs)
    assert issue_group_invoice(group, venue_staff, blobs).amount == Decimal("38401.00")


def test_numbering_and_issue_on_both_databases(db, factory, blobs):
    world = make_billing_world(factory)
    first = issue(world, blobs)
    second_world_application = make_billing_world(factory, suffix="-b")
    second_world_application.application.cok = world.cok
    second_world_application.application.save()
    Price.get_or_create(cok=world.cok, qualification=second_world_application.qualification,
                        defaults={"amount": Decimal("15200.50")})
    second = issue_contract_and_invoice(second_world_application.application, world.staff, blobs, PluginHost())
    assert [first.number, second.number] == [f"С-{YEAR}-00001", f"С-{YEAR}-00002"]


def test_employee_of_a_group_application_is_paid_by_the_group_invoice(world, blobs):
    group = make_group_application(world, [(world.qualification, 2)])
    enrol_in_group(world, group)
    with pytest.raises(ValidationError, match="сначала выставьте счёт по групповой заявке"):
        issue(world, blobs)
    assert_untouched(world)

    group_invoice = issue_group_invoice(group, world.staff, blobs)
    assert issue(world, blobs).id == group_invoice.id
    assert Invoice.select().count() == 1
    application = type(world.application).get_by_id(world.application.id)
    assert application.status == Status.AWAITING_PAYMENT.value
    assert ApplicationStatusChange.get().comment == (f"Оплачивается по счёту № {group_invoice.number} "
                                                     "групповой заявки ГЗ-2026-00003.")


def test_employee_accepted_after_the_group_paid_goes_on_to_date_agreement(world, blobs):
    group = make_group_application(world, [(world.qualification, 2)])
    enrol_in_group(world, group)
    group_invoice = issue_group_invoice(group, world.staff, blobs)
    group_invoice.paid_at = dt.datetime(2026, 11, 25, 12, 0)
    group_invoice.save()
    issue(world, blobs)
    application = type(world.application).get_by_id(world.application.id)
    assert application.status == Status.PAID_DATE_AGREEMENT.value
    assert [c.to_status for c in ApplicationStatusChange.select().order_by(ApplicationStatusChange.id)] == [
        "awaiting_payment", "paid_date_agreement"]


def test_a_second_click_on_a_stale_page_issues_nothing(world, blobs):
    stale = type(world.application).get_by_id(world.application.id)
    issue(world, blobs)
    with pytest.raises(ValidationError, match="а это заявление в статусе «Ожидает оплаты»"):
        issue_contract_and_invoice(stale, world.staff, blobs, PluginHost())
    assert Invoice.select().count() == 1

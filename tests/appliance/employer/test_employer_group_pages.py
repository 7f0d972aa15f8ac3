"""«Заявки» through HTTP: a group application drafted, filled, sent, withdrawn; every rule and every field."""
import datetime as dt
from decimal import Decimal

import pytest

from core.models import (Application, GroupApplication, GroupApplicationRow, Invoice, ProfStandard, Role,
                         StoredDocument)
from core.services import group_applications as groups
from core.testing import count_queries
from core.workflow import Status
from employer_world import (employer_web, form_page, operator_web, pdf, stranger_web, upload,  # noqa: F401
                            world)

APPS = "/cabinet/employer/applications"


def _new(web, world, **changes):
    web.get(f"{APPS}/new")
    form = {"cok": str(world.orgs["cok"].id), "prof_standard": str(world.standard.id), "payment_terms": "prepayment"}
    return web.post(f"{APPS}/new", {**form, **changes})


def _row(web, group, world, **changes):
    web.get(f"{APPS}/{group.id}")
    form = {"qualification": str(world.qual.id), "venue": str(world.orgs["venue"].id), "people_count": "3"}
    return web.post(f"{APPS}/{group.id}/rows", {**form, **changes})


def _draft(web, world) -> GroupApplication:
    page = _new(web, world)
    assert page.status_code == 303, page.text
    return GroupApplication.get_by_id(int(page.headers["location"].split("/")[-1].split("?")[0]))


def test_employer_drafts_fills_and_sends_a_group_application(employer_web, world, pdf, smtp_server):
    world.orgs["cok"].email = "info@profi.ru"
    world.orgs["cok"].save()
    group = _draft(employer_web, world)
    page = employer_web.get(f"{APPS}/{group.id}?notice=saved")
    assert "Черновик" in page.text and "Заявка сохранена" in page.text and "Данные о работодателе" in page.text
    assert world.not_offered.name not in page.text, "квалификации, которых нет у ЦОК, не предлагаются"
    assert world.other_venue.short_name not in page.text, "площадки другого ЦОК не предлагаются"
    assert _row(employer_web, group, world).status_code == 303
    assert _row(employer_web, group, world, qualification=str(world.qual2.id), people_count="2").status_code == 303
    attached = upload(employer_web, f"{APPS}/{group.id}/documents", {"title": "Устав"}, "устав.pdf", pdf)
    assert attached.status_code == 303, attached.text
    page = employer_web.get(f"{APPS}/{group.id}")
    assert "Устав" in page.text and "устав.pdf" in page.text and page.text.count("<td>3</td>") == 1

    sent = employer_web.post(f"{APPS}/{group.id}", {"cok": str(world.orgs["cok"].id),
                                                    "prof_standard": str(world.standard.id),
                                                    "payment_terms": "postpayment", "action": "send"})
    assert sent.status_code == 303
    group = GroupApplication.get_by_id(group.id)
    assert group.status == "submitted" and group.payment_terms == "postpayment" and group.number.startswith("ГЗ-")
    page = employer_web.get(sent.headers["location"])
    assert "На рассмотрении" in page.text and "Постоплата" in page.text and 'data-testid="row-form"' not in page.text
    letter = smtp_server.wait_for(1)[-1]
    assert letter["To"] == "info@profi.ru" and "На рассмотрении" in smtp_server.body(letter)
    listing = employer_web.get(APPS)
    assert group.number in listing.text and "5/0" in listing.text and "На рассмотрении" in listing.text

    document = StoredDocument.get(StoredDocument.title == "Устав")
    file = employer_web.get(f"/cabinet/employer/documents/{document.id}")
    assert file.status_code == 200 and file.content == pdf
    assert file.headers["content-type"] == "application/pdf"


def test_send_needs_rows_and_documents(employer_web, world, form_page, pdf):
    group = _draft(employer_web, world)
    employer_web.get(f"{APPS}/{group.id}")
    form = {"cok": str(world.orgs["cok"].id), "prof_standard": str(world.standard.id), "payment_terms": "prepayment",
            "action": "send"}
    page = employer_web.post(f"{APPS}/{group.id}", form)
    assert form_page.assert_refused(page, "rows", words="хотя бы одну квалификацию")
    _row(employer_web, group, world)
    page = employer_web.post(f"{APPS}/{group.id}", form)
    assert form_page.assert_refused(page, "documents", words="документы организации")
    assert GroupApplication.get_by_id(group.id).status == "draft"


@pytest.mark.parametrize("field, value, words", [
    ("cok", "", "Выберите ЦОК"),
    ("cok", "999999", "Выберите ЦОК"),
    ("prof_standard", "abc", "профессиональный стандарт"),
    ("payment_terms", "barter", "порядок расчётов"),
])
def test_every_wrong_header_field_is_named(employer_web, world, form_page, field, value, words):
    page = _new(employer_web, world, **{field: value})
    form_page.assert_refused(page, field, words=words)
    assert not GroupApplication.select().exists()


def test_standard_the_centre_does_not_assess_is_refused(employer_web, world, form_page):
    lonely = ProfStandard.create(code="33.011", name="Повар")
    page = _new(employer_web, world, prof_standard=str(lonely.id))
    form_page.assert_refused(page, "prof_standard", words="не проводит оценку")
    assert f'<option value="{lonely.id}" selected>' in page.text, "выбор сохранён"


def test_centre_cannot_change_once_rows_are_added(employer_web, world, form_page):
    group = _draft(employer_web, world)
    _row(employer_web, group, world)
    page = employer_web.post(f"{APPS}/{group.id}", {"cok": str(world.orgs["other_cok"].id),
                                                    "prof_standard": str(world.standard.id),
                                                    "payment_terms": "prepayment", "action": "save"})
    form_page.assert_refused(page, "cok", words="сначала удалите")
    assert f'<option value="{world.orgs["other_cok"].id}" selected>' in page.text


@pytest.mark.parametrize("field, value, words", [
    ("qualification", "not_offered", "Выберите квалификацию"),
    ("qualification", "welder", "Выберите квалификацию"),
    ("venue", "other_venue", "площадку ЦОК"),
    ("people_count", "0", "от 1 до 500"),
    ("people_count", "три", "от 1 до 500"),
    ("people_count", "501", "от 1 до 500"),
])
def test_every_wrong_row_field_is_named_and_kept(employer_web, world, form_page, field, value, words):
    group = _draft(employer_web, world)
    actual = {"not_offered": world.not_offered.id, "welder": world.welder.id,
              "other_venue": world.other_venue.id}.get(value, value)
    page = _row(employer_web, group, world, **{field: str(actual)}, **({} if field == "people_count" else
                                                                        {"people_count": "4"}))
    form_page.assert_refused(page, field, words=words)
    assert form_page.kept(page, "people_count", value if field == "people_count" else "4")
    assert not group.rows.exists()


def test_the_same_row_twice_is_refused_and_rows_can_be_deleted(employer_web, world, form_page):
    group = _draft(employer_web, world)
    _row(employer_web, group, world)
    form_page.assert_refused(_row(employer_web, group, world), "qualification", words="уже есть в заявке")
    row = group.rows.get()
    assert employer_web.post(f"{APPS}/{group.id}/rows/{row.id}/delete").status_code == 303
    assert not group.rows.exists()


@pytest.mark.parametrize("fields, filename, content, field, words", [
    ({"title": ""}, "устав.pdf", "pdf", "title", "наименование документа"),
    ({"title": "Устав"}, "устав.pdf", b"just text, not a PDF", "file", "не является"),
    ({"title": "Устав"}, "устав.exe", "pdf", "file", "Допустимы только"),
    ({"title": "Устав"}, None, b"", "file", "Выберите файл"),
])
def test_every_wrong_upload_field_is_named(employer_web, world, form_page, pdf, fields, filename, content, field,
                                          words):
    group = _draft(employer_web, world)
    employer_web.get(f"{APPS}/{group.id}")
    page = upload(employer_web, f"{APPS}/{group.id}/documents", fields, filename, pdf if content == "pdf" else content)
    form_page.assert_refused(page, field, words=words)
    if fields["title"]:
        assert form_page.kept(page, "title", fields["title"])
    assert not StoredDocument.select().exists()


def test_upload_without_csrf_in_the_url_is_refused(employer_web, world, pdf):
    group = _draft(employer_web, world)
    employer_web.csrf = "poddelka"
    page = upload(employer_web, f"{APPS}/{group.id}/documents", {"title": "Устав"}, "устав.pdf", pdf)
    assert page.status_code == 403 and not StoredDocument.select().exists()


def test_sent_group_application_cannot_be_edited(employer_web, world, form_page):
    group = world.group()
    page = _row(employer_web, group, world, qualification=str(world.qual2.id))
    assert page.status_code == 422 and "изменить нельзя" in page.text
    assert group.rows.count() == 1


def test_withdrawing_withdraws_the_members_applications(employer_web, world):
    group = world.group()
    member = Application.create(applicant=world.people["applicant"], cok=world.orgs["cok"], venue=world.orgs["venue"],
                                qualification=world.qual, payer="employer", employer=world.orgs["employer"],
                                group_application=group, status=Status.DRAFT.value,
                                full_name="Соколов Дмитрий Олегович")
    page = employer_web.get(f"{APPS}/{group.id}")
    assert "Отозвать заявку" in page.text and "Соколов Дмитрий Олегович" in page.text
    assert employer_web.post(f"{APPS}/{group.id}/status", {"target": "withdrawn"}).status_code == 303
    assert GroupApplication.get_by_id(group.id).status == "withdrawn"
    assert Application.get_by_id(member.id).status == "withdrawn"


def test_a_move_the_employer_may_not_make_is_refused(employer_web, world):
    group = world.group()
    employer_web.get(f"{APPS}/{group.id}")
    for target in ("awaiting_payment", "paid", "draft", "nonsense"):
        page = employer_web.post(f"{APPS}/{group.id}/status", {"target": target})
        assert page.status_code == 422 and "недоступно" in page.text
    assert GroupApplication.get_by_id(group.id).status == "submitted"


def test_invoice_issued_by_the_centre_can_be_downloaded(employer_web, world, services, pdf):
    group = world.group(groups.GroupStatus.AWAITING_PAYMENT)
    digest = services.blobs.put(pdf).digest
    invoice = Invoice.create(number="С-2026-00001", cok=world.orgs["cok"], group_application=group,
                             payer_name="ООО «СтройМонтаж»", amount=Decimal("27000.00"), contract_number="Д-2026-00001",
                             issued_on=dt.date.today(), contract_pdf=digest, invoice_pdf=digest)
    page = employer_web.get(f"{APPS}/{group.id}")
    assert "Счёт на оплату № С-2026-00001" in page.text and "Договор № Д-2026-00001" in page.text
    assert "Предоплата" in page.text and "Ожидает оплаты" in page.text
    file = employer_web.get(f"{APPS}/{group.id}/invoices/{invoice.id}/1")
    assert file.status_code == 200 and file.content == pdf and "attachment" in file.headers["content-disposition"]
    assert employer_web.get(f"{APPS}/{group.id}/invoices/{invoice.id}/7").status_code == 404


def test_document_cannot_be_deleted_while_the_centre_reviews(employer_web, world):
    group = world.group()
    document = StoredDocument.get()
    employer_web.get(f"{APPS}/{group.id}")
    page = employer_web.post(f"/cabinet/employer/documents/{document.id}/delete", {"back": str(group.id)})
    assert page.status_code == 409 and "рассматривает" in page.text
    group.status = "awaiting_payment"
    group.save()
    assert employer_web.post(f"/cabinet/employer/documents/{document.id}/delete",
                             {"back": str(group.id)}).status_code == 303
    assert not StoredDocument.select().exists()


def test_another_employers_group_application_is_not_found_everywhere(stranger_web, world, services, pdf):
    group = world.group(groups.GroupStatus.DRAFT)
    row = group.rows.get()
    document = StoredDocument.get()
    invoice = Invoice.create(number="С-1", cok=world.orgs["cok"], group_application=group, payer_name="x",
                             amount=Decimal("1.00"), contract_number="Д-1", issued_on=dt.date.today(),
                             invoice_pdf=services.blobs.put(pdf).digest)
    stranger_web.get(APPS)
    assert group.number is None or group.number not in stranger_web.get(APPS).text
    for path in (f"{APPS}/{group.id}", f"{APPS}/{group.id}/invoices/{invoice.id}/0",
                 f"/cabinet/employer/documents/{document.id}"):
        page = stranger_web.get(path)
        assert page.status_code == 404 and "Устав" not in page.text, path
    header = {"cok": str(world.orgs["cok"].id), "prof_standard": str(world.standard.id), "payment_terms": "prepayment"}
    for path, form in ((f"{APPS}/{group.id}", header), (f"{APPS}/{group.id}/status", {"target": "withdrawn"}),
                       (f"{APPS}/{group.id}/rows", {"qualification": str(world.qual2.id),
                                                    "venue": str(world.orgs["venue"].id), "people_count": "1"}),
                       (f"{APPS}/{group.id}/rows/{row.id}/delete", {}),
                       (f"/cabinet/employer/documents/{document.id}/delete", {})):
        assert stranger_web.post(path, form).status_code == 404, path
    assert upload(stranger_web, f"{APPS}/{group.id}/documents", {"title": "x"}, "x.pdf", pdf).status_code == 404
    assert GroupApplication.get_by_id(group.id).status == "draft" and group.rows.count() == 1
    assert StoredDocument.select().count() == 1


def test_operator_works_with_group_applications_but_not_staff(operator_web, world):
    group = _draft(operator_web, world)
    assert _row(operator_web, group, world).status_code == 303
    assert operator_web.get(APPS).status_code == 200
    assert operator_web.get("/cabinet/employer/staff").status_code == 403
    assert "Сотрудники" not in operator_web.get("/cabinet/employer/").text


def test_centre_staff_cannot_use_the_employer_cabinet(world, new_web):
    from core.testing import TEST_PASSWORD

    cok = new_web()
    cok.login("admin@cok.ru", TEST_PASSWORD)
    group = world.group()
    assert cok.get(APPS).status_code == 403 and cok.get(f"{APPS}/{group.id}").status_code == 403


def test_list_filters_and_counts_in_the_database(employer_web, world, services):
    for _ in range(2):
        world.group()
    draft = world.group(groups.GroupStatus.DRAFT, people=7)
    page = employer_web.get(f"{APPS}?status=draft")
    assert "0/0" not in page.text and "7/0" in page.text and "3/0" not in page.text
    with count_queries(services.db) as few:
        employer_web.get(APPS)
    for _ in range(10):
        world.group()
    with count_queries(services.db) as many:
        page = employer_web.get(APPS)
    assert page.text.count("Открыть") == 13 and len(few) == len(many), many
    assert draft.id


def test_rows_of_a_group_application_count_filed_applications(employer_web, world):
    group = world.group()
    Application.create(applicant=world.people["applicant"], cok=world.orgs["cok"], venue=world.orgs["venue"],
                       qualification=world.qual, payer="employer", employer=world.orgs["employer"],
                       group_application=group, status=Status.DRAFT.value, full_name="Соколов Дмитрий Олегович")
    assert "3/1" in employer_web.get(APPS).text
    assert GroupApplicationRow.select().count() == 1 and world.people["applicant"].role == Role.APPLICANT.value

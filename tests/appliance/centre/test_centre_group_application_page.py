"""A group application reviewed by the ЦОК or a venue through HTTP: requisites, rows, documents, members,
history; «Вернуть на доработку» / «Отклонить заявку» with a reason, «Выставить счёт», and with postpayment
«Разрешить согласование дат до оплаты». Another organisation, a venue without a row and drafts get 404."""
import re
from decimal import Decimal

import pytest

from centre_world import PROFILE
from core.audit import Actor, AuditRecord, acting_as
from core.documents.testing import EMPLOYER_PROFILE
from core.models import (Application, ApplicationStatusChange, DocumentKind, GroupApplication, GroupApplicationRow,
                         Invoice, OrgKind, OutgoingMail, Price, Role, StoredDocument)
from core.models.applications import PAYER_EMPLOYER
from core.plugins import PluginHost
from core.services import organisations
from core.services.group_applications import GroupStatus, change_group_status
from core.workflow import ActorKind, Status

COK = "/cabinet/cok/applications/groups"
VENUE = "/cabinet/venue/applications/groups"
REQUISITES = {k: v for k, v in EMPLOYER_PROFILE.items() if k not in ("full_name", "short_name")}


PDF = b"%PDF-1.4\n% charter of the employer\n"  # stored as is: the upload check is not under test here


def errors_of(page) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]*)<', page.text)


@pytest.fixture
def west(world, factory):
    """A second venue of ЦОК «Профи» and its admin."""
    venue = factory.org(OrgKind.VENUE, parent=world.orgs["cok"], short_name="Площадка «Запад»")
    factory.user(Role.ADMIN, venue, email="admin@west.ru", full_name="Зайцев Кирилл Андреевич")
    return venue


@pytest.fixture
def make_group(world, people, services):
    """`make_group(terms, venues=…)`: a group application of «СтройМонтаж» sent to ЦОК «Профи» by the employer."""
    employer = world.orgs["employer"]
    for name, value in REQUISITES.items():
        setattr(employer, name, value)
    employer.save()
    ref = services.blobs.put(PDF)
    StoredDocument.create(owner=people["employer_admin"], kind=DocumentKind.ORGANISATION.value, title="Устав",
                          filename="устав.pdf", content_type="application/pdf", size=ref.size, digest=ref.digest)

    def make(terms="prepayment", venues=None):
        group = GroupApplication.create(employer=employer, cok=world.orgs["cok"], status=GroupStatus.DRAFT.value,
                                        prof_standard=world.welder.prof_standard, payment_terms=terms,
                                        created_by=people["employer_admin"])
        for venue in venues or [world.orgs["venue"]]:
            GroupApplicationRow.create(group_application=group, qualification=world.welder, venue=venue,
                                       people_count=3)
        sender = people["employer_admin"]
        with acting_as(Actor(sender.id, sender.email)):  # as the employer's request would
            return change_group_status(group, GroupStatus.SUBMITTED, ActorKind.EMPLOYER, sender, PluginHost())

    return make


def member(world, group, full_name, status=Status.SUBMITTED, venue=None):
    application = world.application(full_name, status=status, venue=venue)
    application.payer, application.employer, application.group_application = (PAYER_EMPLOYER, world.orgs["employer"],
                                                                              group)
    application.save()
    return application


@pytest.fixture
def billable(world, people):
    organisations.update_profile(people["cok_admin"], world.orgs["cok"], PROFILE)
    Price.create(cok=world.orgs["cok"], qualification=world.welder, amount=Decimal("12500.00"))


def status_of(group) -> str:
    return GroupApplication.get_by_id(group.id).status


def test_page_shows_the_group_and_views_are_audited(world, make_group, signed_in, services):
    group = make_group()
    sokolov = member(world, group, "Соколов Дмитрий Олегович")
    drafty = member(world, group, "Черновой Пётр Ильич", status=Status.DRAFT)
    web = signed_in("operator@cok.ru")
    queue = web.get("/cabinet/cok/applications?tab=employers")
    assert f'href="{COK}/{group.id}"' in queue.text
    page = web.get(f"{COK}/{group.id}")
    assert page.status_code == 200
    for text in (group.number, "На рассмотрении", "Предоплата", "СтройМонтаж", EMPLOYER_PROFILE["inn"],
                 EMPLOYER_PROFILE["settlement_account"], EMPLOYER_PROFILE["head_name"], "Сварщик ручной дуговой сварки",
                 "Площадка «Север»", "Устав", "Вернуть на доработку", "Отклонить заявку", "Выставить счёт",
                 "hr@stroy.ru", "Соколов Дмитрий Олегович", "Черновой Пётр Ильич"):
        assert text in page.text, text
    assert f'href="/cabinet/cok/applications/{sokolov.id}"' in page.text
    assert f'href="/cabinet/cok/applications/{drafty.id}"' not in page.text, "черновик не открыть на проверку"
    assert "Разрешить согласование дат до оплаты" not in page.text
    assert AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "group_application")
                                      & (AuditRecord.entity_id == str(group.id))).exists()
    doc = StoredDocument.get(StoredDocument.kind == DocumentKind.ORGANISATION.value)
    link = f"{COK}/{group.id}/documents/{doc.id}"
    assert f'href="{link}"' in page.text
    download = web.get(link)
    assert download.status_code == 200 and download.content == PDF
    assert "attachment" in download.headers["content-disposition"]
    assert AuditRecord.select().where((AuditRecord.entity == "stored_document")
                                      & (AuditRecord.entity_id == str(doc.id))).exists()
    assert web.get(f"{COK}/{group.id}/documents/{doc.id + 100}").status_code == 404


def test_send_back_needs_a_russian_reason_and_mails_it(make_group, signed_in):
    group = make_group()
    web = signed_in("admin@cok.ru")
    web.get(f"{COK}/{group.id}")
    page = web.post(f"{COK}/{group.id}", {"action": "needs_fix", "reason": "   "})
    assert page.status_code == 422 and 'id="reason-error"' in page.text and "Укажите причину" in page.text
    page = web.post(f"{COK}/{group.id}", {"action": "needs_fix", "reason": "Я" * 1001})
    assert page.status_code == 422 and "не более 1000 символов" in page.text and "Я" * 1001 in page.text
    assert status_of(group) == GroupStatus.SUBMITTED.value
    done = web.post(f"{COK}/{group.id}", {"action": "needs_fix", "reason": "Приложите доверенность  подписанта"})
    assert done.status_code == 303, errors_of(done)
    assert status_of(group) == GroupStatus.NEEDS_FIX.value
    letter = (OutgoingMail.select().where(OutgoingMail.recipient == EMPLOYER_PROFILE["email"])
              .order_by(OutgoingMail.id.desc()).get())
    assert "На доработке" in letter.subject and "Приложите доверенность подписанта" in letter.body
    page = web.get(done.headers["location"])
    assert "возвращена на доработку" in page.text and "Приложите доверенность подписанта" in page.text
    assert "Выставить счёт" not in page.text and 'name="reason"' not in page.text
    again = web.post(f"{COK}/{group.id}", {"action": "rejected", "reason": "Поздно"})
    assert again.status_code == 422 and status_of(group) == GroupStatus.NEEDS_FIX.value


def test_reject_with_a_reason_ends_the_review(make_group, signed_in, billable):
    group = make_group()
    web = signed_in("admin@cok.ru")
    web.get(f"{COK}/{group.id}")
    page = web.post(f"{COK}/{group.id}", {"action": "rejected", "reason": ""})
    assert page.status_code == 422 and "Укажите причину" in page.text
    done = web.post(f"{COK}/{group.id}", {"action": "rejected", "reason": "ЦОК не проводит экзамены в мае"})
    assert done.status_code == 303 and status_of(group) == GroupStatus.REJECTED.value
    page = web.get(done.headers["location"])
    assert "Отклонена" in page.text and "ЦОК не проводит экзамены в мае" in page.text
    refused = web.post(f"{COK}/{group.id}", {"action": "invoice"})
    assert refused.status_code == 422 and "в статусе «На рассмотрении»" in refused.text
    assert not Invoice.select().exists()
    assert web.post(f"{COK}/{group.id}", {"action": "launch"}).status_code == 400


def test_invoice_is_issued_with_the_employers_terms(make_group, signed_in, billable):
    group = make_group("postpayment")
    web = signed_in("admin@cok.ru")
    page = web.get(f"{COK}/{group.id}")
    assert "Постоплата" in page.text and "37\u00a0500,00\u00a0₽" in page.text
    issued = web.post(f"{COK}/{group.id}", {"action": "invoice"})
    assert issued.status_code == 303, errors_of(issued)
    assert status_of(group) == GroupStatus.AWAITING_PAYMENT.value
    invoice = Invoice.get(Invoice.group_application == group)
    assert invoice.payment_terms == "postpayment" and Decimal(invoice.amount) == Decimal("37500.00")
    page = web.get(issued.headers["location"])
    assert "Договор и счёт сформированы" in page.text and "Не оплачен" in page.text and "Ожидает оплаты" in page.text
    assert f'href="/p/payments/cok/invoices/{invoice.id}"' in page.text
    assert f"Выставлен счёт № {invoice.number}" in page.text, "история статусов"
    link = f"{COK}/{group.id}/files/{invoice.invoice_pdf}"
    assert link in page.text and f"{COK}/{group.id}/files/{invoice.contract_docx}" in page.text
    pdf = web.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert web.get(f"{COK}/{group.id}/files/{'a' * 64}").status_code == 404
    again = web.post(f"{COK}/{group.id}", {"action": "invoice"})
    assert again.status_code == 422 and Invoice.select().count() == 1


def test_invoice_without_a_price_is_refused(make_group, signed_in, people, world):
    organisations.update_profile(people["cok_admin"], world.orgs["cok"], PROFILE)
    group = make_group()
    web = signed_in("admin@cok.ru")
    page = web.get(f"{COK}/{group.id}")
    assert "Выставить счёт" in page.text
    refused = web.post(f"{COK}/{group.id}", {"action": "invoice"})
    assert refused.status_code == 422 and errors_of(refused) and not errors_of(refused)[0].isascii()
    assert status_of(group) == GroupStatus.SUBMITTED.value and not Invoice.select().exists()


def test_postpayment_lets_staff_agree_dates_before_payment(world, make_group, signed_in, billable):
    group = make_group("postpayment")
    web = signed_in("admin@cok.ru")
    web.get(f"{COK}/{group.id}")
    early = web.post(f"{COK}/{group.id}", {"action": "allow_dates"})
    assert early.status_code == 422 and "счёт выставлен" in early.text
    assert web.post(f"{COK}/{group.id}", {"action": "invoice"}).status_code == 303
    waiting = member(world, group, "Соколов Дмитрий Олегович", status=Status.AWAITING_PAYMENT)
    drafty = member(world, group, "Черновой Пётр Ильич", status=Status.DRAFT)
    page = web.get(f"{COK}/{group.id}")
    assert "Разрешить согласование дат до оплаты" in page.text
    done = web.post(f"{COK}/{group.id}", {"action": "allow_dates"})
    assert done.status_code == 303, errors_of(done)
    assert Application.get_by_id(waiting.id).status == Status.PAID_DATE_AGREEMENT.value
    assert Application.get_by_id(drafty.id).status == Status.DRAFT.value
    change = ApplicationStatusChange.get(ApplicationStatusChange.application == waiting)
    assert change.comment.startswith("Постоплата:") and change.actor_label == "admin@cok.ru"
    assert status_of(group) == GroupStatus.AWAITING_PAYMENT.value, "счёт по-прежнему ждёт оплаты"
    page = web.get(done.headers["location"])
    assert "разрешено согласовать даты" in page.text and "Разрешить согласование дат до оплаты" not in page.text
    again = web.post(f"{COK}/{group.id}", {"action": "allow_dates"})
    assert again.status_code == 422 and "разрешать нечего" in again.text


def test_prepayment_waits_for_the_payment(world, make_group, signed_in, billable):
    group = make_group("prepayment")
    web = signed_in("admin@cok.ru")
    web.get(f"{COK}/{group.id}")
    assert web.post(f"{COK}/{group.id}", {"action": "invoice"}).status_code == 303
    waiting = member(world, group, "Соколов Дмитрий Олегович", status=Status.AWAITING_PAYMENT)
    page = web.get(f"{COK}/{group.id}")
    assert "Предоплата" in page.text and "Разрешить согласование дат до оплаты" not in page.text
    refused = web.post(f"{COK}/{group.id}", {"action": "allow_dates"})
    assert refused.status_code == 422 and "только при постоплате" in refused.text
    assert Application.get_by_id(waiting.id).status == Status.AWAITING_PAYMENT.value


def test_venue_with_a_row_reviews_and_sees_only_its_members(world, make_group, signed_in, west):
    group = make_group(venues=[world.orgs["venue"], west])
    north_member = member(world, group, "Северов Иван Петрович")
    west_member = member(world, group, "Западов Олег Ильич", venue=west)
    web = signed_in("admin@venue.ru")
    page = web.get(f"{VENUE}/{group.id}")
    assert page.status_code == 200 and "Северов Иван Петрович" in page.text
    assert f'href="/cabinet/venue/applications/{north_member.id}"' in page.text
    assert "Западов" not in page.text, "заявление на другой площадке площадке не показывают"
    west_page = signed_in("admin@west.ru").get(f"{VENUE}/{group.id}")
    assert "Западов Олег Ильич" in west_page.text and f'/cabinet/venue/applications/{west_member.id}"' in west_page.text
    done = web.post(f"{VENUE}/{group.id}", {"action": "needs_fix", "reason": "Уточните число людей"})
    assert done.status_code == 303 and status_of(group) == GroupStatus.NEEDS_FIX.value


@pytest.mark.parametrize("email,cabinet", [("admin@yug.ru", "cok"), ("admin@energo.ru", "cok"),
                                           ("admin@yug1.ru", "venue"), ("admin@west.ru", "venue")])
def test_other_organisations_get_404_everywhere(make_group, signed_in, billable, west, email, cabinet):
    group = make_group()  # one row, at «Север»: «Запад» of the same ЦОК has none
    doc = StoredDocument.get(StoredDocument.kind == DocumentKind.ORGANISATION.value)
    owner = signed_in("admin@cok.ru")
    owner.get(f"{COK}/{group.id}")
    assert owner.post(f"{COK}/{group.id}", {"action": "invoice"}).status_code == 303
    invoice = Invoice.get(Invoice.group_application == group)
    web = signed_in(email)
    base = f"/cabinet/{cabinet}/applications/groups/{group.id}"
    page = web.get(base)
    assert page.status_code == 404 and "СтройМонтаж" not in page.text
    assert web.get(f"{base}/documents/{doc.id}").status_code == 404
    assert web.get(f"{base}/files/{invoice.invoice_pdf}").status_code == 404
    web.get(f"/cabinet/{cabinet}/applications")
    refused = web.post(base, {"action": "needs_fix", "reason": "чужая заявка"})
    assert refused.status_code == 404 and status_of(group) == GroupStatus.AWAITING_PAYMENT.value


def test_drafts_and_unknown_ids_are_404_and_employers_are_kept_out(world, people, make_group, signed_in):
    draft = GroupApplication.create(employer=world.orgs["employer"], cok=world.orgs["cok"],
                                    prof_standard=world.welder.prof_standard, status=GroupStatus.DRAFT.value,
                                    created_by=people["employer_admin"])
    web = signed_in("admin@cok.ru")
    assert web.get(f"{COK}/{draft.id}").status_code == 404
    assert web.get(f"{COK}/{draft.id + 1000}").status_code == 404
    group = make_group()
    employer = signed_in("hr@stroy.ru")
    assert employer.get(f"{COK}/{group.id}").status_code == 403
    assert employer.get(f"/cabinet/employer/applications/groups/{group.id}").status_code == 404

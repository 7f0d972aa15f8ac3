"""The whole way of one applicant in real Chromium against real gunicorn, mail through a real SMTP sink.

Registration → one-time link from the letter → password → «Личные данные» with photo → documents →
application sent; the ЦОК operator rejects a document, the applicant replaces it and resends; the
operator accepts everything and issues contract and invoice (the invoice PDF read back); a 1C bank
statement pays it; the applicant picks the exam date; the operator draws the facsimile, forms a theory
group with a certified commission, assigns and admits the applicant, generates and signs the Приказ and
starts the exam, and sees the access code.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

import pytest

from browser_flow_kit import (EXAM_TIME, PRICE, SET_PASSWORD_LINK, build_world, file_payload, portrait,
                              rub_to_decimal, scan, statement_1c)
from core.web.render import date_ru
from core.config import CONFIG_ENV
from core.documents.testing import pdf_text
from core.models import Application, GroupMember
from core.services.access_codes import ALPHABET, CODE_LENGTH
from core.services.payments import format_rub
from core.testing import TEST_PASSWORD, chromium_browser, running_gunicorn
from core.testing_browser import form_and_sign_order, notice, submit, watch
from core.testing_browser import sign_in as browser_sign_in
from core.workflow import Status

pytestmark = pytest.mark.browser

APPLICANT = {"full_name": "Белоусов Кирилл Андреевич", "email": "belousov.k@mail.ru", "phone": "+7 921 555-12-34"}
PASSWORD = "Охрана-труда-2026"
DOCUMENTS = (  # kind, title the ЦОК sees, label printed on the scan
    ("passport_main", "Паспорт: страница с фотографией", "PASSPORT MAIN"),
    ("passport_registration", "Паспорт: страница с регистрацией", "PASSPORT REGISTRATION"),
    ("diploma", "Документ об образовании", "DIPLOMA"),
    ("work_book", "Копия трудовой книжки (заверенная)", "WORK BOOK"),
    ("snils", "СНИЛС", "SNILS"),
)
REJECTED = "Документ об образовании"
REASON = "Скан диплома обрезан: не видны серия, номер и печать. Загрузите разворот целиком."
ORDER_NUMBER = "27-НОК"


def sign_in(browser, base, email, password, problems):
    return browser_sign_in(browser, base, email, problems, password=password)


def letter(smtp_server, to: str, containing: str, timeout: float = 10.0):
    """The first letter to `to` whose text contains `containing` (letters may go out after the reply)."""
    deadline = time.monotonic() + timeout
    while True:
        for msg in list(smtp_server.messages):
            if msg["To"] == to and containing in smtp_server.body(msg):
                return msg
        assert time.monotonic() < deadline, f"нет письма для {to} со словами «{containing}»"
        time.sleep(0.1)


# --- the applicant -------------------------------------------------------------------------------

def register_and_set_password(browser, base, smtp_server, problems):
    context = browser.new_context(locale="ru-RU")
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch(page, "регистрация", problems)
    page.goto(f"{base}/register")
    form = page.locator("form[action='/register']")
    form.locator("[name=full_name]").fill(APPLICANT["full_name"])
    form.locator("[name=email]").fill(APPLICANT["email"])
    form.locator("[name=phone]").fill(APPLICANT["phone"])
    form.get_by_label("Согласие на обработку персональных данных даю").check()
    submit(page, form.get_by_role("button", name="Зарегистрироваться"))
    assert "отправлено письмо" in page.inner_text("[role=status]")

    mail = letter(smtp_server, APPLICANT["email"], "/password/set?token=")
    link = SET_PASSWORD_LINK.search(smtp_server.body(mail)).group(1)
    page.goto(base + link)
    assert APPLICANT["email"] in page.inner_text("main")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_repeat]", PASSWORD)
    submit(page, page.get_by_role("button", name="Сохранить пароль"))
    assert "/login" in page.url
    context.close()
    return sign_in(browser, base, APPLICANT["email"], PASSWORD, problems)


def fill_personal_data(page, base):
    page.goto(f"{base}/cabinet/applicant/personal")
    form = page.locator("form#personal")
    assert form.locator("[name=last_name]").input_value() == "Белоусов", "ФИО из регистрации"
    for name, value in {"birth_date": "1990-03-14", "snils": "112-233-445 95", "passport_series": "4010",
                        "passport_number": "654321", "passport_issued_by": "ТП № 5 ОУФМС России по г. Санкт-Петербургу",
                        "passport_issue_date": "2010-04-02", "passport_division_code": "780-005",
                        "registration_address": "г. Санкт-Петербург, ул. Савушкина, д. 12, кв. 40"}.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=consent_accuracy]").check()
    form.locator("[name=consent_pd]").check()
    submit(page, form.get_by_role("button", name="Сохранить"))
    assert notice(page) == "Личные данные сохранены."

    photo = page.locator("section#photo")
    photo.locator("input[name=photo]").set_input_files(file_payload("фото.jpg", portrait(), "image/jpeg"))
    submit(page, photo.get_by_role("button", name="Загрузить фото"))
    assert notice(page) == "Фотография загружена."
    assert page.locator("[data-testid=photo-thumb]").evaluate("img => img.naturalWidth") > 0


def upload_documents(page, base):
    page.goto(f"{base}/cabinet/applicant/documents")
    for kind, title, label in DOCUMENTS:
        page.select_option("select[name=kind]", kind)
        page.set_input_files("input[name=file]", file_payload(f"{kind}.jpg", scan(label), "image/jpeg"))
        submit(page, page.get_by_role("button", name="Загрузить", exact=True))
        assert notice(page) == "Документ загружен.", f"{title}: замечания к качеству скана"
    table = page.inner_text("[data-testid=documents-table]")
    assert all(title in table for _, title, _ in DOCUMENTS)


def send_application(page, base, world) -> str:
    page.goto(f"{base}/cabinet/applicant/applications/new")
    page.select_option("select[name=qualification]", label=world.qualification_label)
    submit(page, page.get_by_role("button", name="Показать площадки для выбранной квалификации"))
    page.select_option("select[name=venue]", str(world.venue.id))
    page.check("input[name=payer][value=self]")
    page.check("input[name=practical_form][value=practice]")
    assert page.locator("#block-documents input[name=documents]:checked").count() == len(DOCUMENTS)
    page.locator("#block-consents [name=consent_accuracy]").check()
    page.locator("#block-consents [name=consent_pd]").check()
    submit(page, page.get_by_role("button", name="Отправить", exact=True))
    assert "Заявление отправлено на рассмотрение" in notice(page), page.inner_text("main")
    assert page.inner_text("[data-testid=status]") == Status.SUBMITTED.title
    return page.url.split("?")[0]


def replace_rejected_document(page, application_url, smtp_server):
    page.goto(application_url)
    assert page.inner_text("[data-testid=status]") == Status.NEEDS_FIX.title
    row = page.locator("[data-testid=application-documents] tbody tr", has_text=REJECTED)
    assert REASON in row.inner_text() and "Отклонено" in row.inner_text()
    assert REASON in smtp_server.body(letter(smtp_server, APPLICANT["email"], REASON))
    row.locator("input[name=file]").set_input_files(file_payload("диплом-разворот.jpg", scan("DIPLOMA FULL SPREAD"),
                                                                 "image/jpeg"))
    submit(page, row.get_by_role("button", name="Заменить"))
    assert "Документ заменён" in notice(page)
    submit(page, page.get_by_role("button", name="Отправить повторно"))
    assert page.inner_text("[data-testid=status]") == Status.SUBMITTED.title


def choose_exam_date(page, application_url, world):
    page.goto(application_url)
    assert page.inner_text("[data-testid=status]") == Status.PAID_DATE_AGREEMENT.title
    assert page.get_by_role("link", name=re.compile("Счёт на оплату №")).count() == 1
    slots = page.locator("section#slot")
    assert date_ru(world.exam_day) in slots.inner_text()
    slots.get_by_label(f"{EXAM_TIME:%H:%M} (0/5)").check()
    submit(page, slots.get_by_role("button", name="Выбрать дату"))
    assert "Дата экзамена выбрана" in notice(page)
    assert page.inner_text("[data-testid=status]") == Status.PAID_DATE_CONFIRMATION.title
    exam_at = dt.datetime.combine(world.exam_day, EXAM_TIME)
    assert page.inner_text("[data-testid=exam-date]") == date_ru(exam_at, True)


# --- the ЦОК operator ----------------------------------------------------------------------------

def review_documents(page, base, application_number, *, reject: bool):
    page.goto(f"{base}/cabinet/cok/")
    submit(page, page.locator("nav.sidebar").get_by_role("link", name="Заявления"))
    queue = page.locator("[data-testid=queue] tbody tr", has_text=application_number)
    submit(page, queue.get_by_role("link", name=APPLICANT["full_name"]))
    rows = page.locator("[data-testid=documents] tbody tr")
    assert rows.count() == len(DOCUMENTS)
    for _, title, _ in DOCUMENTS:
        rows.filter(has_text=title).get_by_label("Принято").check()
    if reject:
        rows.filter(has_text=REJECTED).get_by_label("Отклонено").check()
        page.get_by_label(f"Причина отклонения: {REJECTED}").fill(REASON)
        submit(page, page.get_by_role("button", name="Отправить на доработку"))
        assert "Заявление отправлено на доработку" in notice(page)
    else:
        assert "заменён" in rows.filter(has_text=REJECTED).inner_text()
        submit(page, page.get_by_role("button", name="Сохранить"))
        assert notice(page) == "Решения по документам сохранены."


def issue_invoice(page) -> tuple[str, Decimal]:
    page.select_option("select[name=payment_terms]", "prepayment")
    submit(page, page.get_by_role("button", name="Сформировать договор и счёт"))
    assert "Договор и счёт сформированы" in notice(page)
    row = page.locator("[data-testid=invoices] tbody tr").first
    number = re.search(r"№ (С-\d{4}-\d{5})", row.inner_text()).group(1)
    amount = rub_to_decimal(row.locator("td").nth(1).inner_text())
    assert amount == PRICE

    with page.expect_download() as info:
        row.get_by_role("link", name=f"Счёт на оплату № {number}").click()
    download = info.value
    assert download.suggested_filename == f"Счёт {number}.pdf"
    with open(download.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert APPLICANT["full_name"] in text and number in text, text
    amount_text = " ".join(format_rub(PRICE).removesuffix("₽").split())  # «15 200,50»
    assert f"Всего к оплате: {amount_text}" in text, text
    return number, amount


def pay_by_bank_statement(page, world, number, amount):
    submit(page, page.get_by_role("link", name="Оплаты: подтверждение и выписки банка"))
    assert number in page.inner_text("[data-testid=invoices]")
    submit(page, page.get_by_role("link", name="Загрузить выписку банка"))
    statement = statement_1c(account=world.cok.settlement_account, invoice_number=number, amount=amount,
                             payer=APPLICANT["full_name"])
    page.set_input_files("input[name=statement]", file_payload("kl_to_1c.txt", statement, "text/plain"))
    submit(page, page.get_by_role("button", name="Загрузить и сверить"))
    matched = page.inner_text("[data-testid=outcome-matched]")
    assert number in matched and APPLICANT["full_name"] in matched
    submit(page, page.get_by_role("button", name="Провести совпавшие платежи"))
    assert "Проведено платежей: 1." in notice(page)


def draw_facsimile(page, base):
    page.goto(f"{base}/cabinet/cok/signature")
    box = page.locator("[data-signature-pad] canvas").bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(box["x"] + 40 + step * 18, box["y"] + box["height"] * (0.7 - 0.4 * ((step % 6) / 6)))
    page.mouse.up()
    submit(page, page.locator("[data-signature-form] button[type=submit]"))
    assert "Подпись сохранена" in notice(page)
    assert page.locator("[data-testid=facsimile]").evaluate("img => img.naturalWidth") > 0


def form_theory_group(page, base, world):
    submit(page, page.locator("nav.sidebar").get_by_role("link", name="Теория"))
    submit(page, page.get_by_role("link", name="+ Создать новую группу"))
    page.fill("input[name=date]", world.exam_day.isoformat())
    page.fill("input[name=time]", f"{EXAM_TIME:%H:%M}")
    page.fill("input[name=duration_minutes]", "120")
    page.fill("input[name=seats]", "10")
    page.select_option("select[name=venue]", str(world.venue.id))
    page.select_option("select[name=qualification]", label=world.qualification.title)
    submit(page, page.get_by_role("button", name="Подобрать экспертов"))
    for expert in (world.chair, world.expert):
        page.get_by_label(f"Добавить в комиссию: {expert.full_name}").check()
    page.get_by_label(f"Председатель: {world.chair.full_name}").check()
    submit(page, page.get_by_role("button", name="Сохранить"))
    assert notice(page).startswith("Группа создана.")
    facts = page.inner_text("dl.facts")
    assert f"{world.chair.full_name} (председатель)" in facts and world.expert.full_name in facts


def assign_and_admit(page):
    submit(page, page.get_by_role("link", name="Добавить соискателей"))
    row = page.locator("[data-testid=eligible] tbody tr", has_text=APPLICANT["full_name"])
    submit(page, row.get_by_role("button", name="Включить в группу"))
    assert notice(page) == "Соискатель включён в группу."
    submit(page, page.get_by_role("link", name="Вернуться к группе"))
    member = page.locator("[data-testid=members] tbody tr", has_text=APPLICANT["full_name"])
    assert "Оплачено" in member.inner_text() and Status.EXAM_SCHEDULED.title in member.inner_text()
    member.get_by_label("Личность подтверждена по документу, удостоверяющему личность").check()
    submit(page, member.get_by_role("button", name="Допустить", exact=True))
    assert notice(page) == "Соискатель допущен к экзамену."


def order_sign_and_start(page) -> str:
    form_and_sign_order(page, ORDER_NUMBER)
    assert f"Приказ № {ORDER_NUMBER}" in page.inner_text("section[aria-labelledby=order-title]")
    with page.expect_download() as info:
        page.get_by_role("link", name="Скачать").click()
    with open(info.value.path(), "rb") as handle:
        order_text = pdf_text(handle.read())
    assert ORDER_NUMBER in order_text and APPLICANT["full_name"] in order_text, order_text

    submit(page, page.get_by_role("button", name="Начать экзамен"))
    assert notice(page).startswith("Экзамен начат")
    code = page.locator("[data-testid=members] [data-testid=code]").inner_text().strip()
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET), code
    return code


# --- the test ------------------------------------------------------------------------------------

def test_applicant_goes_from_registration_to_a_started_exam(services, factory, nok_config, smtp_server, tmp_path):
    services.db.connect(reuse_if_open=True)
    world = build_world(factory)
    services.db.close()
    problems: list[str] = []
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        # (1) the applicant: registration, the letter, password, personal data, documents, application
        applicant = register_and_set_password(browser, base, smtp_server, problems)
        fill_personal_data(applicant, base)
        upload_documents(applicant, base)
        application_url = send_application(applicant, base, world)
        application_number = applicant.inner_text("h1").removeprefix("Заявление ").strip()

        # (2) the ЦОК operator rejects the diploma scan and sends the application for fixes
        operator = sign_in(browser, base, world.operator.email, TEST_PASSWORD, problems)
        review_documents(operator, base, application_number, reject=True)
        # (3) the applicant sees the reason, replaces the scan and sends again
        replace_rejected_document(applicant, application_url, smtp_server)
        # (4) everything accepted: contract and invoice, the invoice PDF read back
        review_documents(operator, base, application_number, reject=False)
        number, amount = issue_invoice(operator)
        # (5) the bank statement (1C, cp1251) pays the invoice
        pay_by_bank_statement(operator, world, number, amount)
        # (6) the applicant picks the exam date
        choose_exam_date(applicant, application_url, world)
        # (7) facsimile, theory group with its commission, admission, the signed order, the start
        draw_facsimile(operator, base)
        form_theory_group(operator, base, world)
        assign_and_admit(operator)
        code = order_sign_and_start(operator)
        operator.screenshot(path=str(tmp_path / "exam-started.png"), full_page=True)

        applicant.goto(application_url)
        assert applicant.inner_text("[data-testid=status]") == Status.ADMITTED.title
        assert not problems, problems

    assert (tmp_path / "exam-started.png").stat().st_size > 0
    services.db.connect(reuse_if_open=True)
    application = Application.get(Application.number == application_number)
    assert application.status == Status.ADMITTED.value
    assert GroupMember.get(GroupMember.application == application).access_code == code

"""The employer's whole way in real Chromium against real gunicorn: registration → group application for
three people → «Реестр соискателей» → (payment) → exam dates agreed on the venue's calendar.

What has no page of its own, or is other people's work, happens through the services between the
browser steps (`browser_employer_kit`): each employee fills their cabinet and sends the application
the employer created; the ЦОК accepts their documents and issues the group invoice (no page for it
yet). The ЦОК confirms the payment in the browser, on the «Оплаты» pages.
"""
import datetime as dt

import pytest

from appliance.web.employer.calendar import MONTHS
from browser_employer_kit import (EMPLOYER, EMPLOYER_PASSWORD, EMPLOYER_PROFILE, PRICE, STAFF, centre_accepts,
                                  employee_sends, issue_group_invoice, letters_to, link_path, pdf_bytes,
                                  prepare_centre, statuses)
from core.config import CONFIG_ENV
from core.models import Application, GroupApplication, Organisation
from core.services import notify, scheduling
from core.services.group_applications import GroupStatus
from core.services.payments import format_rub
from core.testing import TEST_PASSWORD, chromium_browser, running_gunicorn

pytestmark = pytest.mark.browser

AGREEMENT, CONFIRMATION = "Оплачено. Согласование даты", "Оплачено. Подтверждение даты"


def _sign_in(browser, base, email, password):
    page = browser.new_context(locale="ru-RU").new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/cabinet/**")
    return page


def _notice(page) -> str:
    return page.inner_text("[role=status]")


def _register_and_set_password(browser, base, smtp):
    page = browser.new_context(locale="ru-RU").new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/register/employer")
    for name, value in EMPLOYER.items():
        page.fill(f"input[name={name}]", value)
    page.get_by_role("button", name="Зарегистрироваться").click()
    assert EMPLOYER["email"] in page.inner_text("[data-testid=registration-done]")
    (letter,) = letters_to(smtp, EMPLOYER["email"], 1)
    page.goto(base + link_path(letter))
    assert EMPLOYER["email"] in page.inner_text("main")
    page.fill("input[name=password]", EMPLOYER_PASSWORD)
    page.fill("input[name=password_repeat]", EMPLOYER_PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    page.wait_for_url(f"{base}/login**")
    page.context.close()
    return _sign_in(browser, base, EMPLOYER["email"], EMPLOYER_PASSWORD)


def _fill_profile(page):
    page.click("nav.sidebar >> text=Ваш профиль")
    assert page.input_value("input[name=inn]") == EMPLOYER["inn"], "реквизиты из регистрации"
    for name, value in EMPLOYER_PROFILE.items():
        page.fill(f"input[name={name}]", value)
    page.check("input[name=actual_same_as_legal]")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    assert _notice(page) == "Данные организации сохранены."


def _send_group_application(page, catalogue, orgs):
    page.click("nav.sidebar >> text=Заявки")
    page.get_by_role("link", name="Подать заявку").click()
    page.select_option("select[name=cok]", label=orgs["cok"].short_name)
    page.select_option("select[name=prof_standard]", label=str(catalogue.standard))
    assert page.is_checked("input[name=payment_terms][value=prepayment]")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    assert _notice(page) == "Заявка сохранена."
    rows = page.locator("[data-testid=row-form]")
    rows.locator("select[name=qualification]").select_option(label=catalogue.qualification.title)
    rows.locator("select[name=venue]").select_option(label=orgs["venue"].short_name)
    rows.locator("input[name=people_count]").fill("3")
    rows.get_by_role("button", name="Добавить").click()
    assert _notice(page) == "Квалификация добавлена в заявку."
    cells = page.locator("[data-testid=group-rows] tbody td").all_inner_texts()
    assert cells[:4] == [catalogue.qualification.title, orgs["venue"].short_name, "3", "0"]
    documents = page.locator("[data-testid=document-form]")
    documents.locator("input[name=title]").fill("Устав")
    documents.locator("input[type=file]").set_input_files(
        files=[{"name": "устав.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    documents.get_by_role("button", name="Прикрепить").click()
    assert _notice(page) == "Документ прикреплён."
    assert "устав.pdf" in page.inner_text("[data-testid=org-documents]")
    page.get_by_role("button", name="Сохранить и отправить заявку").click()
    assert _notice(page).startswith("Заявка отправлена в ЦОК")
    assert page.inner_text("[data-testid=group-status]") == "На рассмотрении"
    number = page.inner_text("h1").removeprefix("Групповая заявка ").strip()
    assert number.startswith("ГЗ-")
    return page.url, number


def _add_staff(page, smtp):
    for full_name, email, snils in STAFF:
        page.click("nav.sidebar >> text=Реестр соискателей")
        page.get_by_role("link", name="Добавить соискателя").click()
        page.fill("input[name=full_name]", full_name)
        page.fill("input[name=email]", email)
        page.fill("input[name=snils]", snils)
        page.select_option("select[name=row]", index=1)
        page.get_by_role("button", name="Добавить", exact=True).click()
        assert _notice(page).startswith("Соискатель добавлен")
        assert page.inner_text("h1") == full_name and snils in page.inner_text("main")
        bodies = letters_to(smtp, email, 2)
        assert any("/password/set?token=" in b for b in bodies)
        assert any("согласие на обработку персональных данных" in b for b in bodies)
    page.click("nav.sidebar >> text=Реестр соискателей")
    register = page.inner_text("[data-testid=register]")
    assert all(name in register for name, _, _ in STAFF) and register.count("Черновик") == 3
    page.get_by_role("link", name="Добавить соискателя").click()
    assert "Нет отправленных групповых заявок" in page.inner_text("main"), "все три места заняты"


def _centre_confirms_payment(browser, base, number):
    page = _sign_in(browser, base, "admin@cok.ru", TEST_PASSWORD)
    page.click("nav.sidebar >> text=Заявления")
    page.get_by_role("link", name="Работодатели").click()
    group_line = page.locator("[data-testid=queue] tr", has_text=number)
    assert EMPLOYER["short_name"] in group_line.inner_text() and "Ожидает оплаты" in group_line.inner_text()
    page.click("nav.sidebar >> text=Оплаты")
    invoice_line = page.locator("[data-testid=invoices] tr", has_text=number)
    assert format_rub(PRICE * 3) in invoice_line.inner_text()
    invoice_line.get_by_role("link", name="Подтвердить оплату").click()
    page.fill("input[name=amount]", "27 000,00")
    page.fill("input[name=paid_on]", dt.date.today().isoformat())
    page.fill("input[name=reference]", "417")
    page.get_by_role("button", name="Подтвердить оплату").click()
    assert _notice(page) == "Оплата подтверждена."
    assert "Оплачен" in page.inner_text("[data-testid=invoice]")
    page.context.close()


def _agree_date(page, full_name, catalogue, *, sees, takes):
    """Open the person's «Согласовать дату», check the seats shown (label, can be chosen), take `takes`."""
    page.click("nav.sidebar >> text=Реестр соискателей")
    page.locator("[data-testid=register] tr", has_text=full_name).get_by_role("link", name="Согласовать дату").click()
    assert page.inner_text("[data-testid=application-status]") == AGREEMENT
    day = catalogue.exam_day
    if day.month != dt.date.today().month:
        page.get_by_role("link", name="След. →").click()
    assert page.inner_text("section.card h2") == f"{MONTHS[day.month - 1]} {day.year}"
    calendar = page.locator("[data-testid=calendar]")
    for label, enabled in sees:
        button = calendar.get_by_role("button", name=label, exact=True)
        assert button.is_enabled() is enabled, label
    calendar.get_by_role("button", name=takes, exact=True).click()
    assert _notice(page) == "Дата выбрана и отправлена в ЦОК на подтверждение."
    row = page.inner_text("[data-testid=member-applications] tbody")
    assert CONFIRMATION in row and f"{day:%d.%m.%Y} {takes[:5]}" in row


def test_employer_registers_sends_a_group_of_three_and_agrees_their_exam_dates(services, orgs, people, nok_config,
                                                                                 smtp_server):
    catalogue = prepare_centre(orgs, people)
    services.db.close()
    with running_gunicorn("appliance.wsgi:application()", {CONFIG_ENV: str(nok_config.config_file)}) as base, \
            chromium_browser() as browser:
        page = _register_and_set_password(browser, base, smtp_server)
        assert page.inner_text("[data-testid=cabinet-title]") == "Личный кабинет Работодателя"
        _fill_profile(page)
        group_url, number = _send_group_application(page, catalogue, orgs)
        _add_staff(page, smtp_server)

        # Other people's steps (services): the employees send their applications, the ЦОК accepts
        # them and issues the group invoice — there is no page for the group invoice yet.
        services.db.connect(reuse_if_open=True)
        group = GroupApplication.get(GroupApplication.number == number)
        members = list(Application.select().where(Application.group_application == group).order_by(Application.id))
        assert len(members) == 3 and {m.full_name for m in members} == {name for name, _, _ in STAFF}
        for member in members:
            employee_sends(services, member)
        assert statuses(members) == {"На рассмотрении"}
        invoice = issue_group_invoice(services, people["cok_admin"], group)
        assert invoice.amount == PRICE * 3 and invoice.payer_inn == EMPLOYER["inn"]
        assert {centre_accepts(services, people["cok_admin"], m).id for m in members} == {invoice.id}
        assert statuses(members) == {"Ожидает оплаты"}
        services.db.close()

        _centre_confirms_payment(browser, base, number)

        services.db.connect(reuse_if_open=True)
        assert statuses(members) == {AGREEMENT}
        assert GroupApplication.get_by_id(group.id).status == GroupStatus.PAID.value
        notify.deliver_pending(services.mailer)
        services.db.close()

        page.goto(group_url)
        assert page.inner_text("[data-testid=group-status]") == "Оплачено"
        assert "оплачен" in page.inner_text("main") and page.locator("[data-testid=invoice-files] a").count() == 3
        assert page.inner_text("[data-testid=group-members]").count(AGREEMENT) == 3
        page.click("nav.sidebar >> text=Реестр соискателей")
        assert page.inner_text("[data-testid=register]").count(AGREEMENT) == 3

        (first, _, _), (second, _, _), (third, _, _) = STAFF
        _agree_date(page, first, catalogue, sees=[("09:00 (0/2)", True), ("11:00 (0/5)", True)],
                    takes="09:00 (0/2)")
        _agree_date(page, second, catalogue, sees=[("09:00 (1/2)", True), ("11:00 (0/5)", True)],
                    takes="09:00 (1/2)")
        _agree_date(page, third, catalogue, sees=[("09:00 (2/2)", False), ("11:00 (0/5)", True)],
                    takes="11:00 (0/5)")

        page.click("nav.sidebar >> text=Реестр соискателей")
        register = page.locator("[data-testid=register] tbody tr")
        lines = {register.nth(i).locator("td").nth(0).inner_text(): register.nth(i).inner_text()
                 for i in range(register.count())}
        day = f"{catalogue.exam_day:%d.%m.%Y}"
        assert set(lines) == {name for name, _, _ in STAFF}
        assert all(CONFIRMATION in line and "Согласовать дату" not in line for line in lines.values())
        assert f"{day} 09:00" in lines[first] and f"{day} 09:00" in lines[second] and f"{day} 11:00" in lines[third]

    services.db.connect(reuse_if_open=True)
    views = scheduling.free_slots(orgs["venue"], catalogue.qualification, start=catalogue.exam_day, days=1)
    assert [v.label for v in views] == ["09:00 (2/2)", "11:00 (1/5)"]
    assert statuses(members) == {CONFIRMATION}
    assert Organisation.get(Organisation.inn == EMPLOYER["inn"]).hr_head_name == EMPLOYER_PROFILE["hr_head_name"]

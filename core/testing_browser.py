"""Helpers of the browser tests (Playwright driving Debian's Chromium): pages that collect
console errors, sign-in, form submits and notices. Shared so every browser test fails the
same way on a script error or a CSP violation."""
from __future__ import annotations

import pytest

from core.testing import TEST_PASSWORD

TIMEOUT_MS = 15_000


def watch(page, who: str, problems: list[str]) -> None:
    """Collect script errors and console errors (a CSP violation is one) of the page."""
    page.on("pageerror", lambda ex: problems.append(f"{who}: {ex}"))
    page.on("console", lambda msg: problems.append(f"{who}: {msg.text}") if msg.type == "error" else None)


def new_page(browser, who: str, problems: list[str], dialogs: list[str] | None = None, **context_options):
    """A fresh browser (own cookies) in Russian, its errors watched, its confirm dialogs accepted
    and, if `dialogs` is given, recorded."""
    options = {"locale": "ru-RU", "accept_downloads": True, **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch(page, who, problems)

    def accept(dialog):
        if dialogs is not None:
            dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return page


def submit(page, control) -> None:
    """Click a control that submits a form (or follows a link) and wait for the page it leads to."""
    with page.expect_navigation():
        control.click()


def notice(page) -> str:
    """The page's notice; a page without one fails with what it says instead (its error, say)."""
    shown = page.locator("p.notice[role=status]")
    if not shown.count():
        pytest.fail(f"{page.url}: нет сообщения об успехе; на странице:\n{page.inner_text('main')[:2000]}")
    return shown.first.inner_text()


def sign_in(browser, base: str, email: str, problems: list[str], password: str = TEST_PASSWORD, **context_options):
    """A new browser signed in at /login as `email`, landed in its cabinet."""
    page = new_page(browser, email, problems, **context_options)
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    submit(page, page.locator("button[type=submit]"))
    assert "/cabinet/" in page.url, page.inner_text("main")
    return page


def form_and_sign_order(page, number: str) -> None:
    """On an exam group page: «Сформировать приказ» with `number` and today's date, then «Подписать факсимиле»."""
    import datetime as dt

    order = page.locator("section[aria-labelledby=order-title]")
    order.get_by_label("Номер приказа").fill(number)
    order.get_by_label("Дата приказа").fill(dt.date.today().isoformat())
    submit(page, order.get_by_role("button", name="Сформировать приказ"))
    assert notice(page).startswith("Приказ сформирован.")
    submit(page, page.get_by_role("button", name="Подписать факсимиле"))
    assert notice(page) == "Приказ подписан факсимиле."

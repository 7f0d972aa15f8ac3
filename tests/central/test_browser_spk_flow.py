"""The СПК's whole flow in Debian's Chromium against the registry under gunicorn, with a loopback НАРК.

Results are already at the registry (as the ЦОК sent them); the СПК admin changes one «Оценка»,
selects two results, «Сформировать протокол», attaches the signed protocol, «Отправить в НАРК»;
the worker's НАРК pass (`send_due`, run here against the same database) gets the numbers, the
page shows «Внесено в реестр», the certificate PDF carries the number and its QR link's page says
«Действительно».
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from central.models import Certificate, CertificateKind, CertificateStatus, CentralResult, ResultStatus
from central.testing import make_central_config
from core.config import CONFIG_ENV
from core.testing import chromium_browser, running_gunicorn
from core.testing_browser import notice, sign_in, submit
from plugins.nark_export.testing import NarkTestServer

pytestmark = [pytest.mark.browser, pytest.mark.gunicorn]


@pytest.fixture
def nark():
    with NarkTestServer() as server:
        yield server


@pytest.fixture
def central_config(tmp_path: Path, smtp_server, nark):
    """The registry of `spk_world`, sending to the loopback НАРК (overrides central.testing's fixture)."""
    return make_central_config(tmp_path / "central", smtp_port=smtp_server.port, base_url="http://registry.test",
                               nark_url=nark.url)


def signed_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_spk_approves_results_and_nark_registers_them(spk_world, central_services, central_config, nark):
    from central.services.nark import send_due

    for name in ("Иванов Иван Иванович", "Петрова Анна Сергеевна", "Сидоров Пётр Ильич"):
        spk_world.add_result(full_name=name)
    central_services.db.close()
    problems: list[str] = []
    with running_gunicorn("central.wsgi:application()", {CONFIG_ENV: str(central_config.config_file)}) as base, \
            chromium_browser() as browser:
        page = sign_in(browser, base, spk_world.admin.email, problems)
        submit(page, page.locator("nav.sidebar").get_by_role("link", name="Результаты экзаменов"))
        submit(page, page.get_by_role("link", name="Петрова Анна Сергеевна"))
        page.get_by_role("combobox", name="Оценка").select_option(label="Не сдал")
        submit(page, page.get_by_role("button", name="Сохранить"))
        assert notice(page) == "Оценка сохранена."

        submit(page, page.get_by_role("link", name="Все результаты"))
        page.get_by_label("Выбрать: Иванов Иван Иванович").check()
        page.get_by_label("Выбрать: Петрова Анна Сергеевна").check()
        form = page.locator("details.protocol-form")
        form.locator("summary").click()
        form.get_by_label("Номер протокола").fill("15")
        form.get_by_label("Дата протокола").fill(dt.date.today().isoformat())
        submit(page, form.get_by_role("button", name="Сформировать протокол"))
        assert notice(page).startswith("Протокол СПК сформирован.")
        members = page.inner_text("[data-testid=composition]")
        assert "Иванов Иван Иванович" in members and "Петрова Анна Сергеевна" in members
        assert "Сидоров" not in members
        assert page.get_by_role("button", name="Отправить в НАРК").is_disabled()

        page.set_input_files("input[name=file]", files=[{"name": "Протокол СПК 15.pdf", "mimeType": "application/pdf",
                                                         "buffer": signed_pdf()}])
        submit(page, page.get_by_role("button", name="Прикрепить файл"))
        assert notice(page) == "Файл протокола прикреплён."
        assert "Протокол СПК 15.pdf" in page.inner_text("[data-testid=signed-file]")
        submit(page, page.get_by_role("button", name="Отправить в НАРК"))
        assert notice(page) == "Протокол и результаты переданы в НАРК."
        assert page.inner_text("[data-testid=composition]").count("Передано в НАРК") == 2

        # The registry worker's НАРК pass, against the same database.
        central_services.db.connect(reuse_if_open=True)
        assert send_due(central_services) == 2
        certificate = Certificate.get(Certificate.kind == CertificateKind.CERTIFICATE)
        conclusion = Certificate.get(Certificate.kind == CertificateKind.CONCLUSION)
        assert {c.status for c in (certificate, conclusion)} == {CertificateStatus.ISSUED}
        assert sorted(r["full_name"] for r in nark.received) == ["Иванов Иван Иванович", "Петрова Анна Сергеевна"]
        central_services.db.close()

        page.reload()
        members = page.inner_text("[data-testid=composition]")
        assert f"Внесено в реестр: {certificate.registration_number}" in members
        assert f"Внесено в реестр: {conclusion.registration_number}" in members

        submit(page, page.get_by_role("link", name="Свидетельство о квалификации"))
        with page.expect_download() as download:
            page.get_by_test_id("pdf-link").click()
        data = Path(download.value.path()).read_bytes()
        text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split())
        assert "Иванов Иван Иванович" in text and certificate.registration_number in text

        submit(page, page.get_by_test_id("verify-link"))
        assert page.inner_text("[data-testid=verify-state]") == "Действительно"
        assert certificate.registration_number in page.inner_text("[data-testid=verify-data]")
    central_services.db.connect(reuse_if_open=True)
    assert CentralResult.get(CentralResult.full_name == "Сидоров Пётр Ильич").status == ResultStatus.RECEIVED
    assert problems == []

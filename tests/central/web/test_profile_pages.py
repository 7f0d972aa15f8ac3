"""«Ваш профиль» of the СПК through HTTP: requisites, «Сотрудники СПК», «Подпись председателя», «Сроки»."""
from __future__ import annotations

import base64
import re

import cv2
import numpy as np
import pytest

from central.models import ReferenceRevision, SpkSettings
from central.revisions import current_version
from core.models import Organisation, Role

BASE = "/cabinet/spk/profile"
REQUISITES = {"full_name": "Совет по профессиональным квалификациям в области обеспечения безопасности в "
                           "чрезвычайных ситуациях", "short_name": "СПК ЧС", "inn": "7707083893", "kpp": "770701001",
              "ogrn": "1027700132195", "legal_address": "г. Москва, ул. Ильинка, д. 5", "phone": "+7 495 111-22-33",
              "email": "spk@example.ru", "website": "spk-chs.ru", "head_name": "Петров Сергей Николаевич",
              "head_position": "Председатель"}
DEADLINES = {"days_documents": "10", "days_to_spk": "5", "days_spk_decision": "20", "days_issue": "30",
             "days_duplicate": "15", "failed_retention_years": "2"}


def drawn_signature(blank: bool = False) -> str:
    """A PNG data URL like the pad sends: a transparent canvas with (or without) a stroke."""
    image = np.zeros((200, 600, 4), np.uint8)
    if not blank:
        cv2.line(image, (40, 150), (560, 60), (107, 42, 11, 255), 4)
    ok, png = cv2.imencode(".png", image)
    assert ok
    return "data:image/png;base64," + base64.b64encode(png.tobytes()).decode()


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def _spk(world) -> Organisation:
    return Organisation.get_by_id(world.spk.id)


def test_the_page_shows_requisites_members_signature_and_deadlines(spk_world, admin):
    page = admin.get(BASE)
    assert page.status_code == 200
    text = page.text
    for words in ("Реквизиты СПК", "Сотрудники СПК", "ФИО председателя", "ФИО ответственного секретаря",
                  "Члены СПК", "Подпись председателя", "Сроки", 'value="7707083893"',
                  'value="Петров Сергей Николаевич"', "Гусев А. А.", "data-signature-pad"):
        assert words in text
    assert '<script src="/static/signature.js" defer></script>' in text and "style=" not in text
    for name, value in {"days_documents": 10, "days_to_spk": 7, "days_spk_decision": 14, "days_issue": 30,
                        "days_duplicate": 15, "failed_retention_years": 1}.items():
        assert f'name="{name}" value="{value}"' in text
    assert 'aria-current="page">Ваш профиль' in text


def test_requisites_are_checked_and_other_fields_kept(spk_world, admin):
    spk = _spk(spk_world)
    spk.bank_name = "ПАО Сбербанк"
    spk.save()
    admin.get(BASE)
    version = current_version()
    page = admin.post(BASE, {**REQUISITES, "inn": "7707083890", "short_name": ""})
    assert page.status_code == 422
    assert "Неверная контрольная сумма ИНН" in page.text and "Краткое наименование: значение не указано." in page.text
    assert 'value="7707083890"' in page.text and "реквизиты не сохранены" in page.text
    assert _spk(spk_world).inn == "7707083893" and current_version() == version
    assert "ИНН СПК: значение не указано" in admin.post(BASE, {**REQUISITES, "inn": ""}).text
    done = admin.post(BASE, REQUISITES)
    assert done.status_code == 303 and done.headers["location"].endswith(BASE + "?notice=saved")
    saved = _spk(spk_world)
    assert saved.phone == "+74951112233" and saved.website == "https://spk-chs.ru" and saved.kpp == "770701001"
    assert saved.bank_name == "ПАО Сбербанк" and saved.chair_name == "Петров Сергей Николаевич"
    assert current_version() > version


def test_members_of_the_spk(spk_world, admin):
    admin.get(BASE)
    page = admin.post(BASE + "/members", {"chair_name": "Petrov", "secretary_name": "Орлова",
                                          "voting_members": "Петров С. Н."})
    assert page.status_code == 422
    assert "ФИО председателя: допускаются только буквы кириллицы" in page.text
    assert "ФИО ответственного секретаря: укажите фамилию, имя и отчество" in page.text
    assert _spk(spk_world).chair_name == "Петров Сергей Николаевич"
    version = current_version()
    done = admin.post(BASE + "/members", {"chair_name": "Сидоров  Алексей Петрович",
                                          "secretary_name": "Орлова Мария Викторовна",
                                          "voting_members": "Сидоров А. П.\r\n\r\n  Орлова   М. В. \nГусев А. А.\n"})
    assert done.status_code == 303
    spk = _spk(spk_world)
    assert spk.chair_name == "Сидоров Алексей Петрович"
    assert spk.voting_members == "Сидоров А. П.\nОрлова М. В.\nГусев А. А."
    assert ReferenceRevision.get_by_id(current_version()).what == "Сотрудники СПК изменены" and current_version() > version
    assert "Сотрудники СПК сохранены" in admin.get(done.headers["location"]).text


def test_chair_signature_is_drawn_shown_and_removed(spk_world, admin, central_services):
    admin.get(BASE)
    assert admin.get(BASE + "/signature/image").status_code == 404
    blank = admin.post(BASE + "/signature", {"signature": drawn_signature(blank=True)})
    assert blank.status_code == 422 and "Подпись пустая" in blank.text
    not_png = admin.post(BASE + "/signature", {"signature": "data:image/png;base64," + base64.b64encode(b"%PDF").decode()})
    assert not_png.status_code == 422 and "изображением PNG" in not_png.text
    version = current_version()
    done = admin.post(BASE + "/signature", {"signature": drawn_signature()})
    assert done.status_code == 303
    digest = _spk(spk_world).facsimile_digest
    assert digest and central_services.blobs.read(digest).startswith(b"\x89PNG") and current_version() > version
    page = admin.get(done.headers["location"])
    assert "Подпись председателя сохранена" in page.text and 'data-testid="facsimile"' in page.text
    image = admin.get(BASE + "/signature/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert admin.post(BASE + "/signature/delete").status_code == 303
    assert _spk(spk_world).facsimile_digest is None


BAD_DEADLINES = [
    ("days_issue", "0", "Выдача свидетельства или заключения после экзамена: укажите целое число от 1 до 365 дней."),
    ("days_to_spk", "366", "укажите целое число от 1 до 365 дней"),
    ("days_documents", "десять", "укажите целое число от 1 до 365 дней"),
    ("days_spk_decision", "", "СПК принимает решение после экзамена: значение не указано."),
    ("failed_retention_years", "11", "укажите целое число от 1 до 10 лет"),
]


def test_deadlines_are_validated(spk_world, admin):
    admin.get(BASE)
    for field, value, message in BAD_DEADLINES:
        page = admin.post(BASE + "/deadlines", {**DEADLINES, field: value})
        assert page.status_code == 422 and message in page.text and "сроки не сохранены" in page.text, field
        assert f'name="{field}" value="{value}"' in page.text
    assert SpkSettings.get(SpkSettings.spk == spk_world.spk).days_to_spk == 7


def test_deadlines_are_saved_and_created_when_missing(spk_world, admin):
    SpkSettings.get(SpkSettings.spk == spk_world.spk).delete_instance()
    page = admin.get(BASE)
    assert 'name="days_spk_decision" value="14"' in page.text  # the defaults, nothing written on a GET
    assert not SpkSettings.select().exists()
    version = current_version()
    done = admin.post(BASE + "/deadlines", DEADLINES)
    assert done.status_code == 303
    settings = SpkSettings.get(SpkSettings.spk == spk_world.spk)
    assert (settings.days_to_spk, settings.days_spk_decision, settings.failed_retention_years) == (5, 20, 2)
    assert current_version() > version
    assert 'name="days_spk_decision" value="20"' in admin.get(BASE).text


def test_an_operator_may_edit_but_a_cok_user_may_not(spk_world, central_signed_in):
    operator = central_signed_in(spk_world.operator)
    operator.get(BASE)
    assert operator.post(BASE + "/deadlines", DEADLINES).status_code == 303
    cok_user = spk_world.factory.user(Role.ADMIN, spk_world.coks[0], email="staff@cok.test")
    other = central_signed_in(cok_user)
    assert other.get(BASE).status_code == 403
    other.get("/cabinet/cok/")
    assert other.post(BASE + "/members", {"chair_name": "Взлом Взлом"}).status_code == 403
    assert _spk(spk_world).chair_name == "Петров Сергей Николаевич"
    assert re.search(r"Петров", _spk(spk_world).voting_members)


@pytest.mark.browser
def test_the_chair_draws_the_signature_in_chromium(spk_world, central_config):
    """The pad (static/signature.js) works under the CSP in a real browser against real gunicorn."""
    from core.config import CONFIG_ENV
    from core.testing import chromium_browser, running_gunicorn
    from core.testing_browser import notice, sign_in, submit

    problems: list[str] = []
    spk_world.services.db.close()  # the workers write to the same SQLite file
    with running_gunicorn("central.wsgi:application()", {CONFIG_ENV: str(central_config.config_file)}) as base, \
            chromium_browser() as browser:
        page = sign_in(browser, base, spk_world.admin.email, problems)
        page.goto(f"{base}{BASE}")
        canvas = page.locator("[data-signature-pad] canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + 30, box["y"] + 150)
        page.mouse.down()
        for step in range(1, 20):
            page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 150 - step * 5)
        page.mouse.up()
        submit(page, page.locator("form[data-signature-form] button[type=submit]"))
        assert "Подпись председателя сохранена" in notice(page)
        assert page.locator("[data-testid=facsimile]").evaluate("img => img.naturalWidth") > 0
    spk_world.services.db.connect(reuse_if_open=True)
    assert _spk(spk_world).facsimile_digest
    assert problems == []

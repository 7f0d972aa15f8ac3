"""«Эксперты» through HTTP: the «Добавить эксперта» form with «Квалификация» blocks, checks, edit, delete."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from central.models import ReferenceRevision
from central.revisions import current_version
from core.models import ExpertCertificate, GroupApplication, OrgKind, Qualification, Role, User
from core.testing import TEST_PASSWORD, WebClient

BASE = "/cabinet/spk/experts"
TODAY = dt.date.today()


def _form(world, **overrides):
    form = {"last_name": "Кузнецова", "first_name": "Анна", "middle_name": "Сергеевна",
            "email": "Kuznetsova@Expert.test", "phone": "8 (912) 345-67-89",
            "qualification_1": str(world.qualifications[0].id),
            "valid_from_1": (TODAY - dt.timedelta(days=30)).isoformat(),
            "valid_to_1": (TODAY + dt.timedelta(days=700)).isoformat(),
            "protocol_number_1": "12/2026", "protocol_date_1": (TODAY - dt.timedelta(days=31)).isoformat(),
            "qualification_2": "", "valid_from_2": "", "valid_to_2": "", "protocol_number_2": "",
            "protocol_date_2": ""}
    form.update(overrides)
    return form


def _expert(world, email, full_name, *, valid_to, spk=None, qualification=None):
    expert = world.factory.user(Role.EXPERT, spk or world.spk, email=email, full_name=full_name, password=None)
    ExpertCertificate.create(expert=expert, qualification=qualification or world.qualifications[0],
                             valid_from=valid_to - dt.timedelta(days=1000), valid_to=valid_to,
                             protocol_number="7", protocol_date=valid_to - dt.timedelta(days=1001))
    return expert


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def test_list_shows_experts_with_their_status_and_searches(spk_world, admin):
    active = _expert(spk_world, "ivanov@expert.test", "Иванов Иван Иванович", valid_to=TODAY + dt.timedelta(days=5))
    expired = _expert(spk_world, "petrova@expert.test", "Петрова Ольга Ивановна",
                      valid_to=TODAY - dt.timedelta(days=1), qualification=spk_world.qualifications[1])
    page = admin.get(BASE)
    assert page.status_code == 200
    assert "Добавить эксперта" in page.text and "Иванов Иван Иванович" in page.text
    assert re.search(rf'data-testid="status-{active.id}">Действующий<', page.text)
    assert re.search(rf'data-testid="status-{expired.id}">Истёк<', page.text)
    assert "40.05400.02 Руководитель службы охраны труда (7 уровень квалификации)" in page.text
    by_code = admin.get(BASE + "?q=40.05400.02")
    assert "Петрова Ольга Ивановна" in by_code.text and "Иванов Иван Иванович" not in by_code.text
    by_name = admin.get(BASE + "?q=Иванов Иван")
    assert "Иванов Иван Иванович" in by_name.text and "Петрова" not in by_name.text


def test_adding_an_expert_with_a_qualification_block(spk_world, admin):
    new = admin.get(BASE + "/new")
    assert new.status_code == 200
    for label in ("Фамилия *", "Имя *", "Отчество", "Email *", "Телефон", "Дата начала свидетельства *",
                  "Дата окончания свидетельства *", "Номер протокола *", "Дата протокола *",
                  "+ Добавить квалификацию"):
        assert label in new.text
    version = current_version()
    done = admin.post(BASE + "/new", _form(spk_world))
    assert done.status_code == 303, done.text
    expert = User.get(User.email == "kuznetsova@expert.test")
    assert done.headers["location"].endswith(f"{BASE}/{expert.id}?notice=created")
    assert expert.role == "expert" and expert.organisation_id == spk_world.spk.id
    assert expert.full_name == "Кузнецова Анна Сергеевна" and expert.phone == "+79123456789"
    assert expert.password_hash is None
    cert = ExpertCertificate.get(ExpertCertificate.expert == expert)
    assert cert.qualification_id == spk_world.qualifications[0].id and cert.protocol_number == "12/2026"
    assert current_version() > version
    assert ReferenceRevision.select().where(ReferenceRevision.what.contains("Кузнецова Анна Сергеевна")).exists()
    listing = admin.get(BASE)
    assert "Кузнецова Анна Сергеевна" in listing.text and "Действующий" in listing.text
    # No password at the registry: experts sign in on appliances.
    assert WebClient(admin.client.app).login("kuznetsova@expert.test", TEST_PASSWORD).status_code != 303


BAD_INPUT = [
    ({"email": "admin@spk.test"}, "Пользователь с таким адресом электронной почты уже зарегистрирован."),
    ({"last_name": ""}, "Фамилия: значение не указано."),
    ({"first_name": "Anna"}, "Имя: допускаются только буквы кириллицы"),
    ({"email": "не-почта"}, "Адрес электронной почты указан неверно"),
    ({"valid_to_1": (TODAY - dt.timedelta(days=60)).isoformat()}, "Дата окончания свидетельства раньше даты начала."),
    ({"protocol_number_1": ""}, "Номер протокола: значение не указано."),
    ({"protocol_date_1": "31.02.2026"}, "Дата протокола: дата указана неверно"),
    ({"protocol_date_1": (TODAY + dt.timedelta(days=2)).isoformat()}, "Дата протокола не может быть в будущем."),
    ({"qualification_1": "", "valid_from_1": "", "valid_to_1": "", "protocol_number_1": "", "protocol_date_1": ""},
     "Укажите хотя бы одну квалификацию эксперта."),
]


def test_the_form_refuses_bad_input_and_keeps_it(spk_world, admin):
    admin.get(BASE + "/new")
    for overrides, field_message in BAD_INPUT:
        page = admin.post(BASE + "/new", _form(spk_world, **overrides))
        assert page.status_code == 422, overrides
        assert field_message in page.text and "данные не сохранены" in page.text, overrides
        assert 'value="12/2026"' in page.text or overrides.get("protocol_number_1") == ""
    assert not User.select().where(User.role == "expert").exists()
    assert not ExpertCertificate.select().exists()


def test_a_qualification_of_another_spk_or_overlapping_blocks_are_refused(spk_world, admin):
    other = spk_world.factory.org(OrgKind.SPK)
    foreign = Qualification.create(spk=other, prof_standard=spk_world.qualifications[0].prof_standard,
                                   code="40.05400.09", name="Чужая квалификация", level=5)
    admin.get(BASE + "/new")
    page = admin.post(BASE + "/new", _form(spk_world, qualification_1=str(foreign.id)))
    assert page.status_code == 422 and "Выберите квалификацию из перечня квалификаций СПК." in page.text
    assert "Чужая квалификация" not in page.text
    same = _form(spk_world, qualification_2=str(spk_world.qualifications[0].id), valid_from_2=TODAY.isoformat(),
                 valid_to_2=(TODAY + dt.timedelta(days=10)).isoformat(), protocol_number_2="13",
                 protocol_date_2=TODAY.isoformat())
    page = admin.post(BASE + "/new", same)
    assert page.status_code == 422 and "Свидетельства по квалификации 40.05400.01 пересекаются по датам." in page.text


def test_add_qualification_button_draws_one_more_block_without_saving(spk_world, admin):
    admin.get(BASE + "/new")
    assert admin.get(BASE + "/new").text.count('data-testid="block-') == 2
    page = admin.post(BASE + "/new", {**_form(spk_world), "add_block": "1"})
    assert page.status_code == 200
    assert page.text.count('data-testid="block-') == 4  # the filled one, one more and the usual empty one
    assert 'value="12/2026"' in page.text
    assert not User.select().where(User.role == "expert").exists()


def test_editing_updates_removes_and_adds_certificates(spk_world, admin):
    admin.get(BASE + "/new")
    admin.post(BASE + "/new", _form(spk_world))
    expert = User.get(User.email == "kuznetsova@expert.test")
    cert = ExpertCertificate.get(ExpertCertificate.expert == expert)
    page = admin.get(f"{BASE}/{expert.id}")
    assert page.status_code == 200 and f'name="cert_1" value="{cert.id}"' in page.text
    assert 'value="Кузнецова"' in page.text and "Удалить эту квалификацию эксперта" in page.text
    form = {**_form(spk_world, phone="", email="kuznetsova@expert.test"), "cert_1": str(cert.id), "remove_1": "on",
            "qualification_2": str(spk_world.qualifications[1].id), "valid_from_2": TODAY.isoformat(),
            "valid_to_2": (TODAY + dt.timedelta(days=365)).isoformat(), "protocol_number_2": "14",
            "protocol_date_2": TODAY.isoformat()}
    assert admin.post(f"{BASE}/{expert.id}", form).status_code == 303
    certs = list(ExpertCertificate.select().where(ExpertCertificate.expert == expert))
    assert [(c.qualification_id, c.protocol_number) for c in certs] == [(spk_world.qualifications[1].id, "14")]
    assert User.get_by_id(expert.id).phone is None
    second = certs[0]
    form = {**_form(spk_world, email="kuznetsova@expert.test"), "cert_1": str(second.id),
            "qualification_1": str(spk_world.qualifications[1].id), "valid_to_1": (TODAY + dt.timedelta(days=30)).isoformat(),
            "protocol_number_1": "14-бис", "valid_from_1": TODAY.isoformat(), "protocol_date_1": TODAY.isoformat()}
    assert admin.post(f"{BASE}/{expert.id}", form).status_code == 303
    updated = ExpertCertificate.get_by_id(second.id)
    assert updated.protocol_number == "14-бис" and updated.valid_to == TODAY + dt.timedelta(days=30)


def test_email_stays_unique_when_editing(spk_world, admin):
    expert = _expert(spk_world, "ivanov@expert.test", "Иванов Иван Иванович", valid_to=TODAY)
    admin.get(f"{BASE}/{expert.id}")
    page = admin.post(f"{BASE}/{expert.id}", {"last_name": "Иванов", "first_name": "Иван", "email": "operator@spk.test"})
    assert page.status_code == 422 and "Пользователь с таким адресом электронной почты уже зарегистрирован." in page.text


def test_delete_removes_an_unreferenced_expert_and_switches_off_a_referenced_one(spk_world, admin):
    free = _expert(spk_world, "free@expert.test", "Свободный Пётр Петрович", valid_to=TODAY)
    named = _expert(spk_world, "named@expert.test", "Занятой Павел Павлович", valid_to=TODAY)
    employer = spk_world.factory.org(OrgKind.EMPLOYER)
    GroupApplication.create(employer=employer, cok=spk_world.coks[0], status="draft", created_by=named,
                            prof_standard=spk_world.qualifications[0].prof_standard)
    admin.get(BASE)
    done = admin.post(f"{BASE}/{free.id}/delete")
    assert done.status_code == 303 and done.headers["location"].endswith(f"{BASE}?notice=deleted")
    assert User.get_or_none(User.id == free.id) is None
    assert not ExpertCertificate.select().where(ExpertCertificate.expert == free.id).exists()
    done = admin.post(f"{BASE}/{named.id}/delete")
    assert done.headers["location"].endswith(f"{BASE}/{named.id}?notice=disabled")
    kept = User.get_by_id(named.id)
    assert not kept.is_active and ExpertCertificate.select().where(ExpertCertificate.expert == kept).exists()
    page = admin.get(f"{BASE}/{named.id}?notice=disabled")
    assert "не удалён, а отключён" in page.text and 'data-testid="expert-status">Отключён<' in page.text
    assert admin.post(f"{BASE}/{named.id}/restore").status_code == 303
    assert User.get_by_id(named.id).is_active


def test_another_spk_expert_is_not_found(spk_world, admin):
    other = spk_world.factory.org(OrgKind.SPK)
    foreign = spk_world.factory.user(Role.EXPERT, other, email="foreign@expert.test", full_name="Чужой Эксперт Иванович")
    assert admin.get(f"{BASE}/{foreign.id}").status_code == 404
    admin.get(BASE)
    assert admin.post(f"{BASE}/{foreign.id}/delete").status_code == 404
    assert admin.post(f"{BASE}/{foreign.id}", {"last_name": "Взлом"}).status_code == 404
    assert "Чужой Эксперт" not in admin.get(BASE).text
    assert User.get_by_id(foreign.id).is_active


@pytest.mark.browser
def test_enter_in_a_field_saves_the_expert_in_chromium(spk_world, central_config):
    """The first button of the form is «Сохранить», so Enter does not just add an empty block."""
    from core.config import CONFIG_ENV
    from core.testing import chromium_browser, running_gunicorn
    from core.testing_browser import notice, sign_in

    problems: list[str] = []
    spk_world.services.db.close()  # the workers write to the same SQLite file
    with running_gunicorn("central.wsgi:application()", {CONFIG_ENV: str(central_config.config_file)}) as base, \
            chromium_browser() as browser:
        page = sign_in(browser, base, spk_world.admin.email, problems)
        page.goto(f"{base}{BASE}/new")
        page.click("button[name=add_block]")
        assert page.locator("fieldset.cert-block").count() == 3
        for name, value in _form(spk_world).items():
            if value and not name.startswith("qualification"):
                page.fill(f"[name={name}]", value)
        page.select_option("[name=qualification_1]", str(spk_world.qualifications[0].id))
        with page.expect_navigation():
            page.press("[name=protocol_number_1]", "Enter")
        assert "Эксперт добавлен" in notice(page)
    spk_world.services.db.connect(reuse_if_open=True)
    assert User.get(User.email == "kuznetsova@expert.test").full_name == "Кузнецова Анна Сергеевна"
    assert problems == []


def test_list_page_takes_the_same_number_of_queries_for_more_experts(spk_world, admin, central_services):
    from core.testing import count_queries

    _expert(spk_world, "first@expert.test", "Первый Иван Иванович", valid_to=TODAY)

    def queries() -> int:
        with count_queries(central_services.db) as seen:
            assert admin.get(BASE).status_code == 200
        return len(seen)

    before = queries()
    for n, name in enumerate(("Второй", "Третий", "Четвёртый")):
        _expert(spk_world, f"e{n}@expert.test", f"{name} Иван Иванович", valid_to=TODAY,
                qualification=spk_world.qualifications[n % 2])
    assert queries() == before

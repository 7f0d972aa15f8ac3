"""«Эксперты» through HTTP: the ЦОК's Администратор manages, others look, a foreign СПК's ЦОК sees nothing."""
import datetime as dt

import pytest

from core.models import ExpertCertificate, Role, User

TODAY = dt.date.today()


def _cert_form(world, **changes):
    form = {"qualification": str(world.welder.id), "valid_from": TODAY.isoformat(),
            "valid_to": (TODAY + dt.timedelta(days=3 * 365)).isoformat(), "protocol_number": "12/2026",
            "protocol_date": TODAY.isoformat()}
    form.update(changes)
    return form


def test_admin_creates_expert_with_certificate(world, signed_in, smtp_server):
    web = signed_in("admin@cok.ru")
    assert "Добавить эксперта" in web.get("/cabinet/cok/experts").text
    web.get("/cabinet/cok/experts/new")
    created = web.post("/cabinet/cok/experts/new", {"full_name": "Зайцева Ольга Игоревна", "email": "Zaitseva@mail.ru",
                                                    "phone": "8 902 431-44-44", "position": "Инженер-технолог"})
    assert created.status_code == 303, created.text[:300]
    expert = User.get(User.email == "zaitseva@mail.ru")
    assert expert.role == Role.EXPERT.value and expert.organisation_id == world.orgs["spk"].id
    letter = smtp_server.wait_for(1)[-1]
    assert letter["To"] == "zaitseva@mail.ru" and "/password/set?token=" in smtp_server.body(letter)
    page = web.get(created.headers["location"])
    assert "Эксперт добавлен" in page.text and "Свидетельств пока нет" in page.text
    added = web.post(f"/cabinet/cok/experts/{expert.id}/certificates", _cert_form(world))
    assert added.status_code == 303
    cert = ExpertCertificate.get(ExpertCertificate.expert == expert)
    assert cert.protocol_number == "12/2026" and cert.qualification_id == world.welder.id
    listing = web.get("/cabinet/cok/experts")
    assert "Зайцева Ольга Игоревна" in listing.text and "протокол № 12/2026" in listing.text
    updated = web.post(f"/cabinet/cok/experts/{expert.id}", {"full_name": "Зайцева Ольга Игоревна",
                                                             "email": "olga@mail.ru", "phone": "", "position": ""})
    assert updated.status_code == 303 and User.get_by_id(expert.id).email == "olga@mail.ru"
    web.get(f"/cabinet/cok/experts/{expert.id}")
    assert web.post(f"/cabinet/cok/experts/{expert.id}/certificates/{cert.id}/delete").status_code == 303
    assert not ExpertCertificate.select().where(ExpertCertificate.id == cert.id).exists()
    assert web.post(f"/cabinet/cok/experts/{expert.id}/delete").status_code == 303
    assert User.get_or_none(User.id == expert.id) is None


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"full_name": "Зайцева", "email": "z@mail.ru"}, "full_name", "ФИО полностью"),
    ({"full_name": "Zaitseva Olga", "email": "z@mail.ru"}, "full_name", "кириллицы"),
    ({"full_name": "Зайцева Ольга", "email": "z@"}, "email", "электронной почты указан неверно"),
    ({"full_name": "Зайцева Ольга", "email": "expert@spk.ru"}, "email", "уже зарегистрирован"),
    ({"full_name": "Зайцева Ольга", "email": "z@mail.ru", "phone": "123"}, "phone", "Номер телефона указан неверно"),
])
def test_expert_form_errors_next_to_fields(world, signed_in, form, field, message):
    web = signed_in("admin@cok.ru")
    web.get("/cabinet/cok/experts/new")
    page = web.post("/cabinet/cok/experts/new", {"position": "Главный сварщик", **form})
    assert page.status_code == 422 and message in page.text and f'id="{field}-error"' in page.text
    assert 'value="Главный сварщик"' in page.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"qualification": ""}, "qualification", "Выберите квалификацию"),
    ({"valid_from": "не дата"}, "valid_from", "дата указана неверно"),
    ({"valid_to": ""}, "valid_to", "укажите дату"),
    ({"valid_to": (TODAY - dt.timedelta(days=1)).isoformat()}, "valid_to", "раньше даты начала"),
    ({"protocol_number": "  "}, "protocol_number", "Укажите номер протокола"),
    ({"protocol_number": "1" * 51}, "protocol_number", "не более 50 символов"),
    ({"protocol_date": (TODAY + dt.timedelta(days=2)).isoformat()}, "protocol_date", "не может быть в будущем"),
    ({"protocol_date": "2026-02-30"}, "protocol_date", "дата указана неверно"),
])
def test_certificate_form_errors_next_to_fields(world, signed_in, people, changes, field, message):
    web = signed_in("admin@cok.ru")
    expert = people["expert"]
    web.get(f"/cabinet/cok/experts/{expert.id}")
    page = web.post(f"/cabinet/cok/experts/{expert.id}/certificates", _cert_form(world, **changes))
    assert page.status_code == 422 and message in page.text and f'id="{field}-error"' in page.text
    kept = changes.get("protocol_number", "12/2026").strip()
    if kept and len(kept) <= 50:
        assert f'value="{kept}"' in page.text
    assert not ExpertCertificate.select().exists()


def test_overlapping_certificate_is_refused(world, signed_in, people):
    web = signed_in("admin@cok.ru")
    expert = people["expert"]
    web.get(f"/cabinet/cok/experts/{expert.id}")
    assert web.post(f"/cabinet/cok/experts/{expert.id}/certificates", _cert_form(world)).status_code == 303
    page = web.post(f"/cabinet/cok/experts/{expert.id}/certificates", _cert_form(world))
    assert page.status_code == 422 and "на эти даты" in page.text


@pytest.mark.parametrize("email,cabinet", [("operator@cok.ru", "cok"), ("admin@venue.ru", "venue")])
def test_operator_and_venue_see_the_list_read_only(world, signed_in, people, email, cabinet):
    expert = people["expert"]
    web = signed_in(email)
    listing = web.get(f"/cabinet/{cabinet}/experts")
    assert listing.status_code == 200 and expert.full_name in listing.text and "Добавить эксперта" not in listing.text
    page = web.get(f"/cabinet/{cabinet}/experts/{expert.id}")
    assert page.status_code == 200 and expert.email in page.text and 'name="full_name"' not in page.text
    assert web.get(f"/cabinet/{cabinet}/experts/new").status_code == 403
    assert web.post(f"/cabinet/{cabinet}/experts/new", {"full_name": "Хакер Хакер", "email": "h@x.ru"}).status_code == 403
    assert web.post(f"/cabinet/{cabinet}/experts/{expert.id}", {"full_name": "Иванов Иван",
                                                                "email": "i@x.ru"}).status_code == 403
    assert web.post(f"/cabinet/{cabinet}/experts/{expert.id}/delete").status_code == 403
    assert web.post(f"/cabinet/{cabinet}/experts/{expert.id}/certificates", _cert_form(world)).status_code == 403
    assert User.get_by_id(expert.id).email == "expert@spk.ru" and not User.select().where(User.email == "h@x.ru").exists()


def test_centre_of_another_spk_cannot_open_our_expert(world, signed_in, people):
    expert = people["expert"]
    cert = ExpertCertificate.create(expert=expert, qualification=world.welder, valid_from=TODAY,
                                    valid_to=TODAY + dt.timedelta(days=30), protocol_number="1", protocol_date=TODAY)
    web = signed_in("admin@energo.ru")
    listing = web.get("/cabinet/cok/experts")
    assert listing.status_code == 200 and expert.full_name not in listing.text
    page = web.get(f"/cabinet/cok/experts/{expert.id}")
    assert page.status_code == 404 and expert.email not in page.text
    assert web.post(f"/cabinet/cok/experts/{expert.id}", {"full_name": "Иванов Иван", "email": "i@x.ru"}).status_code == 404
    assert web.post(f"/cabinet/cok/experts/{expert.id}/delete").status_code == 404
    assert web.post(f"/cabinet/cok/experts/{expert.id}/certificates/{cert.id}/delete").status_code == 404
    assert web.post(f"/cabinet/cok/experts/{people['applicant'].id}/delete").status_code == 404
    assert User.get_by_id(expert.id).email == "expert@spk.ru" and ExpertCertificate.get_by_id(cert.id)

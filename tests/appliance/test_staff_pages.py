"""«Сотрудники» through HTTP: admin manages, operator cannot, other organisations are invisible."""
from core.models import User
from core.testing import TEST_PASSWORD


def _admin(new_web, email="admin@cok.ru"):
    web = new_web()
    web.login(email, TEST_PASSWORD)
    return web


def test_admin_creates_edits_and_deletes_staff(people, new_web, smtp_server):
    web = _admin(new_web)
    listing = web.get("/cabinet/cok/staff")
    assert listing.status_code == 200 and "Попов Андрей Сергеевич" in listing.text
    assert "Лебедев" not in listing.text, "чужая организация не видна"
    web.get("/cabinet/cok/staff/new")
    created = web.post("/cabinet/cok/staff/new", {"full_name": "Новиков Олег Петрович", "email": "Oleg@cok.ru",
                                                  "role": "operator", "phone": "8 916 000-11-22",
                                                  "position": "Оператор ПК"})
    assert created.status_code == 303
    assert "Сотрудник добавлен" in web.get(created.headers["location"]).text
    member = User.get(User.email == "oleg@cok.ru")
    assert member.organisation_id == people["cok_admin"].organisation_id and member.phone == "+79160001122"
    assert smtp_server.wait_for(1)[-1]["To"] == "oleg@cok.ru"

    web.get(f"/cabinet/cok/staff/{member.id}")
    updated = web.post(f"/cabinet/cok/staff/{member.id}", {"full_name": "Новиков Олег Петрович",
                                                           "email": "oleg@cok.ru", "role": "admin"})
    assert updated.status_code == 303 and User.get_by_id(member.id).role == "admin"

    web.get("/cabinet/cok/staff")
    deleted = web.post(f"/cabinet/cok/staff/{member.id}/delete")
    assert deleted.status_code == 303 and User.get_or_none(User.id == member.id) is None


def test_form_errors_are_russian_and_keep_input(people, new_web):
    web = _admin(new_web)
    web.get("/cabinet/cok/staff/new")
    page = web.post("/cabinet/cok/staff/new", {"full_name": "Клон Иван", "email": "operator@cok.ru",
                                               "role": "operator", "position": "Инженер"})
    assert page.status_code == 422
    assert "уже зарегистрирован" in page.text and 'value="Инженер"' in page.text and 'aria-invalid="true"' in page.text
    page = web.post("/cabinet/cok/staff/new", {"full_name": "Кто-то Новый", "email": "не-почта", "role": "operator"})
    assert page.status_code == 422 and "электронной почты" in page.text


def test_operator_cannot_manage_staff(people, new_web):
    web = _admin(new_web, "operator@cok.ru")
    home = web.get("/cabinet/cok/")
    assert "Сотрудники" not in home.text
    page = web.get("/cabinet/cok/staff")
    assert page.status_code == 403 and "только Администратору" in page.text
    assert web.post("/cabinet/cok/staff/new", {"full_name": "Хакер Хакерович", "email": "h@cok.ru",
                                               "role": "admin"}).status_code == 403
    assert not User.select().where(User.email == "h@cok.ru").exists()


def test_other_organisation_cannot_touch_our_staff(people, new_web):
    web = _admin(new_web, "admin@yug.ru")
    victim = people["cok_operator"]
    page = web.get(f"/cabinet/cok/staff/{victim.id}")  # same cabinet kind, other organisation
    assert page.status_code == 404 and victim.email not in page.text
    web.get("/cabinet/cok/staff")
    result = web.post(f"/cabinet/cok/staff/{victim.id}/delete")
    assert result.status_code == 404
    assert User.get_or_none(User.id == victim.id) is not None


def test_other_cabinet_is_forbidden(people, new_web):
    web = _admin(new_web, "welder@mail.ru")
    page = web.get("/cabinet/cok/")
    assert page.status_code == 403 and "Личный кабинет Соискателя" in page.text
    assert web.get("/cabinet/applicant/staff").status_code == 404


def test_post_without_csrf_is_refused(people, new_web):
    web = _admin(new_web)
    web.get("/cabinet/cok/staff/new")
    page = web.post("/cabinet/cok/staff/new", {"full_name": "Без Токена", "email": "x@cok.ru", "role": "operator",
                                               "csrf_token": "подделка"})
    assert page.status_code == 403 and "Форма устарела" in page.text
    page = web.post("/cabinet/cok/staff/new", {"full_name": "Без Токена", "email": "x@cok.ru", "role": "operator"},
                    csrf=False)
    assert page.status_code == 403
    assert not User.select().where(User.email == "x@cok.ru").exists()


def test_cannot_delete_self(people, new_web):
    web = _admin(new_web)
    web.get("/cabinet/cok/staff")
    me = people["cok_admin"]
    page = web.post(f"/cabinet/cok/staff/{me.id}/delete")
    assert page.status_code == 409 and "собственную" in page.text


def test_staff_list_query_count_does_not_grow_with_rows(people, new_web, services, factory):
    from core.models import Role
    from core.testing import count_queries

    web = _admin(new_web)
    web.get("/cabinet/cok/staff")
    with count_queries(services.db) as few:
        web.get("/cabinet/cok/staff")
    for _ in range(20):
        factory.user(Role.OPERATOR, people["cok_admin"].organisation, password=None)
    with count_queries(services.db) as many:
        page = web.get("/cabinet/cok/staff")
    assert page.text.count("<tr>") >= 22
    assert 0 < len(few) == len(many), many

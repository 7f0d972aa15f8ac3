"""The registry's web app is the shared frame: sign-in, the СПК cabinet and its menu, staff, error pages."""


def test_spk_admin_signs_in_and_sees_every_section(spk_world, central_signed_in):
    web = central_signed_in(spk_world.admin)
    home = web.get("/cabinet/spk/")
    assert home.status_code == 200 and "Личный кабинет СПК" in home.text
    for slug, title in (("results", "Результаты экзаменов"), ("protocols", "Протоколы"), ("certificates", "Свидетельства"),
                        ("centres", "ЦОК и площадки"), ("experts", "Эксперты"), ("qualifications", "Квалификации"),
                        ("persons", "Личные дела"), ("schedule", "План-график"), ("statistics", "Статистика"),
                        ("profile", "Ваш профиль"), ("staff", "Сотрудники")):
        page = web.get(f"/cabinet/spk/{slug}")
        assert page.status_code == 200, (slug, page.text[:300])
        assert title in page.text, slug
        assert "появится" not in page.text.lower(), f"{slug}: раздел должен работать, а не обещать"


def test_staff_form_opens_and_operator_has_no_staff_section(spk_world, central_signed_in):
    admin = central_signed_in(spk_world.admin)
    assert admin.get("/cabinet/spk/staff/new").status_code == 200
    operator = central_signed_in(spk_world.operator)
    assert operator.get("/cabinet/spk/staff").status_code == 403
    assert operator.get("/cabinet/spk/results").status_code == 200


def test_anonymous_goes_to_login_and_unknown_page_is_russian(central_web):
    page = central_web.get("/cabinet/spk/results")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    missing = central_web.get("/nothing-here")
    assert missing.status_code == 404 and "Страница не найдена" in missing.text

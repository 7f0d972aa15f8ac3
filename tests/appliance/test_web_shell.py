"""Security headers, Russian error pages, local assets, menus that say what will come."""
from core.testing import TEST_PASSWORD


def test_security_headers(web):
    result = web.get("/login")
    csp = result.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert result.headers["x-content-type-options"] == "nosniff"
    assert result.headers["x-frame-options"] == "DENY"
    assert result.headers["cache-control"] == "no-store"


def test_errors_are_russian_without_traces(web, people):
    page = web.get("/no/such/page")
    assert page.status_code == 404 and "Страница не найдена" in page.text and "Traceback" not in page.text
    page = web.get("/cabinet/nonexistent/")
    assert page.status_code in (303, 404)


def test_unexpected_error_shows_russian_500(services, monkeypatch):
    from core.web import auth_pages
    from appliance.web.app import create_app
    from core.testing import WebClient

    def boom(self, req, resp):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(auth_pages.LoginResource, "on_get", boom)
    page = WebClient(create_app(services)).get("/login")
    assert page.status_code == 500 and "Внутренняя ошибка" in page.text
    assert "secret internal detail" not in page.text and "Traceback" not in page.text


def test_assets_are_local(web):
    page = web.get("/login")
    assert "http://" not in page.text.replace("http://testserver", "") and "https://" not in page.text
    css = web.get("/static/nok.css")
    assert css.status_code == 200 and "--brand" in css.text
    assert web.get("/static/nok.js").status_code == 200


def test_menu_of_cok_and_future_sections(people, web):
    web.login("admin@cok.ru", TEST_PASSWORD)
    home = web.get("/cabinet/cok/")
    for title in ("Сотрудники", "Эксперты", "Квалификации", "Теория", "Практика", "Результаты экзаменов",
                  "Ваш профиль"):
        assert title in home.text
    section = web.get("/cabinet/cok/settlements")
    assert section.status_code == 200 and "Раздел появится" in section.text


def test_health(web):
    assert web.client.simulate_get("/healthz").json == {"status": "ok"}


def test_error_pages_for_real_browser_accept_headers(web):
    chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    for accept in (chromium, "*/*"):
        page = web.get("/no/such/page", headers={"Accept": accept})
        assert page.status_code == 404 and "Страница не найдена" in page.text
    api = web.get("/no/such/page", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json["error"] == "Страница не найдена"

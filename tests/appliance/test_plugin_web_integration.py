"""A plugin adds a route, a template, a static folder and a menu item to the real app."""
from pathlib import Path

import falcon

from appliance.bootstrap import open_services
from appliance.web.app import create_app
from core.web.guards import require_cabinet
from core.web.render import render
from core.testing import WebClient
from core.plugin_api import MenuItem, hookimpl
from core.plugins import PluginHost
from core.testing import TEST_PASSWORD


def make_plugin(tmp_path: Path):
    templates = tmp_path / "templates"
    (templates / "hello").mkdir(parents=True)
    (templates / "hello" / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Привет от плагина</h1>{% endblock %}', encoding="utf-8")
    static = tmp_path / "static"
    static.mkdir()
    (static / "hello.css").write_text("body{}", encoding="utf-8")

    class HelloPage:
        def __init__(self, services):
            self.services = services

        def on_get(self, req, resp):
            require_cabinet(req, "cok", self.services.plugins)
            render(self.services.templates, req, resp, "hello/page.html", title="Привет")

    class HelloPlugin:
        @hookimpl
        def nok_register_routes(self, app: falcon.App, services):
            app.add_route("/p/hello/", HelloPage(services))

        @hookimpl
        def nok_template_dirs(self):
            return [templates]

        @hookimpl
        def nok_static_dirs(self):
            return {"hello": static}

        @hookimpl
        def nok_cabinet_menu_items(self, cabinet):
            return [MenuItem(title="Привет", url="/p/hello/", roles=None)] if cabinet == "cok" else []

    return HelloPlugin()


def test_plugin_route_template_static_and_menu(nok_config, tmp_path, factory):
    from core.models import OrgKind, Role

    services = open_services(nok_config, PluginHost.with_plugins({"hello": make_plugin(tmp_path)}))
    factory.user(Role.OPERATOR, factory.org(OrgKind.COK), email="op@cok.ru")
    web = WebClient(create_app(services))
    web.login("op@cok.ru", TEST_PASSWORD)
    home = web.get("/cabinet/cok/")
    assert 'href="/p/hello/"' in home.text
    page = web.get("/p/hello/")
    assert page.status_code == 200 and "Привет от плагина" in page.text and "Личный кабинет ЦОК" in page.text
    assert web.get("/static/p/hello/hello.css").status_code == 200
    services.db.close()

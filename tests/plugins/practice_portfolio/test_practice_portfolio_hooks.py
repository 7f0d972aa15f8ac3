"""The practice_portfolio plugin registers the practice and portfolio exam types."""
from __future__ import annotations

import pytest

from core.plugins import BUILTIN_PLUGINS, PluginHost
from plugins.practice_portfolio.providers import PortfolioDefence, PracticeExam


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.with_plugins({"practice_portfolio": BUILTIN_PLUGINS["practice_portfolio"]})


def test_registers_both_exam_types(host):
    assert host.is_active("practice_portfolio")
    assert host.exam_types() == {"practice": PracticeExam, "portfolio": PortfolioDefence}
    assert PracticeExam.title == "Практический этап"
    assert PortfolioDefence.title == "Защита портфолио"


def test_template_dir(host):
    (folder,) = host.template_dirs()
    assert (folder / "practice_portfolio").is_dir()


def test_coexists_with_theory_exam():
    host = PluginHost.with_plugins({name: BUILTIN_PLUGINS[name] for name in ("theory_exam", "practice_portfolio")})
    assert set(host.exam_types()) == {"theory", "practice", "portfolio"}


def test_static_dir_holds_the_countdown(host):
    (folder,) = host.static_dirs().values()
    assert set(host.static_dirs()) == {"practice_portfolio"} and (folder / "countdown.js").is_file()


def test_registers_the_station_and_review_routes(host):
    from falcon import App

    app = App()
    host.register_routes(app, services=None)
    for path in ("/p/practice_portfolio/take", "/p/practice_portfolio/take/files",
                 "/p/practice_portfolio/take/files/3/delete", "/p/practice_portfolio/attempts/5",
                 "/p/practice_portfolio/attempts/5/files/7", "/p/practice_portfolio/attempts/5/portfolio"):
        assert app._router.find(path) is not None, path

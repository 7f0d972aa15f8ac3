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


@pytest.mark.parametrize("exam_type", [PracticeExam, PortfolioDefence])
def test_unfinished_methods_say_so(exam_type):
    with pytest.raises(NotImplementedError, match="следующей версии"):
        exam_type().build_attempt({}, seed=1)
    with pytest.raises(NotImplementedError, match="следующей версии"):
        exam_type().score({}, {})

"""The theory_exam plugin registers the theory exam type and its templates."""
from __future__ import annotations

import pytest

from core.plugins import BUILTIN_PLUGINS, PluginHost
from plugins.theory_exam.providers import TheoryExam


@pytest.fixture
def host() -> PluginHost:
    return PluginHost.with_plugins({"theory_exam": BUILTIN_PLUGINS["theory_exam"]})


def test_active(host):
    assert host.is_active("theory_exam")


def test_registers_theory_exam_type(host):
    assert host.exam_types() == {"theory": TheoryExam}
    assert TheoryExam.title == "Теоретический этап"


def test_template_dir(host):
    (folder,) = host.template_dirs()
    assert folder.is_dir() and (folder / "theory_exam").is_dir()


def test_adds_nothing_else(host):
    assert host.recorders() == {} and host.static_dirs() == {} and host.migrations() == {}


def test_unfinished_methods_say_so():
    exam = TheoryExam()
    with pytest.raises(NotImplementedError, match="следующей версии"):
        exam.build_attempt({}, seed=1)
    with pytest.raises(NotImplementedError, match="следующей версии"):
        exam.score({}, {})

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


def test_static_files_and_the_trial_table(host):
    (name, folder), = host.static_dirs().items()
    assert name == "theory_exam" and (folder / "exam.js").is_file()
    assert [m._meta.table_name for m in host.models()["theory_exam"]] == ["theory_exam_trial"]
    assert host.recorders() == {} and host.migrations() == {}


def test_menu_items_for_applicants_and_staff(host):
    assert [i.title for i in host.menu_items("applicant")] == ["Пробный экзамен"]
    assert all(i.title == "Аналитика КОС" for c in ("spk", "cok", "venue") for i in host.menu_items(c))
    assert host.menu_items("employer") == []

"""Every hook in core/hookspecs.py is documented in docs/plugins.md and used by some test.

Like datasette's tests/test_docs.py: adding a hook without its documentation section or
without a test fails here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("nok_"))
TEST_SOURCES = {
    path: path.read_text(encoding="utf-8")
    for path in (ROOT / "tests").rglob("*.py")
    if path.resolve() != Path(__file__).resolve()
}


def test_hooks_are_found():
    assert "nok_register_exam_types" in HOOKS and len(HOOKS) >= 15


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_a_spec_with_docstring(hook):
    function = getattr(hookspecs, hook)
    assert hasattr(function, "nok_spec"), f"{hook} не помечен @hookspec"
    assert function.__doc__ and "Called by" in function.__doc__, f"{hook}: в docstring не сказано, кто вызывает"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    assert re.search(rf"^### {hook}$", DOCS, re.MULTILINE), f"в docs/plugins.md нет раздела «### {hook}»"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_tested(hook):
    users = [path for path, text in TEST_SOURCES.items() if re.search(rf"\b{hook}\b", text)]
    assert users, f"{hook} не встречается ни в одном тесте под tests/"


def test_docs_describe_no_hook_that_does_not_exist():
    documented = set(re.findall(r"^### (nok_\w+)$", DOCS, re.MULTILINE))
    assert documented - set(HOOKS) == set()

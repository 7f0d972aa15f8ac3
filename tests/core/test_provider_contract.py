"""One contract suite for every provider of every kind the built-in plugins register.

Providers are collected straight from each built-in plugin's hook module, so a plugin
that is inactive on this machine (video_capture without its packages) is checked too.
"""
from __future__ import annotations

import importlib
import inspect
import re
from collections import Counter

import pytest

from core.plugins import BUILTIN_PLUGINS
from core.providers import PROVIDER_KINDS, Provider, contract_errors


def builtin_providers() -> list[tuple[str, type[Provider], type[Provider]]]:
    found = []
    for plugin, module_path in BUILTIN_PLUGINS.items():
        module = importlib.import_module(module_path)
        for hook_name, base in PROVIDER_KINDS.items():
            register = getattr(module, hook_name, None)
            for cls in (register() if register else None) or []:
                found.append((plugin, base, cls))
    return found


PROVIDERS = builtin_providers()
PARAMS = [pytest.param(base, cls, id=f"{plugin}:{base.__name__}:{cls.code}") for plugin, base, cls in PROVIDERS]


def test_every_kind_has_a_builtin_provider():
    assert {base for _, base, _ in PROVIDERS} == set(PROVIDER_KINDS.values())


@pytest.mark.parametrize("base, cls", PARAMS)
def test_is_concrete_subclass_of_its_kind(base, cls):
    assert issubclass(cls, base)
    assert not inspect.isabstract(cls)
    assert contract_errors(cls, base) == []


@pytest.mark.parametrize("base, cls", PARAMS)
def test_code_is_latin_identifier(base, cls):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", cls.code)


@pytest.mark.parametrize("base, cls", PARAMS)
def test_title_is_russian(base, cls):
    assert cls.title.strip() == cls.title and cls.title
    assert re.search(r"[А-Яа-яЁё]", cls.title)


@pytest.mark.parametrize("base, cls", PARAMS)
def test_has_docstring_and_takes_settings(base, cls):
    assert cls.__doc__ and cls.__doc__ is not base.__doc__
    assert cls({"example": "1"}).settings == {"example": "1"}


def test_codes_are_unique_within_each_kind():
    counts = Counter((base, cls.code) for _, base, cls in PROVIDERS)
    assert [key for key, count in counts.items() if count > 1] == []

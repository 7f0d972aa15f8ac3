"""Everything a plugin author imports: the ``hookimpl`` marker, value types, provider bases.

A plugin imports from here (and from ``core`` generally), never from another plugin and
never from ``appliance`` or ``central``::

    from core.plugin_api import ExamType, MenuItem, hookimpl

    @hookimpl
    def nok_register_exam_types():
        return [MyExamType]

The hooks themselves are declared in ``core/hookspecs.py`` and documented in
``docs/plugins.md``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

import peewee
import pluggy

from core.db import BaseModel
from core.exceptions import (ConfigError, PermanentError, PluginError, TransientError,
                             ValidationError)
from core.providers import (ExamScore, ExamType, ExportReceipt, ExportTarget,
                            Frame, PaymentConfirmation, PaymentMethod, Recorder,
                            not_yet_implemented)

__all__ = [
    "CABINETS", "BaseModel", "ConfigError", "ExamScore", "ExamType", "ExportReceipt",
    "ExportTarget", "Frame", "MenuItem", "Migration", "PaymentConfirmation", "PaymentMethod",
    "PermanentError", "PluginError", "Recorder", "TransientError", "ValidationError", "hookimpl",
    "not_yet_implemented",
]

#: Marks a plugin function as the implementation of the ``nok_`` hook of the same name.
hookimpl = pluggy.HookimplMarker("nok")

#: Личные кабинеты a menu item can go into (the values of ``core.models.users.Cabinet``).
CABINETS = frozenset({"spk", "cok", "venue", "expert", "applicant", "employer"})

_COMPONENT = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Migration:
    """One versioned schema change of one component (the core or a plugin).

    ``component`` is the plugin's name (the migration runner refuses a migration handed
    to another component); ``version`` counts from 1 within the component (0 is the
    runner's baseline) and never changes once released; ``description`` is Russian and
    shown by ``nok migrate``; ``apply`` performs the change on the given database inside
    a transaction the runner opens.
    """

    component: str
    version: int
    description: str
    apply: Callable[[peewee.Database], None]

    def __post_init__(self) -> None:
        if not _COMPONENT.match(self.component):
            raise ValueError(f"имя компонента {self.component!r} должно быть латинским идентификатором")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError(f"номер миграции {self.version!r} должен быть целым числом от 1")
        if not self.description.strip():
            raise ValueError("у миграции должно быть описание")
        if not callable(self.apply):
            raise ValueError("apply должен быть вызываемым объектом")


@dataclass(frozen=True)
class MenuItem:
    """One entry a plugin adds to the menu of a личный кабинет.

    ``title`` is Russian; ``url`` is an absolute path on the same site, normally one of
    the plugin's own routes under ``/p/<plugin>/``; ``roles`` limits the entry to users
    holding one of these role values (``core.models.users.Role``), ``None`` shows it to
    every user of the cabinet. The page behind the URL still checks permissions itself.
    """

    title: str
    url: str
    roles: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("у пункта меню должно быть название")
        if not self.url.startswith("/") or self.url.startswith("//"):
            raise ValueError(f"адрес пункта меню {self.url!r} должен начинаться с «/»")
        if self.roles is not None and not isinstance(self.roles, frozenset):
            raise ValueError("roles должен быть frozenset или None")

    def visible_to(self, roles: Collection[str]) -> bool:
        """Return whether a user holding ``roles`` sees this entry."""
        return self.roles is None or any(role in self.roles for role in roles)

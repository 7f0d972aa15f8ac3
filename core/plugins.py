"""The plugin host: the one typed facade through which core, the web apps and the CLI use plugins.

``PluginHost`` wraps ``pluggy.PluginManager("nok")`` with the specs of
``core/hookspecs.py``. Nothing else calls ``pm.hook.nok_*``.

Loading. ``PluginHost.load(enabled)`` looks at the entry-point group ``nok`` and
activates only the plugins named in the allowlist (``Config.plugins``); a built-in plugin
that is not installed as a distribution (a source checkout) is found through
``BUILTIN_PLUGINS`` instead, and goes through exactly the same steps as a third-party one.
Tests use ``PluginHost.with_plugins(mapping)`` and never load installed plugins.

For each plugin, in allowlist order:

1. import it — an ``ImportError`` keeps it inactive with the reason
   «не установлен пакет X»;
2. register it with pluggy, which checks every ``@hookimpl`` against its spec; then
   ``check_pending()`` catches a misspelt hook name, and a ``nok_*`` function without
   ``@hookimpl`` or a hook wrapper is refused — each of these raises ``PluginError``;
3. call the plugin's own ``nok_compatibility_errors``: a non-empty answer unregisters it
   and keeps it inactive with those messages.

Inactive plugins are reported by ``status()`` and never called; the appliance keeps
running without them. A plugin that breaks the contract is a bug, not a missing
dependency, so it stops start-up with a ``PluginError`` naming it.

Calling. The host calls hook implementations one at a time, in pluggy's order
(``tryfirst`` first, then the most recently registered first), so every result and every
error is attributed to its plugin. Whatever a plugin returns is checked; a wrong value
raises ``PluginError`` naming the plugin. An exception inside any hook — event hooks
included — is logged with its traceback and re-raised as ``PluginError`` naming the
plugin, chained to the original; remaining plugins are not called. Event hooks run in the
caller's transaction, so the caller's change rolls back with it and nothing is half-done.
"""
from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import peewee
import pluggy

from core import hookspecs
from core.exceptions import PluginError
from core.plugin_api import CABINETS, MenuItem, Migration
from core.providers import ExamType, ExportTarget, PaymentMethod, Provider, Recorder, contract_errors

if TYPE_CHECKING:
    import click
    import falcon

    from core.context import Services

logger = logging.getLogger(__name__)

#: Entry-point group (and pluggy project name) of every plugin, built-in or third-party.
ENTRY_POINT_GROUP = "nok"

#: The built-in plugins: name → module with their hook implementations. setup.cfg declares
#: the same pairs as entry points; this mapping lets a source checkout find them too.
BUILTIN_PLUGINS: dict[str, str] = {
    "theory_exam": "plugins.theory_exam.hooks",
    "practice_portfolio": "plugins.practice_portfolio.hooks",
    "video_capture": "plugins.video_capture.hooks",
    "nark_export": "plugins.nark_export.hooks",
    "payments": "plugins.payments.hooks",
}

_PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_P = TypeVar("_P", bound=Provider)


@dataclass(frozen=True)
class PluginStatus:
    """What ``nok plugins list`` shows for one plugin."""

    name: str
    version: str | None
    #: Named in the appliance's allowlist.
    enabled: bool
    #: Registered and called.
    active: bool
    #: Why the plugin is not active, in Russian; ``None`` when it is.
    reason: str | None = None


@dataclass(frozen=True)
class _Candidate:
    name: str
    load: Callable[[], object]
    version: str | None


def _discover() -> tuple[dict[str, _Candidate], dict[str, str]]:
    """Return installed plugins by name, and the names claimed by conflicting entry points."""
    found: dict[str, _Candidate] = {}
    targets: dict[str, str] = {}
    conflicts: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in targets and targets[ep.name] != ep.value:
            conflicts[ep.name] = f"{targets[ep.name]}, {ep.value}"
            continue
        dist = getattr(ep, "dist", None)
        targets[ep.name] = ep.value
        found[ep.name] = _Candidate(ep.name, ep.load, dist.version if dist is not None else None)
    for name, module in BUILTIN_PLUGINS.items():
        if name not in found:
            found[name] = _Candidate(name, _importer(module), None)
    return found, conflicts


def _importer(module: str) -> Callable[[], object]:
    return lambda: importlib.import_module(module)


class PluginHost:
    """The plugins of one process, and the only caller of their hooks.

    Build it with ``load`` (production) or ``with_plugins`` (tests); ``PluginHost()`` has
    no plugins at all. It is read-only after loading and safe to share between threads.
    """

    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self._pm.add_hookspecs(hookspecs)
        self._status: dict[str, PluginStatus] = {}
        # Provider catalogues by hook, built once: plugins only change while loading, and the
        # exam-day hot paths ask for the exam types on every request.
        self._provider_cache: dict[str, dict[str, type]] = {}

    # --- loading -----------------------------------------------------------------------------

    @classmethod
    def load(cls, enabled: Iterable[str]) -> PluginHost:
        """Activate the installed plugins named in ``enabled`` (the allowlist), no others."""
        host = cls()
        available, conflicts = _discover()
        wanted = list(dict.fromkeys(enabled))
        for name in wanted:
            if name in conflicts:
                raise PluginError(f"Плагин «{name}» объявлен несколькими пакетами: {conflicts[name]}.")
            candidate = available.get(name)
            if candidate is None:
                host._set_inactive(name, None, enabled=True,
                                   reason=f"плагин не установлен (нет точки входа «{name}» в группе «nok»)")
                continue
            host._activate(candidate)
        for name, candidate in available.items():
            if name not in host._status:
                host._status[name] = PluginStatus(name, candidate.version, enabled=False, active=False,
                                                  reason="не включён в настройках (plugins)")
        host._pm.check_pending()
        return host

    @classmethod
    def with_plugins(cls, plugins: Mapping[str, str | object]) -> PluginHost:
        """Activate exactly ``plugins``: name → module path, or a module/object with hookimpls.

        For tests: nothing installed is looked at.
        """
        host = cls()
        for name, target in plugins.items():
            loader = _importer(target) if isinstance(target, str) else (lambda target=target: target)
            version = None if isinstance(target, str) else getattr(target, "__version__", None)
            host._activate(_Candidate(name, loader, version))
        host._pm.check_pending()
        return host

    def _activate(self, candidate: _Candidate) -> None:
        name = candidate.name
        if not _PLUGIN_NAME.match(name):
            raise PluginError(f"Имя плагина «{name}» должно быть латинским идентификатором [a-z][a-z0-9_]*.")
        try:
            plugin = candidate.load()
        except ModuleNotFoundError as ex:
            self._set_inactive(name, candidate.version, enabled=True, reason=f"не установлен пакет {ex.name}")
            return
        except ImportError as ex:
            self._set_inactive(name, candidate.version, enabled=True, reason=f"ошибка импорта: {ex}")
            return
        except Exception as ex:
            logger.exception("Плагин «%s» не загружается", name)
            raise PluginError(f"Плагин «{name}» не загружается: {ex}") from ex
        version = candidate.version or getattr(plugin, "__version__", None)
        self._check_markers(name, plugin)
        try:
            self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as ex:
            raise PluginError(f"Плагин «{name}» нарушает контракт хуков: {ex}") from ex
        try:
            self._check_registered(name, plugin)
            errors = self._compatibility_errors(name, plugin)
        except PluginError:
            self._pm.unregister(plugin)
            raise
        if errors:
            self._pm.unregister(plugin)
            self._set_inactive(name, version, enabled=True, reason="; ".join(errors))
            return
        self._status[name] = PluginStatus(name, version, enabled=True, active=True)
        self._provider_cache.clear()

    def _set_inactive(self, name: str, version: str | None, *, enabled: bool, reason: str) -> None:
        logger.warning("Плагин «%s» не активен: %s", name, reason)
        self._status[name] = PluginStatus(name, version, enabled=enabled, active=False, reason=reason)

    @staticmethod
    def _check_markers(name: str, plugin: object) -> None:
        for attr in dir(plugin):
            if not attr.startswith("nok_"):
                continue
            value = getattr(plugin, attr, None)
            if callable(value) and not hasattr(value, "nok_impl"):
                raise PluginError(f"Плагин «{name}»: функция {attr} не помечена @hookimpl.")

    def _check_registered(self, name: str, plugin: object) -> None:
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as ex:
            raise PluginError(f"Плагин «{name}» реализует неизвестный хук: {ex}") from ex
        for caller in self._pm.get_hookcallers(plugin) or []:
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper):
                    raise PluginError(f"Плагин «{name}»: обёртки хуков не поддерживаются ({caller.name}).")

    def _compatibility_errors(self, name: str, plugin: object) -> list[str]:
        errors: list[str] = []
        for impl in self._impls("nok_compatibility_errors"):
            if impl.plugin is not plugin:
                continue
            value = self._call_impl(impl, "nok_compatibility_errors", {})
            if value is None:
                continue
            if not isinstance(value, (list, tuple)) or not all(isinstance(e, str) and e.strip() for e in value):
                raise PluginError(f"Плагин «{name}»: nok_compatibility_errors должен вернуть список строк.")
            errors.extend(value)
        return errors

    # --- status ------------------------------------------------------------------------------

    def status(self) -> list[PluginStatus]:
        """Return every known plugin — enabled or not, active or not — sorted by name."""
        return [self._status[name] for name in sorted(self._status)]

    def is_active(self, name: str) -> bool:
        """Return whether the plugin ``name`` is registered and called."""
        status = self._status.get(name)
        return status is not None and status.active

    # --- calling -----------------------------------------------------------------------------

    def _impls(self, hook_name: str) -> list[Any]:
        """Return the hook's implementations in pluggy's call order."""
        return list(reversed(getattr(self._pm.hook, hook_name).get_hookimpls()))

    @staticmethod
    def _call_impl(impl: Any, hook_name: str, kwargs: Mapping[str, Any]) -> Any:
        try:
            return impl.function(*[kwargs[arg] for arg in impl.argnames])
        except Exception as ex:
            logger.exception("Плагин «%s»: ошибка в %s", impl.plugin_name, hook_name)
            raise PluginError(f"Плагин «{impl.plugin_name}»: ошибка в {hook_name}: {ex}") from ex

    def _call(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation; return (plugin name, value) for each non-None value."""
        results = []
        for impl in self._impls(hook_name):
            value = self._call_impl(impl, hook_name, kwargs)
            if value is not None:
                results.append((impl.plugin_name, value))
        return results

    @staticmethod
    def _as_list(plugin: str, hook_name: str, value: object) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise PluginError(f"Плагин «{plugin}»: {hook_name} должен вернуть список, а вернул {type(value).__name__}.")
        return list(value)

    def _providers(self, hook_name: str, base: type[_P]) -> dict[str, type[_P]]:
        if hook_name not in self._provider_cache:
            self._provider_cache[hook_name] = self._collect_providers(hook_name, base)
        return dict(self._provider_cache[hook_name])

    def _collect_providers(self, hook_name: str, base: type[_P]) -> dict[str, type[_P]]:
        found: dict[str, type[_P]] = {}
        owners: dict[str, str] = {}
        for plugin, value in self._call(hook_name):
            for cls in self._as_list(plugin, hook_name, value):
                errors = contract_errors(cls, base)
                if errors:
                    raise PluginError(f"Плагин «{plugin}», {hook_name}: " + "; ".join(errors) + ".")
                if cls.code in found:
                    raise PluginError(f"Код «{cls.code}» ({base.__name__}) объявлен дважды: "
                                      f"плагинами «{owners[cls.code]}» и «{plugin}».")
                found[cls.code] = cls
                owners[cls.code] = plugin
        return found

    # --- providers ---------------------------------------------------------------------------

    def exam_types(self) -> dict[str, type[ExamType]]:
        """Return every exam type of the active plugins by code."""
        return self._providers("nok_register_exam_types", ExamType)

    def recorders(self) -> dict[str, type[Recorder]]:
        """Return every video source of the active plugins by code."""
        return self._providers("nok_register_recorders", Recorder)

    def payment_methods(self) -> dict[str, type[PaymentMethod]]:
        """Return every payment method of the active plugins by code."""
        return self._providers("nok_register_payment_methods", PaymentMethod)

    def export_targets(self) -> dict[str, type[ExportTarget]]:
        """Return every export target of the active plugins by code."""
        return self._providers("nok_register_export_targets", ExportTarget)

    # --- web, templates, CLI -----------------------------------------------------------------

    def register_routes(self, app: falcon.App, services: Services) -> None:
        """Let every active plugin add its routes under ``/p/<plugin>/``."""
        self._call("nok_register_routes", app=app, services=services)

    def template_dirs(self) -> list[Path]:
        """Return the plugins' template folders, to search after core's."""
        dirs: list[Path] = []
        for plugin, value in self._call("nok_template_dirs"):
            for path in self._as_list(plugin, "nok_template_dirs", value):
                if not isinstance(path, Path) or not path.is_dir():
                    raise PluginError(f"Плагин «{plugin}»: папка шаблонов {path!r} не найдена.")
                dirs.append(path)
        return dirs

    def static_dirs(self) -> dict[str, Path]:
        """Return the plugins' static folders by URL prefix name (served at ``/static/p/<name>/``)."""
        dirs: dict[str, Path] = {}
        owners: dict[str, str] = {}
        for plugin, value in self._call("nok_static_dirs"):
            if not isinstance(value, Mapping):
                raise PluginError(f"Плагин «{plugin}»: nok_static_dirs должен вернуть словарь.")
            for prefix, path in value.items():
                if not isinstance(prefix, str) or not _PLUGIN_NAME.match(prefix):
                    raise PluginError(f"Плагин «{plugin}»: имя {prefix!r} должно быть латинским идентификатором.")
                if not isinstance(path, Path) or not path.is_dir():
                    raise PluginError(f"Плагин «{plugin}»: папка статических файлов {path!r} не найдена.")
                if prefix in dirs:
                    raise PluginError(f"Префикс «{prefix}» статических файлов занят плагинами "
                                      f"«{owners[prefix]}» и «{plugin}».")
                dirs[prefix] = path
                owners[prefix] = plugin
        return dirs

    def register_cli_commands(self, group: click.Group) -> None:
        """Let every active plugin add commands to ``nok``; replacing a command is refused."""
        for impl in self._impls("nok_register_cli_commands"):
            before = dict(group.commands)
            self._call_impl(impl, "nok_register_cli_commands", {"group": group})
            replaced = sorted(name for name, command in before.items() if group.commands.get(name) is not command)
            if replaced:
                raise PluginError(f"Плагин «{impl.plugin_name}» заменяет команды nok: {', '.join(replaced)}.")

    # --- data --------------------------------------------------------------------------------

    def models(self) -> dict[str, list[type[peewee.Model]]]:
        """Return each active plugin's models, keyed by plugin name (its migration component)."""
        found: dict[str, list[type[peewee.Model]]] = {}
        tables: set[str] = set()
        for plugin, value in self._call("nok_register_models"):
            for model in self._as_list(plugin, "nok_register_models", value):
                if not (isinstance(model, type) and issubclass(model, peewee.Model)):
                    raise PluginError(f"Плагин «{plugin}»: {model!r} не модель peewee.")
                table = model._meta.table_name
                if not table.startswith(f"{plugin}_") or table in tables:
                    raise PluginError(f"Плагин «{plugin}»: таблица «{table}» должна называться "
                                      f"«{plugin}_…» и не повторяться.")
                tables.add(table)
                found.setdefault(plugin, []).append(model)
        return found

    def migrations(self) -> dict[str, list[Migration]]:
        """Return each active plugin's migrations in version order, keyed by plugin name."""
        found: dict[str, list[Migration]] = {}
        for plugin, value in self._call("nok_register_migrations"):
            items = self._as_list(plugin, "nok_register_migrations", value)
            for migration in items:
                if not isinstance(migration, Migration) or migration.component != plugin:
                    raise PluginError(f"Плагин «{plugin}»: {migration!r} — не Migration с component='{plugin}'.")
            versions = [m.version for m in items]
            if len(set(versions)) != len(versions):
                raise PluginError(f"Плагин «{plugin}»: номера миграций повторяются.")
            if items:
                found[plugin] = sorted(items, key=lambda m: m.version)
        return found

    # --- cabinets ----------------------------------------------------------------------------

    def menu_items(self, cabinet: str) -> list[MenuItem]:
        """Return the plugins' menu entries for one личный кабинет."""
        if cabinet not in CABINETS:
            raise ValueError(f"неизвестный кабинет {cabinet!r}")
        items: list[MenuItem] = []
        for plugin, value in self._call("nok_cabinet_menu_items", cabinet=cabinet):
            for item in self._as_list(plugin, "nok_cabinet_menu_items", value):
                if not isinstance(item, MenuItem):
                    raise PluginError(f"Плагин «{plugin}»: {item!r} не MenuItem.")
                items.append(item)
        return items

    # --- events ------------------------------------------------------------------------------

    def application_status_changed(self, application: object, old_status: str | None, new_status: str,
                                   actor: object | None = None) -> None:
        """Tell the plugins an application changed status; call inside the changing transaction."""
        self._call("nok_application_status_changed", application=application, old_status=old_status,
                   new_status=new_status, actor=actor)

    def exam_finished(self, exam: object, result: object) -> None:
        """Tell the plugins an exam stage was finished and scored; call inside its transaction."""
        self._call("nok_exam_finished", exam=exam, result=result)

    def kiosk_signed_in(self, session: object, client_ip: str | None) -> None:
        """Tell the plugins a candidate signed in at a station; call inside the sign-in transaction."""
        self._call("nok_kiosk_signed_in", session=session, client_ip=client_ip)

    def result_video(self, application: object) -> list[dict]:
        """The plugins' recordings of a candidate that go to the СПК with the result (read-only)."""
        found: list[dict] = []
        for plugin, value in self._call("nok_result_video", application=application):
            for item in self._as_list(plugin, "nok_result_video", value):
                if not (isinstance(item, dict) and isinstance(item.get("digest"), str)
                        and isinstance(item.get("size"), int) and isinstance(item.get("title"), str)):
                    raise PluginError(f"Плагин «{plugin}»: {item!r} не описание видеозаписи.")
                found.append({**item, "meta": dict(item.get("meta") or {})})
        return found

    def bundle_received(self, bundle: object) -> None:
        """Tell the plugins a verified bundle was accepted; call inside the ingesting transaction."""
        self._call("nok_bundle_received", bundle=bundle)

"""PluginHost: loading by allowlist, inactive plugins, contract checks and every facade method.

The plugins here are small classes defined in this file; nothing installed is loaded
except where a test swaps the entry points for its own.
"""
from __future__ import annotations

import configparser
import logging
import sys
from decimal import Decimal
from importlib.metadata import EntryPoint
from pathlib import Path

import click
import falcon
import falcon.testing
import peewee
import pytest
from click.testing import CliRunner

import core.plugins
from core.exceptions import PluginError
from core.models.users import Cabinet
from core.plugin_api import (CABINETS, BaseModel, ExamScore, ExamType, ExportReceipt, ExportTarget, MenuItem,
                             Migration, PaymentConfirmation, PaymentMethod, Recorder, hookimpl)
from core.plugins import BUILTIN_PLUGINS, PluginHost, PluginStatus

ROOT = Path(__file__).resolve().parents[2]


# --- providers and plugins used by the tests -------------------------------------------------

class OralExam(ExamType):
    """Устный этап for tests: one question, one point."""

    code = "oral"
    title = "Устный этап"

    def build_attempt(self, assessment_tools, *, seed):
        return {"question": assessment_tools["questions"][seed % len(assessment_tools["questions"])]}

    def score(self, attempt, responses):
        passed = responses.get("answer") == "да"
        return ExamScore(Decimal(int(passed)), Decimal(1), passed)


class OtherOralExam(OralExam):
    title = "Другой устный этап"


class BlankRecorder(Recorder):
    """Пустой источник for tests: no frames at all."""

    code = "blank"
    title = "Пустой источник"

    def open(self):
        pass

    def read_frame(self):
        return None

    def close(self):
        pass


class CashPayment(PaymentMethod):
    """Наличные for tests."""

    code = "cash"
    title = "Наличные"

    def confirm(self, payment, evidence):
        return PaymentConfirmation(Decimal(evidence["amount"]), evidence["date"], evidence["receipt"])


class NullTarget(ExportTarget):
    """Пустая выгрузка for tests."""

    code = "null"
    title = "Никуда"

    def export(self, kind, document_id, payload):
        return ExportReceipt(document_id, payload["at"])


class AbstractLeftover(ExamType):
    code = "leftover"
    title = "Незаконченный этап"


class LatinTitle(OralExam):
    code = "latin"
    title = "Oral exam"


class ProvidersPlugin:
    @hookimpl
    def nok_register_exam_types(self):
        return [OralExam]

    @hookimpl
    def nok_register_recorders(self):
        return [BlankRecorder]

    @hookimpl
    def nok_register_payment_methods(self):
        return (CashPayment,)

    @hookimpl
    def nok_register_export_targets(self):
        return [NullTarget]


class DuplicateExamPlugin:
    @hookimpl
    def nok_register_exam_types(self):
        return [OtherOralExam]


class NothingPlugin:
    """Implements hooks but has nothing to add: None is "nothing"."""

    @hookimpl
    def nok_register_exam_types(self):
        return None

    @hookimpl
    def nok_compatibility_errors(self):
        return []


class MissingCameraPlugin:
    @hookimpl
    def nok_compatibility_errors(self):
        return ["нет камеры", "не установлен кодек H.264"]

    @hookimpl
    def nok_register_exam_types(self):
        return [OralExam]


class Recording:
    """Remembers every event it hears."""

    def __init__(self):
        self.events = []

    @hookimpl
    def nok_application_status_changed(self, application, old_status, new_status, actor):
        self.events.append(("status", application, old_status, new_status, actor))

    @hookimpl
    def nok_exam_finished(self, exam, result):
        self.events.append(("exam", exam, result))

    @hookimpl
    def nok_kiosk_signed_in(self, session, client_ip):
        self.events.append(("kiosk", session, client_ip))

    @hookimpl
    def nok_bundle_received(self, bundle):
        self.events.append(("bundle", bundle))


class FailingEvents:
    @hookimpl
    def nok_application_status_changed(self, new_status):
        raise RuntimeError("сломался")

    @hookimpl
    def nok_exam_finished(self, exam):
        raise KeyError("result")

    @hookimpl
    def nok_kiosk_signed_in(self, session):
        raise LookupError("станция")

    @hookimpl
    def nok_bundle_received(self, bundle):
        raise ValueError("плохой пакет")


# Module-level plugins that fake entry points can point at ("test_plugins:ALPHA").
ALPHA = ProvidersPlugin()
BETA = DuplicateExamPlugin()


def fake_entry_points(monkeypatch, *pairs: tuple[str, str], builtins: dict[str, str] | None = None):
    eps = [EntryPoint(name=name, value=value, group="nok") for name, value in pairs]
    monkeypatch.setattr(core.plugins, "entry_points", lambda group: [ep for ep in eps if ep.group == group])
    monkeypatch.setattr(core.plugins, "BUILTIN_PLUGINS", builtins or {})


def by_name(host: PluginHost) -> dict[str, PluginStatus]:
    return {status.name: status for status in host.status()}


# --- loading ---------------------------------------------------------------------------------

def test_load_activates_only_allowlisted_plugins(monkeypatch):
    # "gamma" would fail to import: being outside the allowlist, it must not even be imported.
    fake_entry_points(monkeypatch, ("alpha", f"{__name__}:ALPHA"), ("beta", f"{__name__}:BETA"),
                      ("gamma", "nok_module_that_does_not_exist"))
    host = PluginHost.load(["alpha"])
    assert list(host.exam_types()) == ["oral"]
    status = by_name(host)
    assert status["alpha"] == PluginStatus("alpha", None, enabled=True, active=True)
    assert status["beta"].enabled is False and status["beta"].active is False
    assert status["gamma"].reason == "не включён в настройках (plugins)"
    assert host.is_active("alpha") and not host.is_active("beta") and not host.is_active("nobody")


def test_load_reports_allowlisted_plugin_that_is_not_installed(monkeypatch):
    fake_entry_points(monkeypatch)
    host = PluginHost.load(["ghost"])
    (status,) = host.status()
    assert (status.name, status.enabled, status.active) == ("ghost", True, False)
    assert "не установлен" in status.reason


def test_load_finds_builtin_plugin_without_entry_point(monkeypatch):
    fake_entry_points(monkeypatch, builtins={"theory_exam": BUILTIN_PLUGINS["theory_exam"]})
    host = PluginHost.load(["theory_exam"])
    assert by_name(host)["theory_exam"].active
    assert list(host.exam_types()) == ["theory"]


def test_load_refuses_a_name_claimed_by_two_packages(monkeypatch):
    fake_entry_points(monkeypatch, ("alpha", f"{__name__}:ALPHA"), ("alpha", f"{__name__}:BETA"))
    with pytest.raises(PluginError, match="alpha"):
        PluginHost.load(["alpha"])


def test_with_plugins_does_not_look_at_installed_plugins():
    host = PluginHost.with_plugins({"alpha": ProvidersPlugin()})
    assert [s.name for s in host.status()] == ["alpha"]


def test_empty_host_has_nothing():
    host = PluginHost()
    assert host.status() == []
    assert host.exam_types() == {} and host.template_dirs() == [] and host.menu_items("cok") == []


def test_builtin_plugins_match_setup_cfg_entry_points():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = [line.strip() for line in parser["options.entry_points"]["nok"].splitlines() if line.strip()]
    declared = dict((part.strip() for part in line.split("=", 1)) for line in lines)
    assert declared == BUILTIN_PLUGINS


# --- inactive plugins ------------------------------------------------------------------------

def test_compatibility_errors_keep_plugin_inactive_with_reason(caplog):
    caplog.set_level(logging.WARNING, logger="core.plugins")
    host = PluginHost.with_plugins({"camera": MissingCameraPlugin(), "quiet": NothingPlugin()})
    status = by_name(host)
    assert status["camera"].active is False
    assert status["camera"].reason == "нет камеры; не установлен кодек H.264"
    assert status["quiet"].active is True
    assert host.exam_types() == {}  # the inactive plugin is never called
    assert "нет камеры" in caplog.text


def test_missing_package_keeps_plugin_inactive(monkeypatch):
    monkeypatch.setitem(sys.modules, "nok_absent_dependency", None)
    host = PluginHost.with_plugins({"absent": "nok_absent_dependency"})
    (status,) = host.status()
    assert status.active is False
    assert status.reason == "не установлен пакет nok_absent_dependency"


def test_import_error_inside_plugin_keeps_it_inactive(tmp_path, monkeypatch):
    (tmp_path / "nok_half_broken.py").write_text("from os import no_such_name\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    host = PluginHost.with_plugins({"half": "nok_half_broken"})
    (status,) = host.status()
    assert status.active is False and status.reason.startswith("ошибка импорта")


def test_plugin_crashing_on_import_stops_loading(tmp_path, monkeypatch):
    (tmp_path / "nok_crashing.py").write_text("raise RuntimeError('бум')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match="crashing"):
        PluginHost.with_plugins({"crashing": "nok_crashing"})


def test_compatibility_check_must_return_strings():
    class Bad:
        @hookimpl
        def nok_compatibility_errors(self):
            return "нет камеры"

    with pytest.raises(PluginError, match="bad"):
        PluginHost.with_plugins({"bad": Bad()})


def test_compatibility_check_that_raises_names_the_plugin():
    class Raising:
        @hookimpl
        def nok_compatibility_errors(self):
            raise OSError("нет доступа к /dev/video0")

    with pytest.raises(PluginError, match="raising"):
        PluginHost.with_plugins({"raising": Raising()})


# --- contract of the hooks themselves ---------------------------------------------------------

def test_check_pending_catches_misspelt_hook():
    class Misspelt:
        @hookimpl
        def nok_register_exam_type(self):  # missing "s"
            return [OralExam]

    with pytest.raises(PluginError, match="nok_register_exam_type"):
        PluginHost.with_plugins({"misspelt": Misspelt()})


def test_hook_without_marker_is_refused():
    class Unmarked:
        def nok_register_exam_types(self):
            return [OralExam]

    with pytest.raises(PluginError, match="@hookimpl"):
        PluginHost.with_plugins({"unmarked": Unmarked()})


def test_argument_not_in_spec_is_refused():
    class WrongArgs:
        @hookimpl
        def nok_cabinet_menu_items(self, cabinet, user):
            return []

    with pytest.raises(PluginError, match="wrong"):
        PluginHost.with_plugins({"wrong": WrongArgs()})


def test_hook_wrappers_are_refused():
    class Wrapper:
        @hookimpl(wrapper=True)
        def nok_register_exam_types(self):
            return (yield)

    with pytest.raises(PluginError, match="обёртки"):
        PluginHost.with_plugins({"wrapper": Wrapper()})


def test_bad_plugin_name_is_refused():
    with pytest.raises(PluginError, match="латинским"):
        PluginHost.with_plugins({"Плагин": NothingPlugin()})


# --- providers -------------------------------------------------------------------------------

def test_every_provider_kind_by_code():
    host = PluginHost.with_plugins({"alpha": ProvidersPlugin(), "quiet": NothingPlugin()})
    assert host.exam_types() == {"oral": OralExam}
    assert host.recorders() == {"blank": BlankRecorder}
    assert host.payment_methods() == {"cash": CashPayment}
    assert host.export_targets() == {"null": NullTarget}


def test_duplicate_provider_codes_name_both_plugins():
    host = PluginHost.with_plugins({"alpha": ProvidersPlugin(), "beta": DuplicateExamPlugin()})
    with pytest.raises(PluginError, match="oral") as info:
        host.exam_types()
    assert "alpha" in str(info.value) and "beta" in str(info.value)


@pytest.mark.parametrize("returned, message", [
    ([AbstractLeftover], "не реализованы"),
    ([LatinTitle], "русском"),
    ([BlankRecorder], "не является подклассом ExamType"),
    (OralExam, "список"),
])
def test_provider_contract_is_checked(returned, message):
    class Broken:
        @hookimpl
        def nok_register_exam_types(self):
            return returned

    host = PluginHost.with_plugins({"broken": Broken()})
    with pytest.raises(PluginError, match=message):
        host.exam_types()


def test_registry_hook_that_raises_names_the_plugin(caplog):
    class Raising:
        @hookimpl
        def nok_register_payment_methods(self):
            raise RuntimeError("нет связи")

    host = PluginHost.with_plugins({"raising": Raising()})
    with pytest.raises(PluginError, match="raising") as info:
        host.payment_methods()
    assert isinstance(info.value.__cause__, RuntimeError)
    assert "нет связи" in caplog.text


# --- web, templates, CLI ---------------------------------------------------------------------

class HelloResource:
    def __init__(self, services):
        self.services = services

    def on_get(self, req, resp):
        resp.media = {"services": self.services["name"]}


class WebPlugin:
    def __init__(self, root: Path):
        self.root = root

    @hookimpl
    def nok_register_routes(self, app, services):
        app.add_route("/p/web/hello", HelloResource(services))

    @hookimpl
    def nok_template_dirs(self):
        return [self.root / "templates"]

    @hookimpl
    def nok_static_dirs(self):
        return {"web": self.root / "static"}

    @hookimpl
    def nok_register_cli_commands(self, group):
        @group.command("web-hello")
        def hello():
            click.echo("Привет")


@pytest.fixture
def web_root(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "static").mkdir()
    return tmp_path


def test_register_routes(web_root):
    host = PluginHost.with_plugins({"web": WebPlugin(web_root)})
    app = falcon.App()
    host.register_routes(app, {"name": "services"})
    result = falcon.testing.TestClient(app).simulate_get("/p/web/hello")
    assert result.json == {"services": "services"}


def test_template_dirs(web_root):
    host = PluginHost.with_plugins({"web": WebPlugin(web_root)})
    assert host.template_dirs() == [web_root / "templates"]


def test_template_dir_must_exist(tmp_path):
    host = PluginHost.with_plugins({"web": WebPlugin(tmp_path / "missing")})
    with pytest.raises(PluginError, match="шаблонов"):
        host.template_dirs()


def test_static_dirs(web_root, tmp_path_factory):
    host = PluginHost.with_plugins({"web": WebPlugin(web_root)})
    assert host.static_dirs() == {"web": web_root / "static"}
    other = tmp_path_factory.mktemp("other")
    (other / "static").mkdir()
    clash = PluginHost.with_plugins({"web": WebPlugin(web_root), "copy": WebPlugin(other)})
    with pytest.raises(PluginError, match="занят"):
        clash.static_dirs()


def test_register_cli_commands(web_root):
    host = PluginHost.with_plugins({"web": WebPlugin(web_root)})
    group = click.Group("nok")
    host.register_cli_commands(group)
    result = CliRunner().invoke(group, ["web-hello"])
    assert result.exit_code == 0 and result.output == "Привет\n"


def test_cli_command_may_not_replace_another(web_root):
    host = PluginHost.with_plugins({"web": WebPlugin(web_root)})
    group = click.Group("nok")
    group.add_command(click.Command("web-hello", callback=lambda: None))
    with pytest.raises(PluginError, match="web-hello"):
        host.register_cli_commands(group)


# --- data ------------------------------------------------------------------------------------

class DataNote(BaseModel):
    text = peewee.TextField()

    class Meta:
        table_name = "data_note"


class StrayNote(BaseModel):
    text = peewee.TextField()

    class Meta:
        table_name = "note"


def _add_column(db: peewee.Database) -> None:
    db.execute_sql("ALTER TABLE data_note ADD COLUMN extra TEXT")


class DataPlugin:
    @hookimpl
    def nok_register_models(self):
        return [DataNote]

    @hookimpl
    def nok_register_migrations(self):
        return [Migration("data", 2, "Ещё одна колонка", _add_column),
                Migration("data", 1, "Колонка extra", _add_column)]


def test_models_by_plugin():
    host = PluginHost.with_plugins({"data": DataPlugin()})
    assert host.models() == {"data": [DataNote]}


def test_model_table_must_carry_plugin_prefix():
    class Stray:
        @hookimpl
        def nok_register_models(self):
            return [StrayNote]

    with pytest.raises(PluginError, match="stray_"):
        PluginHost.with_plugins({"stray": Stray()}).models()


def test_migrations_by_plugin_in_version_order():
    host = PluginHost.with_plugins({"data": DataPlugin()})
    assert [m.version for m in host.migrations()["data"]] == [1, 2]


def test_migration_must_belong_to_its_plugin():
    host = PluginHost.with_plugins({"other": DataPlugin()})
    with pytest.raises(PluginError, match="component='other'"):
        host.migrations()


def test_migration_values_are_checked():
    with pytest.raises(ValueError):
        Migration("data", 0, "Нулевая", _add_column)
    with pytest.raises(ValueError):
        Migration("Data", 1, "Имя с заглавной", _add_column)


# --- cabinets --------------------------------------------------------------------------------

class MenuPlugin:
    @hookimpl
    def nok_cabinet_menu_items(self, cabinet):
        if cabinet == "cok":
            return [MenuItem("Оплаты", "/p/menu/payments", frozenset({"admin"})),
                    MenuItem("Справка", "/p/menu/help")]
        return None


def test_menu_items_per_cabinet():
    host = PluginHost.with_plugins({"menu": MenuPlugin()})
    items = host.menu_items("cok")
    assert [item.title for item in items] == ["Оплаты", "Справка"]
    assert [item.title for item in items if item.visible_to({"operator"})] == ["Справка"]
    assert host.menu_items("applicant") == []


def test_menu_items_unknown_cabinet():
    with pytest.raises(ValueError):
        PluginHost.with_plugins({"menu": MenuPlugin()}).menu_items("kitchen")


def test_menu_items_must_be_menu_items():
    class Sloppy:
        @hookimpl
        def nok_cabinet_menu_items(self, cabinet):
            return [("Оплаты", "/p/sloppy/")]

    with pytest.raises(PluginError, match="MenuItem"):
        PluginHost.with_plugins({"sloppy": Sloppy()}).menu_items("cok")


def test_cabinets_match_core_cabinet_enum():
    assert CABINETS == {cabinet.value for cabinet in Cabinet}


def test_menu_item_values_are_checked():
    with pytest.raises(ValueError):
        MenuItem("Внешняя ссылка", "https://example.org/")


# --- events ----------------------------------------------------------------------------------

def test_events_reach_every_active_plugin():
    first, second = Recording(), Recording()
    host = PluginHost.with_plugins({"first": first, "second": second})
    host.application_status_changed("заявление", None, "submitted", actor=None)
    host.exam_finished("экзамен", "результат")
    host.kiosk_signed_in("сеанс", "10.0.0.5")
    host.bundle_received("пакет")
    expected = [("status", "заявление", None, "submitted", None), ("exam", "экзамен", "результат"),
                ("kiosk", "сеанс", "10.0.0.5"), ("bundle", "пакет")]
    assert first.events == expected and second.events == expected


@pytest.mark.parametrize("call, original", [
    (lambda host: host.application_status_changed("заявление", "submitted", "paid", "оператор"), RuntimeError),
    (lambda host: host.exam_finished("экзамен", "результат"), KeyError),
    (lambda host: host.kiosk_signed_in("сеанс", None), LookupError),
    (lambda host: host.bundle_received("пакет"), ValueError),
])
def test_failing_event_is_logged_and_raised_naming_the_plugin(call, original, caplog):
    host = PluginHost.with_plugins({"failing": FailingEvents()})
    with pytest.raises(PluginError, match="failing") as info:
        call(host)
    assert isinstance(info.value.__cause__, original)
    assert "failing" in caplog.text and "Traceback" in caplog.text

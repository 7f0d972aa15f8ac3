"""`nok` command line: real config files, a real SQLCipher database, a real SMTP server, real pip."""
from __future__ import annotations

import base64
import hashlib
import importlib
import os
import re
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from appliance import cli
from appliance.cli.setup_commands import write_key_file
from appliance.bootstrap import open_services
from core.audit import AuditRecord
from core.config import CONFIG_ENV, KEY_ENV, load_config, save_config
from core.db import open_appliance_database
from core.mail import Mailer
from core.migrations import SchemaMigration
from core.models import Organisation, OrgKind
from core.services.auth import authenticate, check_password_link, set_password_with_link
from core.testing import free_port, make_config

PASSWORD = "Надёжный-пароль-42"
LINK_RE = re.compile(r"https?://\S+/password/set\?token=[\w-]+")


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)


def run(config_path: Path | None, *args: str, input: str | None = None):
    """Invoke `nok [--config PATH] ARGS` in-process, as the console script would."""
    argv = (["--config", str(config_path)] if config_path else []) + list(args)
    return CliRunner().invoke(cli.main, argv, input=input, catch_exceptions=False)


def assert_clean_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Ошибка: ")
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.fixture
def cfg(nok_config):
    """The fixture config without plugins: these tests are about the CLI and core only."""
    nok_config.plugins = []
    save_config(nok_config)
    return nok_config


def reopen(config):
    """Open the appliance's database again in the test after the CLI has closed it."""
    services = open_services(load_config(config.config_file))
    services.db.connect(reuse_if_open=True)
    return services


# --- init ----------------------------------------------------------------------------------------

def test_init_creates_private_key_config_and_encrypted_db(tmp_path):
    data = tmp_path / "var"
    old_umask = os.umask(0)  # even a permissive umask must not make the key readable by others
    try:
        result = run(data / "nok.toml", "init", "--data-dir", str(data), "--base-url", "https://cok.example.ru/",
                     "--bind", "0.0.0.0:9000", "--smtp-host", "mail.cok.example.ru", "--smtp-port", "2525")
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert "инициализировано" in result.output and "core: созданы таблицы" in result.output

    key_file = data / "nok.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)

    config = load_config(data / "nok.toml")
    assert (config.data_dir, config.base_url, config.bind) == (data, "https://cok.example.ru", "0.0.0.0:9000")
    assert (config.smtp_host, config.smtp_port) == ("mail.cok.example.ru", 2525)

    db = open_appliance_database(config.db_path, key)
    with db.bind_ctx([SchemaMigration]):
        assert SchemaMigration.select().where(SchemaMigration.component == "core").exists()
    db.close()
    assert b"SQLite format 3" not in config.db_path.read_bytes()[:16]  # encrypted from the first page


def test_init_refuses_to_overwrite_and_force_replaces_key(tmp_path):
    data = tmp_path / "var"
    assert run(data / "nok.toml", "init").exit_code == 0
    key_before = (data / "nok.key").read_text()

    again = run(data / "nok.toml", "init")
    assert_clean_error(again, "уже инициализировано", "--force", "нечитаемой")
    assert (data / "nok.key").read_text() == key_before

    forced = run(data / "nok.toml", "init", "--force")
    assert forced.exit_code == 0, forced.output
    key_after = (data / "nok.key").read_text()
    assert key_after != key_before
    assert stat.S_IMODE((data / "nok.key").stat().st_mode) == 0o600
    old_dbs = list(data.glob("nok.db.old-*"))
    assert old_dbs and "перенесена" in forced.output
    open_appliance_database(data / "nok.db", key_after).close()  # the new database opens with the new key


def test_init_with_key_in_environment_writes_no_key_file(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "a" * 64)
    result = run(tmp_path / "nok.toml", "init")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "nok.key").exists()
    assert KEY_ENV in result.output


def test_key_file_is_never_overwritten(tmp_path):
    path = tmp_path / "nok.key"
    write_key_file(path)
    with pytest.raises(FileExistsError):
        write_key_file(path)


def test_init_rejects_bad_bind(tmp_path):
    assert_clean_error(run(tmp_path / "nok.toml", "init", "--bind", "localhost"), "ХОСТ:ПОРТ")
    assert not (tmp_path / "nok.key").exists()


# --- migrate, serve ------------------------------------------------------------------------------

def test_migrate_then_schema_is_current(cfg):
    first = run(cfg.config_file, "migrate")
    assert first.exit_code == 0, first.output
    assert "core: созданы таблицы" in first.output
    second = run(cfg.config_file, "migrate")
    assert second.exit_code == 0 and "Схема актуальна" in second.output


def test_missing_config_is_a_clean_russian_error(tmp_path):
    result = run(tmp_path / "nowhere.toml", "migrate")
    assert_clean_error(result, "Не найден файл настроек", "nok init")


def test_wrong_key_is_a_clean_russian_error(cfg):
    assert run(cfg.config_file, "migrate").exit_code == 0
    cfg.key_file.write_text("b" * 64)
    assert_clean_error(run(cfg.config_file, "migrate"), "ключ не подходит")


def test_click_messages_are_russian(cfg):
    help_text = run(None, "--help").output
    assert "Использование:" in help_text and "Команды:" in help_text and "Usage" not in help_text
    bad = run(cfg.config_file, "user", "add", "--email", "a@b.ru", "--name", "Иванов Иван", "--role", "boss")
    assert bad.exit_code == 2
    assert "Ошибка:" in bad.stderr and "Неверное значение" in bad.stderr and "Error" not in bad.stderr
    unknown = run(cfg.config_file, "frobnicate")
    assert unknown.exit_code == 2 and "Нет такой команды" in unknown.stderr


def test_unknown_command_without_config_explains_config(tmp_path):
    result = run(tmp_path / "absent.toml", "frobnicate")
    assert_clean_error(result, "Не найден файл настроек")


def test_serve_check_validates_and_migrates(cfg):
    result = run(cfg.config_file, "serve", "--check")
    assert result.exit_code == 0, result.output
    assert "в порядке" in result.output and str(cfg.db_path) in result.output
    assert "Схема актуальна" not in result.output
    assert run(cfg.config_file, "migrate").output.strip() == "Схема актуальна."


def test_serve_execs_gunicorn_with_factory_and_config(cfg, monkeypatch):
    calls = []

    class Execed(Exception):
        pass

    def fake_execvp(file, argv):
        calls.append((file, argv, os.environ.get(CONFIG_ENV)))
        raise Execed

    monkeypatch.setattr(os, "execvp", fake_execvp)
    with pytest.raises(Execed):
        run(cfg.config_file, "serve", "--bind", "127.0.0.1:18081", "--workers", "3")
    file, argv, env_config = calls[0]
    assert file == sys.executable and argv[1:3] == ["-m", "gunicorn"]
    assert "--no-control-socket" in argv and argv[-1] == "appliance.wsgi:application()"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:18081" and argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--access-logfile") + 1] == "-"
    assert env_config == str(cfg.config_file)


@pytest.mark.gunicorn
def test_serve_runs_gunicorn_that_answers(cfg):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, CONFIG_ENV)}
    proc = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config", str(cfg.config_file), "serve",
                             "--bind", f"127.0.0.1:{port}", "--workers", "1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as reply:
                    assert reply.status == 200
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read().decode()
                time.sleep(0.2)
    finally:
        proc.terminate()  # the exec'd gunicorn itself gets the signal
        out, _ = proc.communicate(timeout=15)
    text = out.decode()
    assert "Starting gunicorn" in text and "GET /login" in text  # access log on stdout
    assert proc.returncode == 0


# --- user ----------------------------------------------------------------------------------------

def test_user_add_prints_one_time_link_and_refuses_duplicate(cfg):
    result = run(cfg.config_file, "user", "add", "--email", "Welder@Mail.ru", "--name", "Соколов Дмитрий Олегович",
                 "--role", "applicant")
    assert result.exit_code == 0, result.output
    assert "Создан пользователь Соколов Дмитрий Олегович <welder@mail.ru>" in result.output
    link = LINK_RE.search(result.output).group(0)
    assert link.startswith("http://testserver/password/set?token=")
    token = parse_qs(urlparse(link).query)["token"][0]

    services = reopen(cfg)
    assert check_password_link(token).user.email == "welder@mail.ru"
    services.db.close()

    duplicate = run(cfg.config_file, "user", "add", "--email", "welder@mail.ru", "--name", "Другой Человек",
                    "--role", "applicant")
    assert_clean_error(duplicate, "уже зарегистрирован")


def test_user_add_staff_by_inn_with_password(cfg):
    services = reopen(cfg)
    cok = Organisation.create(kind=OrgKind.COK.value, full_name="ООО «ЦОК «Профи»", short_name="ЦОК «Профи»",
                              inn="7707083893")
    services.db.close()
    result = run(cfg.config_file, "user", "add", "--email", "boss@profi.ru", "--name", "Кузнецова Мария Ивановна",
                 "--role", "admin", "--org", "7707083893", "--phone", "8 (916) 123-45-67", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "ЦОК «Профи»" in result.output and "Пароль задан" in result.output and "token=" not in result.output

    services = reopen(cfg)
    user = authenticate("boss@profi.ru", PASSWORD, cfg)
    assert user.organisation_id == cok.id and user.role == "admin" and user.phone == "+79161234567"
    services.db.close()

    listing = run(cfg.config_file, "user", "list", "--org", str(cok.id))
    assert listing.exit_code == 0 and "boss@profi.ru" in listing.output and "Администратор" in listing.output


def test_user_add_staff_needs_organisation_and_valid_password(cfg):
    no_org = run(cfg.config_file, "user", "add", "--email", "op@x.ru", "--name", "Петров Пётр Петрович",
                 "--role", "operator")
    assert_clean_error(no_org, "принадлежать организации")
    missing = run(cfg.config_file, "user", "add", "--email", "op@x.ru", "--name", "Петров Пётр Петрович",
                  "--role", "operator", "--org", "999")
    assert_clean_error(missing, "Организация «999» не найдена")
    weak = run(cfg.config_file, "user", "add", "--email", "a@x.ru", "--name", "Иванов Иван Иванович",
               "--role", "applicant", "--password", "123")
    assert_clean_error(weak, "не менее 10 символов")


def test_user_add_ask_password_prompts_twice_hidden(cfg):
    result = run(cfg.config_file, "user", "add", "--email", "ask@x.ru", "--name", "Орлова Анна Петровна",
                 "--role", "applicant", "--ask-password", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Повторите пароль" in result.output and PASSWORD not in result.output
    services = reopen(cfg)
    assert authenticate("ask@x.ru", PASSWORD, cfg).email == "ask@x.ru"
    services.db.close()


def test_user_add_send_link_delivers_real_mail(cfg, smtp_server):
    result = run(cfg.config_file, "user", "add", "--email", "expert@spk.ru", "--name", "Волков Павел Андреевич",
                 "--role", "applicant", "--send-link")
    assert result.exit_code == 0, result.output
    assert "отправлено на expert@spk.ru" in result.output and "token=" not in result.output
    msg = smtp_server.wait_for(1)[0]
    assert msg["To"] == "expert@spk.ru" and "задайте пароль" in msg["Subject"]
    body = smtp_server.body(msg)
    token = parse_qs(urlparse(LINK_RE.search(body).group(0)).query)["token"][0]

    services = reopen(cfg)
    set_password_with_link(token, PASSWORD, PASSWORD)
    assert authenticate("expert@spk.ru", PASSWORD, cfg).full_name == "Волков Павел Андреевич"
    services.db.close()


def test_user_add_send_link_without_mail_server_prints_link(tmp_path):
    config = make_config(tmp_path / "data", smtp_port=free_port(), plugins=[], base_url="http://cok.local")
    result = run(config.config_file, "user", "add", "--email", "offline@x.ru", "--name", "Белов Олег Юрьевич",
                 "--role", "applicant", "--send-link")
    assert result.exit_code == 0, result.output
    assert "Не удалось отправить письмо" in result.stderr
    link = LINK_RE.search(result.stdout).group(0)
    services = reopen(config)
    assert check_password_link(parse_qs(urlparse(link).query)["token"][0]).user.email == "offline@x.ru"
    services.db.close()


def test_user_add_password_options_are_exclusive(cfg):
    result = run(cfg.config_file, "user", "add", "--email", "a@x.ru", "--name", "Иванов Иван Иванович",
                 "--role", "applicant", "--password", PASSWORD, "--send-link")
    assert_clean_error(result, "только один")


# --- audit ---------------------------------------------------------------------------------------

def test_audit_verify_counts_and_detects_tampering(cfg):
    assert run(cfg.config_file, "user", "add", "--email", "a@x.ru", "--name", "Иванов Иван Иванович",
               "--role", "applicant").exit_code == 0
    ok = run(cfg.config_file, "audit", "verify")
    assert ok.exit_code == 0, ok.output
    assert re.search(r"Журнал аудита цел: \d+ запис", ok.output)

    services = reopen(cfg)
    first = AuditRecord.select().order_by(AuditRecord.seq).first()
    AuditRecord.update(data='{"email":"evil@x.ru"}').where(AuditRecord.id == first.id).execute()
    services.db.close()
    assert_clean_error(run(cfg.config_file, "audit", "verify"), "Журнал аудита нарушен", f"№{first.seq} изменена")


# --- plugins -------------------------------------------------------------------------------------

def test_plugins_list_enable_disable_and_unknown(nok_config):
    path = nok_config.config_file
    listing = run(path, "plugins", "list")
    assert listing.exit_code == 0, listing.output
    assert "theory_exam" in listing.output and "Включено" in listing.output and "Активно" in listing.output

    disabled = run(path, "plugins", "disable", "payments")
    assert disabled.exit_code == 0 and "выключено" in disabled.output
    assert "payments" not in load_config(path).plugins
    assert re.search(r"^payments\s+\S+\s+нет\s+нет", run(path, "plugins", "list").output, re.M)
    assert "не было включено" in run(path, "plugins", "disable", "payments").output

    enabled = run(path, "plugins", "enable", "payments")
    assert enabled.exit_code == 0 and "включено" in enabled.output
    assert load_config(path).plugins[-1] == "payments"
    assert "уже включено" in run(path, "plugins", "enable", "payments").output

    before = path.read_text()
    unknown = run(path, "plugins", "enable", "no_such_plugin")
    assert_clean_error(unknown, "«no_such_plugin» не установлено", "Доступны:", "theory_exam")
    assert path.read_text() == before


INACTIVE_WARNING = "Плагин «no_such_plugin» не активен"


@pytest.fixture
def cfg_with_inactive_plugin(cfg):
    cfg.plugins = ["no_such_plugin"]  # enabled, but nothing installs it: inactive on every machine
    save_config(cfg)
    return cfg


def test_inactive_plugin_is_reported_only_where_plugins_matter(cfg_with_inactive_plugin, caplog):
    def warns(*args: str) -> bool:
        caplog.clear()
        result = run(cfg_with_inactive_plugin.config_file, *args)
        assert result.exit_code == 0, result.output
        return any(INACTIVE_WARNING in record.getMessage() for record in caplog.records)

    assert warns("migrate") and warns("serve", "--check") and warns("plugins", "list")
    assert not warns("user", "list") and not warns("audit", "verify") and not warns("--help")
    assert "no_such_plugin" in run(cfg_with_inactive_plugin.config_file, "plugins", "list").output


def test_inactive_plugin_warning_on_stderr_of_the_real_command(cfg_with_inactive_plugin):
    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, CONFIG_ENV)}

    def nok(*args: str) -> subprocess.CompletedProcess:
        argv = [sys.executable, "-m", "appliance.cli", "--config", str(cfg_with_inactive_plugin.config_file), *args]
        return subprocess.run(argv, env=env, capture_output=True, text=True, check=True)

    assert nok("migrate").stderr.startswith(f"Предупреждение: {INACTIVE_WARNING}: плагин не установлен")
    quiet = nok("user", "list")
    assert quiet.stderr == "" and "Пользователей нет." in quiet.stdout


PLUGIN_DIST = "nok-cli-test-plugin"
PLUGIN_NAME = "cli_test_plugin"
PLUGIN_MODULE = "nok_cli_test_plugin"
PLUGIN_HOOKS = '''\
import click

from core.plugin_api import hookimpl


@hookimpl
def nok_register_cli_commands(group):
    @group.group("cli_test_plugin")
    def commands():
        """Команды тестового расширения."""

    @commands.command("hello")
    @click.pass_obj
    def hello(state):
        click.echo(f"Привет из расширения; настройки: {state.config_path}")
'''


def build_wheel(directory: Path) -> Path:
    """A tiny plugin distribution: one module with hooks and an entry point in group `nok`."""
    version = "1.2.3"
    dist_info = f"{PLUGIN_MODULE}-{version}.dist-info"
    files = {
        f"{PLUGIN_MODULE}/__init__.py": "",
        f"{PLUGIN_MODULE}/hooks.py": PLUGIN_HOOKS,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {PLUGIN_DIST}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist_info}/entry_points.txt": f"[nok]\n{PLUGIN_NAME} = {PLUGIN_MODULE}.hooks\n",
    }
    records = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        records.append(f"{name},sha256={digest},{len(text.encode())}")
    records.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(records) + "\n"
    wheel = directory / f"{PLUGIN_MODULE}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return wheel


def test_plugins_install_local_distribution(cfg, tmp_path):
    wheel = build_wheel(tmp_path)
    try:
        result = run(cfg.config_file, "plugins", "install", str(wheel), "--no-deps")
        assert result.exit_code == 0, result.output
        assert f"«{PLUGIN_NAME}» ({PLUGIN_DIST} 1.2.3) установлено и включено" in result.output
        assert PLUGIN_NAME in load_config(cfg.config_file).plugins

        listing = run(cfg.config_file, "plugins", "list")
        assert re.search(rf"^{PLUGIN_NAME}\s+1\.2\.3\s+да\s+да", listing.output, re.M), listing.output

        hello = run(cfg.config_file, PLUGIN_NAME, "hello")
        assert hello.exit_code == 0, hello.output
        assert f"Привет из расширения; настройки: {cfg.config_file}" in hello.output
        assert PLUGIN_NAME in run(cfg.config_file, "--help").output

        again = run(cfg.config_file, "plugins", "install", str(wheel), "--no-deps")
        assert_clean_error(again, "новых расширений", "--name")
    finally:
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", PLUGIN_DIST], check=True,
                       capture_output=True)
        sys.modules.pop(f"{PLUGIN_MODULE}.hooks", None)
        sys.modules.pop(PLUGIN_MODULE, None)
        importlib.invalidate_caches()


def test_plugins_install_reports_pip_failure(cfg, tmp_path):
    result = run(cfg.config_file, "plugins", "install", str(tmp_path / "absent.whl"), "--no-deps")
    assert_clean_error(result, "pip не смог установить")


# --- mail-catcher --------------------------------------------------------------------------------

def test_mail_catcher_saves_letters_and_shows_links(cfg):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, CONFIG_ENV)}
    proc = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config", str(cfg.config_file),
                             "mail-catcher", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "слушает 127.0.0.1" in proc.stdout.readline()
        Mailer("127.0.0.1", port, "НОК <noreply@nok.local>").send(
            "new@x.ru", "Доступ к НОК-Платформе: задайте пароль",
            "Откройте ссылку:\nhttp://testserver/password/set?token=abc-DEF_1\n")
        line = proc.stdout.readline()
        link_line = proc.stdout.readline()
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=10)
    assert "Письмо для new@x.ru" in line and "задайте пароль" in line
    assert "http://testserver/password/set?token=abc-DEF_1" in link_line
    saved = list((cfg.data_dir / "mail").glob("*.eml"))
    assert len(saved) == 1 and stat.S_IMODE(saved[0].stat().st_mode) == 0o600
    assert b"Subject:" in saved[0].read_bytes()
    assert "остановлен" in rest and proc.returncode == 0

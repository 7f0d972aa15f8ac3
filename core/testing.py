"""Pytest fixtures shared by our tests and by third-party plugins (registered as plugin `nok`).

Real parts, no mocks: a real SQLCipher file in `tmp_path`, a real PostgreSQL database
(created per test on the server `make test` starts; URL in `NOK_TEST_PG_URL`), a real SMTP
server (aiosmtpd) on loopback.
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator

import peewee
import pytest

from core.config import CONFIG_ENV, Config, save_config
from core.db import open_appliance_database, open_database_url, use_database
from core.migrations import CORE_MIGRATIONS, Component, migrate
from core.models import CORE_MODELS, Organisation, OrgKind, Role, User

PG_URL_ENV = "NOK_TEST_PG_URL"
TEST_PASSWORD = "Пароль-для-тестов-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- mail -----------------------------------------------------------------------------------

@dataclass
class SmtpSink:
    """A running aiosmtpd server on loopback that keeps every letter it receives."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler protocol
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(msg)
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"ожидалось писем: {count}, пришло: {len(self.messages)}"
        return self.messages

    @staticmethod
    def body(msg: EmailMessage) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


# --- configuration and databases -------------------------------------------------------------

def make_config(data_dir: Path, **overrides) -> Config:
    """A throwaway appliance config with a fresh raw key file (mode 0600)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config = Config(data_dir=data_dir, **overrides)
    config.key_file.write_text(secrets.token_hex(32), encoding="ascii")
    config.key_file.chmod(0o600)
    save_config(config)
    return config


@pytest.fixture
def nok_config(tmp_path: Path, smtp_server: SmtpSink) -> Config:
    return make_config(tmp_path / "data", smtp_port=smtp_server.port, base_url="http://testserver")


def core_components() -> list[Component]:
    return [Component("core", list(CORE_MODELS), list(CORE_MIGRATIONS))]


@pytest.fixture(scope="session")
def _sqlcipher_template(tmp_path_factory) -> tuple[Path, str]:
    """Migrate once per session; each test gets a copy of the file (same key), not a new migration."""
    key = secrets.token_hex(32)
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_appliance_database(path, key)
    migrate(db, core_components())
    db.close()
    return path, key


@pytest.fixture
def sqlcipher_db(tmp_path: Path, _sqlcipher_template) -> Iterator[peewee.Database]:
    """A migrated, encrypted SQLCipher database file bound to all models."""
    template, key = _sqlcipher_template
    target = tmp_path / "test.db"
    shutil.copyfile(template, target)
    db = open_appliance_database(target, key)
    use_database(db)
    db.connect(reuse_if_open=True)
    yield db
    db.close()


PG_BIN = Path("/usr/lib/postgresql")


def _pg_tool(name: str) -> str | None:
    candidates = sorted(PG_BIN.glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the `postgres` system user when we are root."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def throwaway_postgres(base_dir: Path, *, durable: bool = False) -> Iterator[str]:
    """Start a private PostgreSQL cluster on a free loopback port; yield its admin URL; stop it.

    Tests run it without fsync (speed); `durable=True` keeps PostgreSQL's defaults, as a benchmark
    of commits needs."""
    initdb, pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL не установлен (нужен пакет postgresql; make test ставит его сам)")
    base_dir.mkdir(parents=True, exist_ok=True)
    data, sock = base_dir / "data", base_dir / "sock"
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base_dir, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    subprocess.run(_as_postgres_user([initdb, "-D", str(data), "-U", "nok", "-A", "trust", "-E", "UTF8",
                                      "--locale=C.UTF-8", "--no-sync"]), check=True, capture_output=True)
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1"
    if not durable:
        options += " -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_postgres_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(base_dir / "log"),
                                      "-w", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://nok@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin_url(tmp_path_factory) -> Iterator[str]:
    """Admin URL of a real PostgreSQL server: `NOK_TEST_PG_URL`, or a private cluster we start.

    Without PostgreSQL installed the tests fail under CI and are skipped only on a bare laptop.
    """
    url = os.environ.get(PG_URL_ENV)
    if url:
        yield url
        return
    try:
        cluster = throwaway_postgres(Path(tempfile.mkdtemp(prefix="nok-pg-")))
        url = cluster.__enter__()
    except (RuntimeError, subprocess.CalledProcessError) as ex:
        message = f"Не удалось запустить PostgreSQL для тестов: {ex}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture
def postgres_db(postgres_admin_url: str) -> Iterator[peewee.Database]:
    """A fresh PostgreSQL database per test, migrated and dropped afterwards."""
    name = f"nok_test_{uuid.uuid4().hex[:12]}"
    admin = open_database_url(postgres_admin_url)
    admin.connect()
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    base, _, _ = postgres_admin_url.rpartition("/")
    db = open_database_url(f"{base}/{name}")
    try:
        migrate(db, core_components())
        use_database(db)
        db.connect(reuse_if_open=True)
        yield db
    finally:
        db.close()
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlcipher", "postgres"])
def db(request) -> peewee.Database:
    """The same test against both backends the models must support."""
    return request.getfixturevalue(f"{request.param}_db")


# --- factories -------------------------------------------------------------------------------

_SURNAMES = ("Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Васильев", "Соколов", "Михайлов")
_FIRST_NAMES = ("Иван", "Пётр", "Алексей", "Сергей", "Андрей", "Дмитрий", "Олег")


@functools.lru_cache(maxsize=1)
def _test_password_hash() -> str:
    from core.security import hash_password

    return hash_password(TEST_PASSWORD)


class Factory:
    """Make valid organisations and users with little typing (checksummed requisites)."""

    def __init__(self):
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def org(self, kind: OrgKind = OrgKind.COK, parent: Organisation | None = None, **fields) -> Organisation:
        n = self._next()
        defaults = {"full_name": f"Организация {kind.title} № {n}", "short_name": f"{kind.title} {n}"}
        defaults.update(fields)
        return Organisation.create(kind=kind.value, parent=parent, **defaults)

    def user(self, role: Role = Role.ADMIN, organisation: Organisation | None = None, *,
             password: str | None = TEST_PASSWORD, **fields) -> User:
        from core.services.users import create_user

        n = self._next()
        fields.setdefault("email", f"user{n}@example.ru")
        fields.setdefault("full_name", f"{_SURNAMES[n % len(_SURNAMES)]} {_FIRST_NAMES[n % len(_FIRST_NAMES)]} Иванович")
        if password != TEST_PASSWORD:
            return create_user(role=role, organisation=organisation, password=password, **fields)
        # argon2 is slow on purpose; hash the shared test password once per session.
        user = create_user(role=role, organisation=organisation, password=None, **fields)
        user.password_hash = _test_password_hash()
        user.save()
        return user


@pytest.fixture
def factory() -> Factory:
    return Factory()


@pytest.fixture
def builtin_plugins():
    """Every built-in plugin loaded, as on an appliance that enables them all."""
    from core.plugins import BUILTIN_PLUGINS, PluginHost

    return PluginHost.with_plugins(BUILTIN_PLUGINS)


@pytest.fixture
def exam_day_world(sqlcipher_db, factory):
    """`core.testing_exam.ExamDayWorld` at a fresh СПК → ЦОК → Площадка, in `sqlcipher_db`."""
    from core.testing_exam import ExamDayWorld

    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    return ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok))


# --- real servers ----------------------------------------------------------------------------

class ApplianceProcess:
    """`nok serve` in its own process group over `config_file`, so a test can SIGKILL the master and
    every worker at once (a power cut of the software) and start it again on the same port."""

    def __init__(self, config_file: Path, port: int | None = None, log=None):
        self.config_file, self.port, self.log, self.proc = config_file, port or free_port(), log, None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        import sys
        import time
        import urllib.request

        env = {**os.environ, CONFIG_ENV: str(self.config_file)}
        self.proc = subprocess.Popen([sys.executable, "-m", "appliance.cli", "serve", "--bind",
                                      f"127.0.0.1:{self.port}", "--workers", "2"], env=env,
                                     stdout=self.log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):
                    return
            except OSError:  # refused, reset or timed out while it starts
                assert self.proc.poll() is None, "nok serve exited"
                assert time.monotonic() < deadline, "nok serve did not come up"
                time.sleep(0.1)

    def kill(self) -> None:
        import signal

        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)


class NokProcess:
    """`nok --config <file> <args…>` in its own process group: a test stops it (SIGTERM) or cuts its power
    (SIGKILL) together with every child it started, and reads what it printed."""

    def __init__(self, config_file: Path, *args: str, health_url: str | None = None, log_path: Path | None = None):
        self.config_file, self.args, self.health_url = config_file, args, health_url
        label = "-".join(arg for arg in args[:2] if not arg.startswith("-"))
        self.log_path = log_path or config_file.parent / f"nok-{label}-{uuid.uuid4().hex[:6]}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> "NokProcess":
        import sys
        import time
        import urllib.request

        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config", str(self.config_file),
                                      *self.args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while self.health_url:
            try:
                with urllib.request.urlopen(self.health_url, timeout=2):
                    break
            except OSError:
                assert self.proc.poll() is None, f"nok {' '.join(self.args)} exited:\n{self.output()[-3000:]}"
                assert time.monotonic() < deadline, f"nok {' '.join(self.args)} did not come up:\n{self.output()[-3000:]}"
                time.sleep(0.1)
        return self

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 20.0) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; yields its URL and drops it afterwards."""
    name = f"nok_test_{uuid.uuid4().hex[:12]}"
    admin = open_database_url(admin_url)
    admin.connect()
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextlib.contextmanager
def running_gunicorn(app_spec: str, env: dict[str, str] | None = None, *, workers: int = 2,
                     timeout: float = 30.0) -> Iterator[str]:
    """Run `gunicorn app_spec` on a free loopback port; yield its base URL; stop it.

    Uses `--no-control-socket` (gunicorn 23+ would write one under ~/.gunicorn otherwise).
    """
    import sys
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "--no-control-socket", "-b", f"127.0.0.1:{port}", "-w", str(workers),
           "--graceful-timeout", "5", app_spec]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"gunicorn не запустился:\n{log.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def chromium_browser(**launch_options):
    """Debian's Chromium driven by Playwright (never `playwright install`: no downloads here)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        message = "Chromium не установлен (пакет chromium; make test ставит его сам)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS + launch_options.pop("args", []), **launch_options)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def count_queries(db: peewee.Database) -> Iterator[list[str]]:
    """Collect the SQL statements `db` runs inside the block (to catch N+1 queries in tests)."""
    seen: list[str] = []
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        yield seen
    finally:
        del db.execute_sql


# --- web -------------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    """A falcon TestClient that keeps cookies and fills in the CSRF token like a browser."""

    def __init__(self, app):
        import falcon.testing

        self.client = falcon.testing.TestClient(app)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def _remember(self, result):
        for name, cookie in result.cookies.items():
            if cookie.value and cookie.max_age != 0:
                self.cookies[name] = cookie.value
            else:
                self.cookies.pop(name, None)
        if (result.headers.get("content-type") or "").startswith("text/html"):
            match = CSRF_RE.search(result.text or "")
            if match:
                self.csrf = match.group(1)
        return result

    def _headers(self, extra: dict | None = None) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept": "text/html",
                **(extra or {})}

    def get(self, path, **kw):
        return self._remember(self.client.simulate_get(path, headers=self._headers(kw.pop("headers", None)), **kw))

    def post(self, path, data=None, *, csrf=True, **kw):
        """POST a urlencoded form; list values become repeated fields (checkboxes)."""
        from urllib.parse import urlencode

        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        headers = self._headers({"Content-Type": "application/x-www-form-urlencoded", **kw.pop("headers", {})})
        return self._remember(self.client.simulate_post(path, body=urlencode(form, doseq=True), headers=headers,
                                                        **kw))

    def upload(self, path, fields: dict | None = None, files: dict | None = None, *, csrf=True):
        """POST multipart/form-data; `files` maps field → (filename, bytes, content type).

        The CSRF token goes into the URL, as the upload forms of the app do.
        """
        boundary = "----nokboundary" + secrets.token_hex(8)
        parts: list[bytes] = []
        for name, value in (fields or {}).items():
            for item in value if isinstance(value, list) else [value]:
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'
                             .encode())
        for name, (filename, content, ctype) in (files or {}).items():
            head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {ctype}\r\n\r\n").encode()
            parts.append(head + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        if csrf:
            path += ("&" if "?" in path else "?") + f"csrf_token={self.csrf}"
        headers = self._headers({"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return self._remember(self.client.simulate_post(path, body=body, headers=headers))

    def login(self, email, password):
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})

"""Appliance configuration: one TOML file in the data directory.

`nok init` writes it; every command and the web app read it through `load_config`.
Values have safe defaults so a fresh `nok init` gives a working appliance.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.exceptions import ConfigError

CONFIG_ENV = "NOK_CONFIG"
KEY_ENV = "NOK_DB_KEY"
DEFAULT_DATA_DIR = Path("var")
CONFIG_FILE_NAME = "nok.toml"
DEFAULT_PLUGINS = ("theory_exam", "practice_portfolio", "video_capture", "nark_export", "payments")


@dataclass
class Config:
    """Settings of one appliance. Paths are absolute once loaded."""

    data_dir: Path
    base_url: str = "http://127.0.0.1:8080"
    bind: str = "127.0.0.1:8080"
    workers: int = 2
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "НОК-Платформа <noreply@nok.local>"
    plugins: list[str] = field(default_factory=lambda: list(DEFAULT_PLUGINS))
    session_hours: int = 12
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    password_link_hours: int = 48
    max_upload_mb: int = 20
    max_video_mb: int = 8192  # «Загрузить видео» of an exam group (a whole day's room recording)
    # Seconds a web worker may spend on one request before gunicorn restarts it; long enough for
    # a multi-gigabyte group video over the venue's LAN.
    request_timeout_seconds: int = 900
    secure_cookies: bool = False
    # Exam stations (/kiosk): the venue may demand the candidate's cabinet login besides the
    # access code (seed 004), and the ЦОК decides whether the theory result is shown at once.
    kiosk_require_login: bool = False
    kiosk_show_result: bool = True
    # SQLCipher key derivation iterations when the key is a passphrase rather than a raw key;
    # tests lower it for speed. None keeps SQLCipher's default.
    kdf_iter: int | None = None
    database_url: str | None = None  # central registry only: postgresql://… or sqlite:///…
    # Central registry only: where its ZeroMQ receiver binds, and the address appliances are told
    # to connect to at enrolment (the bind address when empty).
    registry_bind: str = "tcp://127.0.0.1:7701"
    registry_endpoint: str = ""
    # Central registry only: the НАРК endpoint of the export target (none: the СПК uploads the file
    # by hand and types the registration numbers in) and its access token.
    nark_url: str = ""
    nark_token: str = ""
    # Appliance only: seconds between two passes of the federation worker (`nok federation sync`).
    federation_interval_seconds: int = 5
    # Appliance only: the first wait after an unanswered send; it doubles per attempt up to 15 minutes.
    federation_retry_base_seconds: int = 10
    # Appliance only: how often the worker asks the registry for newer reference data and statuses.
    federation_pull_seconds: int = 60

    @property
    def db_path(self) -> Path:
        return self.data_dir / "nok.db"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "nok.key"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def config_file(self) -> Path:
        return self.data_dir / CONFIG_FILE_NAME

    def db_key(self) -> str:
        """Return the database key: `NOK_DB_KEY` wins over the key file."""
        env_key = os.environ.get(KEY_ENV)
        if env_key:
            return env_key.strip()
        try:
            return self.key_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise ConfigError(
                f"Не найден ключ базы данных {self.key_file}. Выполните «nok init» "
                f"или задайте переменную окружения {KEY_ENV}."
            ) from None


_SCALAR_FIELDS = {f.name: f for f in dataclasses.fields(Config)}


def default_config_path() -> Path:
    """Return the config path from `NOK_CONFIG` or `var/nok.toml` under the working directory."""
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_DATA_DIR / CONFIG_FILE_NAME).absolute()


def load_config(path: Path | None = None) -> Config:
    """Read the TOML config; unknown keys are an error so typos do not pass silently."""
    path = Path(path) if path else default_config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Не найден файл настроек {path}. Выполните «nok init».") from None
    except tomllib.TOMLDecodeError as ex:
        raise ConfigError(f"Ошибка в файле настроек {path}: {ex}") from None
    unknown = sorted(set(raw) - set(_SCALAR_FIELDS))
    if unknown:
        raise ConfigError(f"Неизвестные параметры в {path}: {', '.join(unknown)}")
    data_dir = Path(raw.pop("data_dir", path.parent))
    if not data_dir.is_absolute():
        data_dir = (path.parent / data_dir).resolve()
    return Config(data_dir=data_dir, **raw)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def dump_config(config: Config) -> str:
    """Render the config as TOML (None values are left out)."""
    lines = ["# Настройки устройства НОК-Платформы. Изменения вступают в силу после перезапуска."]
    for name in _SCALAR_FIELDS:
        value = getattr(config, name)
        if value is None:
            continue
        lines.append(f"{name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def save_config(config: Config) -> Path:
    """Write the config file into the data directory and return its path."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    config.config_file.write_text(dump_config(config), encoding="utf-8")
    return config.config_file

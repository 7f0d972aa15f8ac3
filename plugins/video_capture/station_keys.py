"""The station's directory: its Ed25519 signing key and what enrolment at the appliance gave it.

The key signs every segment manifest, so whoever holds it can forge evidence: it is created
once by `nok station init`, readable by its owner only (0600), and never overwritten (a new key
would orphan the public key the appliance trusts). The enrolment file keeps the API token and
is private for the same reason. Both are written atomically: a crash leaves the old file or
the new one, never half of either.
"""
from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.exceptions import ConfigError

KEY_FILE = "station.key"
ENROLMENT_FILE = "station.json"
SPOOL_DIR = "spool"


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` through a synced temp file and a rename, then sync the directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    sync_directory(path.parent)


def sync_directory(folder: Path) -> None:
    """Make a rename or a new entry in `folder` survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def create_key(folder: Path) -> Ed25519PrivateKey:
    """Create the station key in `folder`; refuse when one exists (the appliance trusts the old one)."""
    path = folder / KEY_FILE
    if path.exists():
        raise ConfigError(f"Ключ станции уже создан: {path}. Новый ключ не создаётся — устройство доверяет "
                          "прежнему; чтобы заменить его, удалите файл и зарегистрируйте станцию заново.")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pem, mode=0o600)
    return key


def load_key(folder: Path) -> Ed25519PrivateKey:
    """The station key; a missing, unreadable or world-readable key is a Russian `ConfigError`."""
    path = folder / KEY_FILE
    if not path.is_file():
        raise ConfigError(f"Ключ станции не найден в каталоге {folder}. Сначала выполните: "
                          f"nok station init --dir {folder}")
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"Файл ключа {path} доступен другим пользователям; установите права 600 "
                          f"(chmod 600 {path}).")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError:
        raise ConfigError(f"Файл {path} не является ключом станции (повреждён?).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"Файл {path} содержит ключ не того типа: нужен Ed25519.")
    return key


@dataclass(frozen=True)
class Enrolment:
    """What the appliance answered to `nok station enrol`: where to send, who we are, our token."""

    appliance: str  # base URL, e.g. http://192.168.1.10:8080
    station: int
    name: str
    token: str

    def save(self, folder: Path) -> None:
        data = json.dumps(asdict(self), ensure_ascii=False, indent=2).encode()
        write_atomic(folder / ENROLMENT_FILE, data, mode=0o600)

    @classmethod
    def load(cls, folder: Path) -> Enrolment:
        path = folder / ENROLMENT_FILE
        if not path.is_file():
            raise ConfigError(f"Станция не зарегистрирована на устройстве. Выполните: nok station enrol "
                              f"--dir {folder} --appliance АДРЕС --code КОД")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(appliance=str(data["appliance"]), station=int(data["station"]), name=str(data["name"]),
                       token=str(data["token"]))
        except (ValueError, KeyError, TypeError):
            raise ConfigError(f"Файл {path} повреждён; зарегистрируйте станцию заново.") from None


@dataclass(frozen=True)
class StationIdentity:
    """Who signs the segments: the enrolled station id and its private key."""

    station: int
    key: Ed25519PrivateKey

    @classmethod
    def load(cls, folder: Path) -> StationIdentity:
        key = load_key(folder)  # first: `init` comes before `enrol`
        return cls(station=Enrolment.load(folder).station, key=key)

"""Federation keys — ключи комплекса и реестра.

Each side holds an Ed25519 signing key (it signs bundles and acknowledgements), an X25519 key
for HPKE (the other side seals to its public half: results go to the registry, reference
snapshots to the appliance) and a ZeroMQ CURVE key pair (it authenticates the transport).

Keys are stored as one file each in a directory; every file is created with
``os.open(O_CREAT | O_EXCL, 0o600)``, so saving never overwrites an existing key and the file is
never readable by others, not even for an instant. Loading refuses files readable by group or
others (as ssh does) and validates every length. ``public_info()`` gives the public halves as a
small JSON-able dict, the only thing exchanged at enrolment; ``PublicKeys.from_info`` reads it back.
"""
from __future__ import annotations

import binascii
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import zmq
from zmq.utils import z85
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from core.exceptions import PermanentError

SIGNING_KEY_FILE = "signing_ed25519.key"
HPKE_KEY_FILE = "hpke_x25519.key"
CURVE_SECRET_FILE = "curve_secret.z85"
CURVE_PUBLIC_FILE = "curve_public.z85"

RAW_KEY_SIZE = 32
Z85_KEY_SIZE = 40
ROLE_APPLIANCE = "appliance"
ROLE_REGISTRY = "registry"


class KeyStoreError(PermanentError):
    """Federation keys cannot be saved, loaded or parsed («ошибка хранилища ключей»)."""


@dataclass(frozen=True)
class CurveKeyPair:
    """Пара ключей CURVE для ZeroMQ, обе половины в Z85 (40 ASCII-байт)."""

    public: bytes
    secret: bytes

    @classmethod
    def generate(cls) -> CurveKeyPair:
        public, secret = zmq.curve_keypair()
        return cls(public=public, secret=secret)

    @property
    def public_z85(self) -> str:
        return self.public.decode("ascii")


@dataclass(frozen=True)
class ApplianceKeys:
    """Ключи комплекса: подпись пакетов (Ed25519), приём снимков справочников (X25519/HPKE), CURVE."""

    signing_key: Ed25519PrivateKey
    hpke_key: X25519PrivateKey
    curve: CurveKeyPair

    def public_info(self) -> dict[str, str]:
        return {
            "role": ROLE_APPLIANCE,
            "signing_public_key": _raw_public_hex(self.signing_key.public_key()),
            "hpke_public_key": _raw_public_hex(self.hpke_key.public_key()),
            "curve_public_key": self.curve.public_z85,
        }

    def save(self, directory: str | os.PathLike[str]) -> None:
        _save_files(
            Path(directory),
            {
                SIGNING_KEY_FILE: _raw_private(self.signing_key),
                HPKE_KEY_FILE: _raw_private(self.hpke_key),
                CURVE_SECRET_FILE: self.curve.secret,
                CURVE_PUBLIC_FILE: self.curve.public,
            },
        )

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> ApplianceKeys:
        d = Path(directory)
        return cls(signing_key=_load_signing_key(d), hpke_key=_load_hpke(d), curve=_load_curve(d))


@dataclass(frozen=True)
class RegistryKeys:
    """Ключи реестра: подпись (Ed25519), приём запечатанных пакетов (X25519/HPKE), CURVE."""

    signing_key: Ed25519PrivateKey
    hpke_key: X25519PrivateKey
    curve: CurveKeyPair

    def public_info(self) -> dict[str, str]:
        return {
            "role": ROLE_REGISTRY,
            "signing_public_key": _raw_public_hex(self.signing_key.public_key()),
            "hpke_public_key": _raw_public_hex(self.hpke_key.public_key()),
            "curve_public_key": self.curve.public_z85,
        }

    def save(self, directory: str | os.PathLike[str]) -> None:
        _save_files(
            Path(directory),
            {
                SIGNING_KEY_FILE: _raw_private(self.signing_key),
                HPKE_KEY_FILE: _raw_private(self.hpke_key),
                CURVE_SECRET_FILE: self.curve.secret,
                CURVE_PUBLIC_FILE: self.curve.public,
            },
        )

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> RegistryKeys:
        d = Path(directory)
        return cls(signing_key=_load_signing_key(d), hpke_key=_load_hpke(d), curve=_load_curve(d))


@dataclass(frozen=True)
class PublicKeys:
    """Открытые ключи другой стороны, полученные при регистрации (для закрепления)."""

    role: str
    signing_public_key: Ed25519PublicKey
    curve_public_key: bytes
    hpke_public_key: X25519PublicKey

    @classmethod
    def from_info(cls, info: Mapping[str, Any]) -> PublicKeys:
        """Inverse of ``public_info()``; every field is checked, unknown fields are refused."""
        if not isinstance(info, Mapping):
            raise KeyStoreError("Открытые ключи должны быть переданы JSON-объектом")
        role = info.get("role")
        if role not in (ROLE_APPLIANCE, ROLE_REGISTRY):
            raise KeyStoreError(f"Неизвестная роль владельца ключей: {role!r}")
        if set(info) != {"role", "signing_public_key", "hpke_public_key", "curve_public_key"}:
            raise KeyStoreError("Набор полей с открытыми ключами не соответствует роли")
        signing = Ed25519PublicKey.from_public_bytes(
            _hex_key(info["signing_public_key"], "открытый ключ подписи")
        )
        hpke = X25519PublicKey.from_public_bytes(_hex_key(info["hpke_public_key"], "открытый ключ HPKE"))
        curve = info["curve_public_key"]
        if not (isinstance(curve, str) and curve.isascii()):
            raise KeyStoreError("Открытый ключ CURVE должен быть строкой Z85")
        return cls(role, signing, _check_z85(curve.encode("ascii"), "открытый ключ CURVE"), hpke)


def generate_appliance_keys() -> ApplianceKeys:
    return ApplianceKeys(
        signing_key=Ed25519PrivateKey.generate(),
        hpke_key=X25519PrivateKey.generate(),
        curve=CurveKeyPair.generate(),
    )


def generate_registry_keys() -> RegistryKeys:
    return RegistryKeys(
        signing_key=Ed25519PrivateKey.generate(),
        hpke_key=X25519PrivateKey.generate(),
        curve=CurveKeyPair.generate(),
    )


# --- helpers ----------------------------------------------------------------------------------


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _raw_public_hex(key: Ed25519PublicKey | X25519PublicKey) -> str:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _hex_key(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * RAW_KEY_SIZE:
        raise KeyStoreError(f"{what[0].upper() + what[1:]} должен быть строкой из {2 * RAW_KEY_SIZE} hex-символов")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise KeyStoreError(f"{what[0].upper() + what[1:]} записан не в шестнадцатеричном виде") from None


def _check_z85(value: bytes, what: str) -> bytes:
    if len(value) != Z85_KEY_SIZE:
        raise KeyStoreError(f"{what[0].upper() + what[1:]} должен занимать {Z85_KEY_SIZE} символов Z85")
    try:
        decoded = z85.decode(value)
    except (ValueError, KeyError, IndexError, binascii.Error):
        raise KeyStoreError(f"{what[0].upper() + what[1:]} записан не в кодировке Z85") from None
    if len(decoded) != RAW_KEY_SIZE:
        raise KeyStoreError(f"{what[0].upper() + what[1:]} имеет неверную длину")
    return value


def _save_files(directory: Path, files: dict[str, bytes]) -> None:
    """Create every file with O_EXCL and mode 0600; on any failure remove what this call made."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    existing = [name for name in files if (directory / name).exists()]
    if existing:
        raise KeyStoreError(
            f"Ключи уже существуют в каталоге {directory} ({', '.join(sorted(existing))}); "
            "перезапись запрещена"
        )
    created: list[Path] = []
    try:
        for name, data in files.items():
            path = directory / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                raise KeyStoreError(f"Файл ключа {path} уже существует; перезапись запрещена") from None
            created.append(path)
            try:
                os.fchmod(fd, 0o600)  # the umask can only narrow it, but be explicit
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _read_key_file(path: Path, size: int, what: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise KeyStoreError(f"Файл ключа не найден: {path}") from None
    except OSError as ex:
        raise KeyStoreError(f"Не удалось открыть файл ключа {path}: {ex.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise KeyStoreError(f"Файл ключа {path} не является обычным файлом")
        if st.st_mode & 0o077:
            raise KeyStoreError(
                f"Файл ключа {path} доступен другим пользователям "
                f"(права {stat.S_IMODE(st.st_mode):04o}); нужны права 0600"
            )
        data = os.read(fd, size + 1)
    finally:
        os.close(fd)
    if len(data) != size:
        raise KeyStoreError(f"Файл ключа {path} повреждён: {what} должен занимать {size} байт")
    return data


def _load_signing_key(directory: Path) -> Ed25519PrivateKey:
    raw = _read_key_file(directory / SIGNING_KEY_FILE, RAW_KEY_SIZE, "ключ подписи (Ed25519)")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _load_hpke(directory: Path) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_read_key_file(directory / HPKE_KEY_FILE, RAW_KEY_SIZE, "ключ HPKE (X25519)"))


def _load_curve(directory: Path) -> CurveKeyPair:
    secret = _check_z85(
        _read_key_file(directory / CURVE_SECRET_FILE, Z85_KEY_SIZE, "секретный ключ CURVE"),
        "секретный ключ CURVE",
    )
    public = _check_z85(
        _read_key_file(directory / CURVE_PUBLIC_FILE, Z85_KEY_SIZE, "открытый ключ CURVE"),
        "открытый ключ CURVE",
    )
    if zmq.curve_public(secret) != public:
        raise KeyStoreError(f"Открытый ключ CURVE в каталоге {directory} не соответствует секретному")
    return CurveKeyPair(public=public, secret=secret)

"""Encrypted, content-addressed store for uploaded documents and video segments.

Why it looks like this:

* Files can be many hundreds of MB (exam video), so every path streams: nothing ever
  holds a whole file in memory, neither on write nor on read.
* The address is the SHA-256 of the *plaintext*, so the same document uploaded twice is
  stored once and a reference in the database says exactly which bytes it means.
* The appliance disk may be copied or stolen, so blobs are encrypted at rest. Each file
  has its own random data key (DEK) wrapped with a key-encryption key (KEK) derived from
  the appliance master key; the master key itself never touches blob data.
* Tampering must be detected, not only bit rot. The body is AES-256-GCM in fixed-size
  chunks using the STREAM construction: the chunk index and a "final chunk" flag are
  bound into every chunk's nonce/AAD together with the whole header, so flipped bits,
  reordered, dropped, truncated or appended chunks all fail authentication. Finally the
  SHA-256 of the plaintext is compared with the address, which catches a valid blob
  file moved under another blob's name.

On-disk layout: ``root/ab/cd/<64 hex>``, temporary files in ``root/tmp`` (same file
system, so ``os.replace`` is atomic).

File format (version 1)::

    header = b"NOKB" | version (1 byte) | wrapped DEK (40 bytes, RFC 3394 AES key wrap)
             | nonce prefix (8 bytes, random) | chunk size (uint32 big-endian)
    body   = record*   where record = AES-256-GCM(chunk) = ciphertext | 16-byte tag
    nonce(i) = nonce prefix | uint32 big-endian i
    aad(i)   = header | uint32 big-endian i | final flag (1 byte, 0 or 1)

Every chunk except the last holds exactly ``chunk size`` plaintext bytes; the last
one holds 1..chunk size bytes, or 0 bytes for an empty file (one empty final chunk).
The plaintext size is therefore computable from the file size and is not stored.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from core.exceptions import (
    BlobIntegrityError,
    BlobNotFoundError,
    BlobTooLargeError,
    ConfigError,
)

MAGIC = b"NOKB"
FORMAT_VERSION = 1
KEK_INFO = b"nok blobstore kek v1"
MASTER_KEY_SIZE = 32
DEK_SIZE = 32
WRAPPED_DEK_SIZE = DEK_SIZE + 8  # RFC 3394 adds one 64-bit block
NONCE_PREFIX_SIZE = 8
TAG_SIZE = 16
MIB = 1024 * 1024
DEFAULT_CHUNK_SIZE = MIB
# Upper bound for a chunk, also enforced on the (not yet authenticated) header when
# reading, so a tampered chunk size cannot make us allocate gigabytes.
MAX_CHUNK_SIZE = 16 * MIB
MAX_CHUNKS = 2**32  # the counter in the nonce is 32 bits

_HEADER = struct.Struct(f">4sB{WRAPPED_DEK_SIZE}s{NONCE_PREFIX_SIZE}sI")
HEADER_SIZE = _HEADER.size
_CHUNK_AAD = struct.Struct(">IB")
_COUNTER = struct.Struct(">I")
_DIGEST_RE = re.compile(r"[0-9a-f]{64}")
TMP_DIR_NAME = "tmp"


@dataclass(frozen=True)
class BlobRef:
    """What the database keeps about a stored blob: its address and plaintext size."""

    digest: str
    size: int


@dataclass(frozen=True)
class _Header:
    raw: bytes
    wrapped_dek: bytes
    nonce_prefix: bytes
    chunk_size: int


def _integrity_error(digest: str, reason: str) -> BlobIntegrityError:
    return BlobIntegrityError(f"Файл повреждён или изменён: {digest} ({reason})")


def _format_mb(size: int) -> str:
    """Render a byte count as megabytes the Russian way (decimal comma)."""
    if size % MIB == 0:
        return str(size // MIB)
    text = f"{max(size / MIB, 0.01):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _too_large(limit: int) -> BlobTooLargeError:
    return BlobTooLargeError(f"Файл больше допустимого размера: {_format_mb(limit)} МБ")


def _read_full(stream: BinaryIO, size: int) -> bytes:
    """Read exactly `size` bytes unless EOF comes first.

    A single ``read`` may legally return fewer bytes (pipes, sockets, raw files); a short
    chunk in the middle would break the fixed-size chunk layout, so keep reading.
    """
    data = stream.read(size)
    if data is None:
        data = b""
    if len(data) == size or not data:
        return bytes(data)
    parts = [data]
    got = len(data)
    while got < size:
        more = stream.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _fsync_dir(path: Path) -> None:
    """Persist a rename/creation inside `path` (the directory entry, not only the data)."""
    if not hasattr(os, "O_DIRECTORY"):  # not POSIX: nothing we can do
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    """Encrypted content-addressed blob store rooted at one directory.

    Safe for several processes using the same root: writers only ever publish a
    complete, fsynced file with an atomic rename, so readers never see half a blob.

    Deduplication means one stored file may back several database rows; callers must
    reference-count before calling `delete`.
    """

    def __init__(self, root: Path, master_key: bytes, *, chunk_size: int = DEFAULT_CHUNK_SIZE):
        """Open (and create if needed) a store.

        `master_key` is the 32-byte appliance key. It is only used to derive the KEK with
        HKDF-SHA256, so the same master key can serve other purposes with other `info`
        labels without the keys ever being related. `chunk_size` is the plaintext size of
        a body chunk for new blobs (recorded in each file, so it may change later); tests
        lower it to exercise multi-chunk files cheaply.
        """
        if not isinstance(master_key, (bytes, bytearray)) or len(master_key) != MASTER_KEY_SIZE:
            raise ConfigError(
                f"Ключ устройства для хранилища файлов должен быть длиной {MASTER_KEY_SIZE} байта."
            )
        if not isinstance(chunk_size, int) or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError(f"chunk_size must be in 1..{MAX_CHUNK_SIZE}, got {chunk_size!r}")
        self.root = Path(root)
        self.chunk_size = chunk_size
        self._kek = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=KEK_INFO
        ).derive(bytes(master_key))
        self._tmp_dir = self.root / TMP_DIR_NAME
        self._tmp_dir.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ paths

    def _path(self, digest: object) -> Path:
        """Map a digest to its file; anything but 64 lowercase hex is "not found".

        Validating here (not at the web layer) guarantees no caller can turn a digest
        into path traversal such as ``../../nok.key``.
        """
        if not isinstance(digest, str) or not _DIGEST_RE.fullmatch(digest):
            raise BlobNotFoundError("Файл не найден: неверный идентификатор файла.")
        return self.root / digest[0:2] / digest[2:4] / digest

    # ------------------------------------------------------------------ writing

    def put(self, data: bytes) -> BlobRef:
        """Store a small in-memory blob; skips all work when the content is already stored."""
        digest = hashlib.sha256(data).hexdigest()
        if self._path(digest).is_file():
            return BlobRef(digest, len(data))
        return self.put_stream(BytesIO(data))

    def put_stream(self, stream: BinaryIO, *, max_size: int | None = None) -> BlobRef:
        """Store everything read from `stream`, chunk by chunk, in bounded memory.

        The address is only known after the last byte, so the data is encrypted into a
        temporary file while being hashed, fsynced, and then atomically renamed into
        place. If the content is already stored, the new copy is discarded and the
        existing blob is referenced. More than `max_size` bytes raises
        `BlobTooLargeError` as soon as the limit is crossed (reading at most one chunk
        past it) and leaves no temporary file behind.
        """
        if max_size is not None and max_size < 0:
            raise ValueError("max_size must not be negative")
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp_dir, prefix="put-", suffix=".part")
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                digest, size = self._encrypt_stream(stream, out, max_size)
                out.flush()
                os.fsync(out.fileno())
            ref = BlobRef(digest, size)
            final = self._path(digest)
            if final.is_file():
                tmp_path.unlink()
                return ref
            for directory in (final.parent.parent, final.parent):
                if not directory.is_dir():
                    directory.mkdir(exist_ok=True)
                    _fsync_dir(directory.parent)
            os.replace(tmp_path, final)
            _fsync_dir(final.parent)
            return ref
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise

    def _encrypt_stream(
        self, stream: BinaryIO, out: BinaryIO, max_size: int | None
    ) -> tuple[str, int]:
        """Write header and STREAM-encrypted body; return (plaintext digest, size).

        One chunk of read-ahead tells whether the current chunk is the final one, so a
        file whose size is a multiple of the chunk size needs no extra empty chunk.
        """
        chunk_size = self.chunk_size
        dek = os.urandom(DEK_SIZE)
        nonce_prefix = os.urandom(NONCE_PREFIX_SIZE)
        header = _HEADER.pack(
            MAGIC, FORMAT_VERSION, aes_key_wrap(self._kek, dek), nonce_prefix, chunk_size
        )
        out.write(header)
        aead = AESGCM(dek)
        hasher = hashlib.sha256()

        total = 0

        def take() -> bytes:
            nonlocal total
            data = _read_full(stream, chunk_size)
            total += len(data)
            if max_size is not None and total > max_size:
                raise _too_large(max_size)
            return data

        current = take()
        index = 0
        while True:
            # A short read means EOF already; don't ask the stream again.
            following = take() if len(current) == chunk_size else b""
            final = not following
            hasher.update(current)
            out.write(
                aead.encrypt(
                    nonce_prefix + _COUNTER.pack(index),
                    current,
                    header + _CHUNK_AAD.pack(index, final),
                )
            )
            if final:
                return hasher.hexdigest(), total
            current = following
            index += 1
            if index >= MAX_CHUNKS:
                raise _too_large(chunk_size * MAX_CHUNKS)

    # ------------------------------------------------------------------ reading

    def _read_header(self, digest: str, f: BinaryIO) -> _Header:
        raw = f.read(HEADER_SIZE)
        if len(raw) != HEADER_SIZE:
            raise _integrity_error(digest, "нет заголовка")
        magic, version, wrapped_dek, nonce_prefix, chunk_size = _HEADER.unpack(raw)
        if magic != MAGIC:
            raise _integrity_error(digest, "неверная сигнатура")
        if version != FORMAT_VERSION:
            raise _integrity_error(digest, f"неизвестная версия формата {version}")
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise _integrity_error(digest, "неверный размер блока")
        return _Header(raw, wrapped_dek, nonce_prefix, chunk_size)

    def open(self, digest: str) -> Iterator[bytes]:
        """Yield the decrypted plaintext chunk by chunk, verifying each one.

        `BlobNotFoundError` is raised right here (not at the first ``next``), so a web
        handler can answer 404 before it starts streaming. Every yielded chunk is
        authenticated, but a blob file moved under a wrong name is only detected by the
        final SHA-256 check after the last chunk: treat the data as trustworthy only once
        the iterator finished without `BlobIntegrityError`.
        """
        path = self._path(digest)
        if not path.is_file():
            raise BlobNotFoundError(f"Файл не найден: {digest}")
        return self._decrypt(digest, path)

    def _decrypt(self, digest: str, path: Path) -> Iterator[bytes]:
        try:
            f = open(path, "rb")
        except FileNotFoundError:  # deleted between the check in open() and now
            raise BlobNotFoundError(f"Файл не найден: {digest}") from None
        with f:
            header = self._read_header(digest, f)
            try:
                dek = aes_key_unwrap(self._kek, header.wrapped_dek)
            except InvalidUnwrap:
                raise _integrity_error(digest, "не удалось расшифровать ключ файла") from None
            aead = AESGCM(dek)
            record_size = header.chunk_size + TAG_SIZE
            hasher = hashlib.sha256()
            current = f.read(record_size)
            index = 0
            while True:
                if len(current) < TAG_SIZE:
                    raise _integrity_error(digest, "файл обрезан")
                following = f.read(record_size)
                final = not following
                try:
                    plain = aead.decrypt(
                        header.nonce_prefix + _COUNTER.pack(index),
                        current,
                        header.raw + _CHUNK_AAD.pack(index, final),
                    )
                except InvalidTag:
                    raise _integrity_error(digest, f"блок {index} не прошёл проверку") from None
                hasher.update(plain)
                yield plain
                if final:
                    break
                current = following
                index += 1
                if index >= MAX_CHUNKS:
                    raise _integrity_error(digest, "слишком много блоков")
        if not hmac.compare_digest(hasher.hexdigest(), digest):
            raise _integrity_error(digest, "содержимое не совпадает с идентификатором")

    def open_range(self, digest: str, start: int, end: int) -> Iterator[bytes]:
        """Yield plaintext bytes `start`…`end` (inclusive), decrypting only the chunks that hold them.

        For sending a large file in parts and for Range requests: the chunk records have a fixed
        size, so the reader seeks straight to the first one needed instead of decrypting everything
        before it. Each chunk is authenticated (its index and whether it is the last are in its
        AAD); the whole-file SHA-256 is not checked here — the receiver of all the parts does that.
        """
        path = self._path(digest)
        if not path.is_file():
            raise BlobNotFoundError(f"Файл не найден: {digest}")
        if start < 0 or end < start:
            raise ValueError("start must be ≥ 0 and end ≥ start")
        return self._decrypt_range(digest, path, start, end)

    def _decrypt_range(self, digest: str, path: Path, start: int, end: int) -> Iterator[bytes]:
        with open(path, "rb") as f:
            header = self._read_header(digest, f)
            try:
                aead = AESGCM(aes_key_unwrap(self._kek, header.wrapped_dek))
            except InvalidUnwrap:
                raise _integrity_error(digest, "не удалось расшифровать ключ файла") from None
            record_size = header.chunk_size + TAG_SIZE
            records = -(-(os.fstat(f.fileno()).st_size - HEADER_SIZE) // record_size)
            index = start // header.chunk_size
            f.seek(HEADER_SIZE + index * record_size)
            position = index * header.chunk_size
            while index < records and position <= end:
                record = f.read(record_size)
                if len(record) < TAG_SIZE:
                    raise _integrity_error(digest, "файл обрезан")
                try:
                    plain = aead.decrypt(header.nonce_prefix + _COUNTER.pack(index), record,
                                         header.raw + _CHUNK_AAD.pack(index, index == records - 1))
                except InvalidTag:
                    raise _integrity_error(digest, f"блок {index} не прошёл проверку") from None
                yield plain[max(0, start - position):end + 1 - position]
                position += len(plain)
                index += 1

    def read(self, digest: str) -> bytes:
        """Return the whole plaintext, fully verified. Only for small blobs (documents)."""
        return b"".join(self.open(digest))

    def verify(self, digest: str) -> None:
        """Decrypt and check the whole blob without keeping it; for periodic scrubbing."""
        for _ in self.open(digest):
            pass

    def exists(self, digest: str) -> bool:
        """Tell whether a blob file is stored (cheap: no decryption, no integrity check)."""
        return self._path(digest).is_file()

    def size(self, digest: str) -> int:
        """Return the plaintext size, computed from the file size without decrypting.

        Only the file's structure is checked here, not its authenticity; use `verify`
        for that.
        """
        path = self._path(digest)
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            raise BlobNotFoundError(f"Файл не найден: {digest}") from None
        with f:
            header = self._read_header(digest, f)
            body = os.fstat(f.fileno()).st_size - HEADER_SIZE
        record_size = header.chunk_size + TAG_SIZE
        records = max(1, -(-body // record_size))
        last = body - (records - 1) * record_size
        if body < TAG_SIZE or last < TAG_SIZE:
            raise _integrity_error(digest, "файл обрезан")
        return body - records * TAG_SIZE

    # ------------------------------------------------------------------ deleting

    def delete(self, digest: str) -> bool:
        """Remove a blob (retention expiry, destruction); False if it was not stored.

        Before unlinking, the header with the wrapped data key is overwritten and
        fsynced, so the freed disk blocks no longer hold a key that opens the body even
        to someone with the master key (best effort: SSD wear levelling or copy-on-write
        file systems may keep old blocks). Dedup means other records may share the blob:
        the caller must check references first.
        """
        path = self._path(digest)
        try:
            with open(path, "r+b") as f:
                f.write(b"\0" * HEADER_SIZE)
                f.flush()
                os.fsync(f.fileno())
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

"""Tests of the encrypted content-addressed blob store (core/blobstore.py)."""
from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

from core.blobstore import (
    HEADER_SIZE,
    MAGIC,
    MIB,
    TAG_SIZE,
    BlobRef,
    BlobStore,
)
from core.exceptions import (
    BlobError,
    BlobIntegrityError,
    BlobNotFoundError,
    BlobTooLargeError,
    ConfigError,
    PermanentError,
)

MASTER_KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
CHUNK = 16  # tiny chunks so a few dozen bytes already span several chunks
RECORD = CHUNK + TAG_SIZE


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", MASTER_KEY, chunk_size=CHUNK)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp")


def tmp_files(root: Path) -> list[Path]:
    return sorted((root / "tmp").iterdir())


class ShortReads(io.RawIOBase):
    """A stream that returns at most 5 bytes per read, like a slow pipe."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, 5) if size >= 0 else 5)


class Generated(io.RawIOBase):
    """`total` bytes of random data generated on the fly, hashed as they are produced."""

    def __init__(self, total: int):
        self.remaining = total
        self.produced = 0
        self.hasher = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self.remaining if size < 0 else min(size, self.remaining)
        data = os.urandom(n)
        self.remaining -= n
        self.produced += n
        self.hasher.update(data)
        return data


# ---------------------------------------------------------------- roundtrip


@pytest.mark.parametrize("length", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 3, 1000])
def test_roundtrip(store: BlobStore, length: int) -> None:
    data = os.urandom(length)
    ref = store.put(data)
    assert ref == BlobRef(sha(data), length)
    assert store.exists(ref.digest)
    assert store.read(ref.digest) == data
    assert store.size(ref.digest) == length
    store.verify(ref.digest)
    chunks = list(store.open(ref.digest))
    assert b"".join(chunks) == data
    assert all(len(c) == CHUNK for c in chunks[:-1])


def test_empty_blob_is_one_empty_final_chunk(store: BlobStore) -> None:
    ref = store.put(b"")
    assert ref.digest == sha(b"")
    assert list(store.open(ref.digest)) == [b""]
    path = store.root / ref.digest[:2] / ref.digest[2:4] / ref.digest
    assert path.stat().st_size == HEADER_SIZE + TAG_SIZE


def test_file_layout_and_header(store: BlobStore) -> None:
    data = b"x" * (3 * CHUNK)
    ref = store.put(data)
    path = store.root / ref.digest[:2] / ref.digest[2:4] / ref.digest
    raw = path.read_bytes()
    assert raw[:4] == MAGIC == b"NOKB"
    assert raw[4] == 1
    # A full final chunk needs no extra empty chunk.
    assert len(raw) == HEADER_SIZE + 3 * RECORD
    assert int.from_bytes(raw[HEADER_SIZE - 4 : HEADER_SIZE], "big") == CHUNK


def test_put_stream_roundtrip_with_short_reads(store: BlobStore) -> None:
    data = os.urandom(7 * CHUNK + 2)
    ref = store.put_stream(ShortReads(data))
    assert ref == BlobRef(sha(data), len(data))
    assert store.read(ref.digest) == data
    assert tmp_files(store.root) == []


def test_chunk_size_is_read_from_the_file(tmp_path: Path) -> None:
    small = BlobStore(tmp_path, MASTER_KEY, chunk_size=CHUNK)
    data = os.urandom(10 * CHUNK + 5)
    ref = small.put(data)
    default = BlobStore(tmp_path, MASTER_KEY)
    assert default.read(ref.digest) == data
    assert default.size(ref.digest) == len(data)


def test_kek_is_derived_with_hkdf_not_the_master_key(store: BlobStore) -> None:
    ref = store.put(b"document")
    raw = blob_files(store.root)[0].read_bytes()
    wrapped = raw[5:45]
    with pytest.raises(InvalidUnwrap):
        aes_key_unwrap(MASTER_KEY, wrapped)
    kek = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"nok blobstore kek v1"
    ).derive(MASTER_KEY)
    assert len(aes_key_unwrap(kek, wrapped)) == 32
    assert store.read(ref.digest) == b"document"


# ---------------------------------------------------------------- dedupe


def test_same_content_is_stored_once(store: BlobStore) -> None:
    data = os.urandom(3 * CHUNK)
    first = store.put(data)
    path = blob_files(store.root)[0]
    before = path.read_bytes()
    assert store.put(data) == first
    assert store.put_stream(io.BytesIO(data)) == first
    assert blob_files(store.root) == [path]
    assert path.read_bytes() == before  # existing file left untouched
    assert tmp_files(store.root) == []


def test_different_content_different_files(store: BlobStore) -> None:
    a = store.put(b"a")
    b = store.put(b"b")
    assert a.digest != b.digest
    assert len(blob_files(store.root)) == 2


# ---------------------------------------------------------------- confidentiality


def test_plaintext_is_not_on_disk(store: BlobStore) -> None:
    secret = "Протокол экзамена: Иванов И. И., оценка отлично. ".encode() * 20
    store.put(secret)
    store.put_stream(io.BytesIO(secret + b"!"))
    for path in blob_files(store.root):
        raw = path.read_bytes()
        assert MASTER_KEY not in raw
        for i in range(0, len(secret) - 8, 8):
            assert secret[i : i + 8] not in raw


def test_same_content_under_two_keys_differs(tmp_path: Path) -> None:
    a = BlobStore(tmp_path / "a", MASTER_KEY, chunk_size=CHUNK)
    b = BlobStore(tmp_path / "b", MASTER_KEY, chunk_size=CHUNK)
    a.put(b"same")
    b.put(b"same")
    assert blob_files(a.root)[0].read_bytes() != blob_files(b.root)[0].read_bytes()


def test_wrong_master_key(store: BlobStore) -> None:
    ref = store.put(b"document")
    other = BlobStore(store.root, OTHER_KEY, chunk_size=CHUNK)
    with pytest.raises(BlobIntegrityError) as info:
        other.read(ref.digest)
    assert str(info.value).startswith("Файл повреждён или изменён: ")
    with pytest.raises(BlobIntegrityError):
        other.verify(ref.digest)


@pytest.mark.parametrize("key", [b"", b"x" * 16, b"x" * 31, b"x" * 33, "x" * 32])
def test_master_key_must_be_32_bytes(tmp_path: Path, key: object) -> None:
    with pytest.raises(ConfigError):
        BlobStore(tmp_path, key)  # type: ignore[arg-type]


@pytest.mark.parametrize("chunk_size", [0, -1, 16 * MIB + 1])
def test_chunk_size_bounds(tmp_path: Path, chunk_size: int) -> None:
    with pytest.raises(ValueError):
        BlobStore(tmp_path, MASTER_KEY, chunk_size=chunk_size)


# ---------------------------------------------------------------- tampering

DATA = bytes(range(256))[: 2 * CHUNK + 8]  # two full chunks and a partial final one


def stored(store: BlobStore, data: bytes = DATA) -> tuple[str, Path, bytes]:
    ref = store.put(data)
    path = store.root / ref.digest[:2] / ref.digest[2:4] / ref.digest
    return ref.digest, path, path.read_bytes()


def records(raw: bytes) -> tuple[bytes, list[bytes]]:
    body = raw[HEADER_SIZE:]
    return raw[:HEADER_SIZE], [body[i : i + RECORD] for i in range(0, len(body), RECORD)]


def assert_corrupt(store: BlobStore, digest: str) -> None:
    with pytest.raises(BlobIntegrityError):
        store.read(digest)
    with pytest.raises(BlobIntegrityError):
        store.verify(digest)


def test_every_flipped_byte_is_detected(store: BlobStore) -> None:
    digest, path, raw = stored(store)
    for pos in range(len(raw)):
        for mask in (0x01, 0x80):
            damaged = bytearray(raw)
            damaged[pos] ^= mask
            path.write_bytes(damaged)
            with pytest.raises(BlobIntegrityError):
                store.read(digest)
    path.write_bytes(raw)
    assert store.read(digest) == DATA


def test_every_truncation_is_detected(store: BlobStore) -> None:
    digest, path, raw = stored(store)
    for length in range(len(raw)):
        path.write_bytes(raw[:length])
        with pytest.raises(BlobIntegrityError):
            store.read(digest)


def chunks_before_error(store: BlobStore, digest: str) -> list[bytes]:
    got: list[bytes] = []
    with pytest.raises(BlobIntegrityError, match="^Файл повреждён или изменён: "):
        for chunk in store.open(digest):
            got.append(chunk)
    return got


def test_truncation_at_chunk_boundary_is_detected(store: BlobStore) -> None:
    digest, path, raw = stored(store)
    header, recs = records(raw)
    path.write_bytes(header + recs[0] + recs[1])
    assert_corrupt(store, digest)
    # The final-chunk flag catches it at chunk 1 already, not only the digest at the end.
    assert chunks_before_error(store, digest) == [DATA[:CHUNK]]


def test_swapped_chunks_are_detected(store: BlobStore) -> None:
    digest, path, raw = stored(store)
    header, recs = records(raw)
    path.write_bytes(header + recs[1] + recs[0] + recs[2])
    assert_corrupt(store, digest)
    assert chunks_before_error(store, digest) == []


def test_dropped_middle_chunk_is_detected(store: BlobStore) -> None:
    digest, path, raw = stored(store)
    header, recs = records(raw)
    path.write_bytes(header + recs[0] + recs[2])
    assert_corrupt(store, digest)


@pytest.mark.parametrize("extra", ["copy_first", "copy_last", "zeros", "tag_only", "one_byte"])
def test_appended_data_is_detected(store: BlobStore, extra: str) -> None:
    digest, path, raw = stored(store)
    header, recs = records(raw)
    tail = {
        "copy_first": recs[0],
        "copy_last": recs[-1],
        "zeros": b"\0" * RECORD,
        "tag_only": b"\0" * TAG_SIZE,
        "one_byte": b"\0",
    }[extra]
    path.write_bytes(raw + tail)
    assert_corrupt(store, digest)
    # The real final chunk is no longer last, so it fails before being yielded.
    assert chunks_before_error(store, digest) == [DATA[:CHUNK], DATA[CHUNK : 2 * CHUNK]]


def test_chunk_from_another_blob_is_detected(store: BlobStore) -> None:
    digest, path, raw = stored(store)
    _, other_path, other_raw = stored(store, bytes(reversed(DATA)))
    header, recs = records(raw)
    _, other_recs = records(other_raw)
    path.write_bytes(header + recs[0] + other_recs[1] + recs[2])
    assert_corrupt(store, digest)


def test_header_from_another_blob_is_detected(store: BlobStore) -> None:
    digest, path, raw = stored(store)
    _, _, other_raw = stored(store, bytes(reversed(DATA)))
    path.write_bytes(other_raw[:HEADER_SIZE] + raw[HEADER_SIZE:])
    assert_corrupt(store, digest)


def test_valid_blob_under_wrong_name_is_detected(store: BlobStore) -> None:
    digest_a, path_a, raw_a = stored(store, b"first document")
    digest_b, path_b, raw_b = stored(store, b"second document")
    path_a.write_bytes(raw_b)
    # Every chunk authenticates, only the final digest check can catch this.
    assert_corrupt(store, digest_a)
    assert store.read(digest_b) == b"second document"


def test_empty_file_on_disk_is_corrupt(store: BlobStore) -> None:
    digest, path, _ = stored(store)
    path.write_bytes(b"")
    assert_corrupt(store, digest)
    with pytest.raises(BlobIntegrityError):
        store.size(digest)


# ---------------------------------------------------------------- size limit


def test_max_size_enforced_and_temp_file_removed(store: BlobStore) -> None:
    with pytest.raises(BlobTooLargeError) as info:
        store.put_stream(io.BytesIO(b"x" * (3 * MIB + 1)), max_size=3 * MIB)
    assert str(info.value) == "Файл больше допустимого размера: 3 МБ"
    assert isinstance(info.value, BlobError)
    assert isinstance(info.value, PermanentError)
    assert tmp_files(store.root) == []
    assert blob_files(store.root) == []


def test_max_size_is_inclusive(store: BlobStore) -> None:
    data = b"y" * 100
    assert store.put_stream(io.BytesIO(data), max_size=100).size == 100
    assert store.put_stream(io.BytesIO(b""), max_size=0).size == 0
    with pytest.raises(BlobTooLargeError):
        store.put_stream(io.BytesIO(b"z"), max_size=0)


def test_max_size_stops_reading_an_endless_stream(store: BlobStore) -> None:
    endless = Generated(10**12)
    with pytest.raises(BlobTooLargeError):
        store.put_stream(endless, max_size=10 * CHUNK)
    assert endless.produced <= 10 * CHUNK + CHUNK
    assert tmp_files(store.root) == []


def test_max_size_message_for_fractional_limit(store: BlobStore) -> None:
    with pytest.raises(BlobTooLargeError, match=r"^Файл больше допустимого размера: 1,5 МБ$"):
        store.put_stream(Generated(2 * MIB), max_size=MIB + MIB // 2)


# ---------------------------------------------------------------- digests


BAD_DIGESTS = [
    "",
    "../../nok.key",
    "../" + "a" * 61,
    "A" * 64,
    "g" * 64,
    "a" * 63,
    "a" * 65,
    "a" * 64 + "\n",
    "tmp",
    " " + "a" * 63,
    None,
    123,
    b"a" * 64,
]


@pytest.mark.parametrize("digest", BAD_DIGESTS)
def test_bad_digest_is_not_found(store: BlobStore, digest: object) -> None:
    for call in (store.open, store.read, store.exists, store.size, store.delete, store.verify):
        with pytest.raises(BlobNotFoundError):
            call(digest)  # type: ignore[arg-type]


def test_missing_blob(store: BlobStore) -> None:
    digest = sha(b"never stored")
    assert not store.exists(digest)
    assert store.delete(digest) is False
    with pytest.raises(BlobNotFoundError):
        store.open(digest)  # raised eagerly, before iterating
    with pytest.raises(BlobNotFoundError, match="Файл не найден"):
        store.read(digest)
    with pytest.raises(BlobNotFoundError):
        store.size(digest)
    with pytest.raises(BlobNotFoundError):
        store.verify(digest)


# ---------------------------------------------------------------- delete


def test_delete(store: BlobStore) -> None:
    keep = store.put(b"keep me")
    gone = store.put(b"delete me")
    assert store.delete(gone.digest) is True
    assert not store.exists(gone.digest)
    with pytest.raises(BlobNotFoundError):
        store.read(gone.digest)
    assert store.delete(gone.digest) is False
    assert store.read(keep.digest) == b"keep me"
    # Can be stored again after deletion.
    assert store.put(b"delete me") == gone
    assert store.read(gone.digest) == b"delete me"


# ---------------------------------------------------------------- memory


def test_large_stream_uses_bounded_memory(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, MASTER_KEY)  # default 1 MiB chunks
    total = 20 * MIB
    source = Generated(total)
    tracemalloc.start()
    try:
        ref = store.put_stream(source, max_size=total)
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        hasher = hashlib.sha256()
        size = 0
        for chunk in store.open(ref.digest):
            hasher.update(chunk)
            size += len(chunk)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ref == BlobRef(source.hasher.hexdigest(), total)
    assert hasher.hexdigest() == ref.digest and size == total
    assert store.size(ref.digest) == total
    assert put_peak < 6 * MIB, put_peak
    assert read_peak < 6 * MIB, read_peak


def test_open_range_reads_only_the_asked_bytes_and_checks_each_chunk(tmp_path):
    store = BlobStore(tmp_path / "blobs", b"k" * 32, chunk_size=1024)
    data = bytes(range(256)) * 40 + b"tail"  # 10 244 bytes: ten full chunks and a short last one
    ref = store.put(data)
    for start, end in ((0, 0), (0, 1023), (1000, 1100), (1024, 2047), (5000, len(data) - 1), (10_240, 10_243),
                       (3, len(data) + 500)):
        assert b"".join(store.open_range(ref.digest, start, end)) == data[start:end + 1], (start, end)
    path = store._path(ref.digest)
    raw = bytearray(path.read_bytes())
    raw[-30] ^= 1  # the last chunk's bytes
    path.write_bytes(bytes(raw))
    assert b"".join(store.open_range(ref.digest, 0, 1023)) == data[:1024]  # untouched chunks still read
    with pytest.raises(BlobIntegrityError):
        b"".join(store.open_range(ref.digest, 10_000, 10_243))

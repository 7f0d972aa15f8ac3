"""Uploads are accepted by content, size and name — never by what the file claims to be."""
import hashlib
import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from pypdf import PdfWriter

from core.blobstore import BlobStore
from core.exceptions import ValidationError
from core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, MAX_IMAGE_PIXELS, StoredUpload, megabytes, store_upload

MIB = 1024 * 1024
LIMIT = 2 * MIB


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(tmp_path / "blobs", b"k" * 32, chunk_size=64 * 1024)


def stored_blobs(blobs: BlobStore) -> list:
    return [p for p in blobs.root.rglob("*") if p.is_file() and p.parent.name != "tmp"]


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="владелец")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(ext: str) -> bytes:
    page = np.full((300, 220), 245, np.uint8)
    cv2.putText(page, "SNILS 123-456-789 01", (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 20, 1, cv2.LINE_AA)
    ok, buf = cv2.imencode(ext, page)
    assert ok
    return buf.tobytes()


def upload(blobs, data: bytes, name: str, **kwargs) -> StoredUpload:
    kwargs.setdefault("max_bytes", LIMIT)
    return store_upload(blobs, io.BytesIO(data), name, **kwargs)


def refused(blobs, data: bytes, name: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        upload(blobs, data, name, **kwargs)
    assert info.value.field == "file"
    assert stored_blobs(blobs) == [], "a refused upload must leave nothing in the store"
    return str(info.value)


class Trickle(io.RawIOBase):
    """A stream that returns at most `step` bytes per read and counts what was taken, like a socket."""

    def __init__(self, data: bytes, step: int = 3):
        self.data, self.step, self.taken = data, step, 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = self.step if size is None or size < 0 else min(size, self.step)
        chunk = self.data[self.taken:self.taken + size]
        self.taken += len(chunk)
        return chunk


class Endless(io.RawIOBase):
    """A huge upload made up on the fly: a PDF header and then zeros, without end."""

    def __init__(self):
        self.taken = 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = MIB if size is None or size < 0 else size
        chunk = (b"%PDF-1.7\n" + b"\0" * size)[:size] if self.taken == 0 else b"\0" * size
        self.taken += len(chunk)
        return chunk


@pytest.mark.parametrize("name, maker, content_type", [
    ("паспорт.pdf", lambda: pdf_bytes(2), "application/pdf"),
    ("СНИЛС.JPG", lambda: image_bytes(".jpg"), "image/jpeg"),
    ("диплом.jpeg", lambda: image_bytes(".jpg"), "image/jpeg"),
    ("трудовая книжка.png", lambda: image_bytes(".png"), "image/png"),
])
def test_valid_documents_are_stored_encrypted(blobs, name, maker, content_type):
    data = maker()
    stored = upload(blobs, data, name)
    assert stored == StoredUpload(hashlib.sha256(data).hexdigest(), len(data), content_type, name)
    assert blobs.read(stored.digest) == data
    assert data not in stored_blobs(blobs)[0].read_bytes()  # encrypted at rest


def test_short_reads_from_the_stream_are_fine(blobs):
    data = pdf_bytes()
    stored = store_upload(blobs, Trickle(data), "скан.pdf", max_bytes=LIMIT)
    assert blobs.read(stored.digest) == data


def test_text_renamed_to_pdf_is_refused(blobs):
    message = refused(blobs, "Это не документ, а текст".encode(), "паспорт.pdf")
    assert "Файл «паспорт.pdf» не является PDF-документом, хотя называется .pdf" in message


def test_png_renamed_to_pdf_is_refused_with_the_right_advice(blobs):
    message = refused(blobs, image_bytes(".png"), "диплом.pdf")
    assert "не является PDF-документом, хотя называется .pdf" in message
    assert "изображение PNG" in message and ".png" in message


def test_jpeg_named_png_is_refused(blobs):
    message = refused(blobs, image_bytes(".jpg"), "фото.png")
    assert "не является изображением PNG, хотя называется .png" in message and ".jpg" in message
    assert "формате JPEG" in refused(blobs, b"GIF89a...", "фото.jpg")


def test_pdf_among_images_only_is_refused(blobs):
    assert refused(blobs, pdf_bytes(), "фото.pdf", allowed=IMAGE_TYPES).startswith("Допустимы только JPEG и PNG")
    message = refused(blobs, pdf_bytes(), "фото.png", allowed=IMAGE_TYPES)
    assert "PDF-документ" in message and "Допустимы только JPEG и PNG" in message


@pytest.mark.parametrize("name", ["договор.docx", "скан", "скан.", "архив.zip", "page.pdf.exe"])
def test_other_types_are_refused_by_extension(blobs, name):
    assert refused(blobs, pdf_bytes(), name).startswith("Допустимы только PDF, JPEG и PNG")


def test_oversized_file_is_refused_without_reading_it_all(blobs):
    stream = Endless()
    with pytest.raises(ValidationError, match="Файл больше 2 МБ") as info:
        store_upload(blobs, stream, "скан.pdf", max_bytes=LIMIT)
    assert info.value.field == "file"
    assert stream.taken <= LIMIT + 2 * blobs.chunk_size
    assert stored_blobs(blobs) == []
    assert not list((blobs.root / "tmp").iterdir())


def test_size_limit_in_fractional_megabytes():
    assert megabytes(20 * MIB) == "20"
    assert megabytes(MIB // 2) == "0,5"
    assert megabytes(100) == "0,01"


def test_file_exactly_at_the_limit_is_accepted(blobs):
    data = pdf_bytes()
    assert "Файл больше" in refused(blobs, data, "скан.pdf", max_bytes=len(data) - 1)
    assert upload(blobs, data, "скан.pdf", max_bytes=len(data)).size == len(data)


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "a/b.pdf", "..\\x.png", "C:\\Users\\Иван\\скан.pdf",
                                  "/etc/passwd.pdf", "скан..pdf"])
def test_path_traversal_names_are_refused_before_reading(blobs, name):
    stream = Trickle(pdf_bytes())
    with pytest.raises(ValidationError, match="путь") as info:
        store_upload(blobs, stream, name, max_bytes=LIMIT)
    assert info.value.field == "file" and stream.taken == 0


@pytest.mark.parametrize("name, expected", [
    ("", "Не указано имя файла"),
    ("   ", "Не указано имя файла"),
    ("скан\x00.pdf", "управляющие символы"),
    ("скан\n.pdf", "управляющие символы"),
    ("\u202efdp.exe", "управляющие символы"),  # right-to-left override hides the real extension
    ("я" * 252 + ".pdf", "длиннее 255 символов"),
    (".pdf", "начинается с точки"),
])
def test_odd_names_are_refused(blobs, name, expected):
    message = refused(blobs, pdf_bytes(), name)
    assert expected in message
    assert "\x00" not in message and "\n" not in message


def test_display_name_is_normalised_and_safe(blobs):
    data = pdf_bytes()
    assert upload(blobs, data, "  скан \"паспорт\" <1>.pdf ").filename == "скан _паспорт_ _1_.pdf"
    decomposed = "Заи\u0306ка.pdf"  # «й» typed as и + combining breve (macOS names)
    assert upload(blobs, data, decomposed).filename == "Зайка.pdf"
    longest = "я" * 251 + ".pdf"
    assert upload(blobs, data, longest).filename == longest


def test_empty_file_is_refused(blobs):
    assert "пустой" in refused(blobs, b"", "скан.pdf")


def test_broken_pdf_is_refused_and_removed(blobs):
    message = refused(blobs, b"%PDF-1.4\n" + b"\x13\x37" * 500, "скан.pdf")
    assert "повреждён" in message


def test_pdf_without_pages_is_refused(blobs):
    assert "нет ни одной страницы" in refused(blobs, pdf_bytes(pages=0), "скан.pdf")


def test_password_protected_pdf_is_refused(blobs):
    assert "защищён паролем" in refused(blobs, pdf_bytes(password="секрет"), "скан.pdf")
    # Encrypted only against editing (empty user password): any viewer opens it, so it is fine.
    assert upload(blobs, pdf_bytes(password=""), "скан.pdf").content_type == "application/pdf"


def test_broken_images_are_refused(blobs):
    assert "повреждён" in refused(blobs, b"\x89PNG\r\n\x1a\n" + b"junk" * 100, "скан.png")
    assert "повреждён" in refused(blobs, b"\xff\xd8\xff\xe0" + b"\0" * 300, "скан.jpg")
    png = image_bytes(".png")
    assert "повреждён" in refused(blobs, png[:40] + b"\0" * (len(png) - 40), "скан.png")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_decompression_bomb_is_refused_before_decoding(blobs):
    side = int(MAX_IMAGE_PIXELS ** 0.5) + 100
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
    bomb = b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", zlib.compress(b"\0" * 10_000)) + png_chunk(b"IEND", b"")
    assert "слишком большое" in refused(blobs, bomb, "скан.png")


def test_refused_upload_keeps_a_blob_that_was_already_stored(blobs):
    broken = b"%PDF-1.4\n" + b"\x13\x37" * 500
    ref = blobs.put(broken)  # e.g. the same bytes kept by another record
    with pytest.raises(ValidationError, match="повреждён"):
        upload(blobs, broken, "скан.pdf")
    assert blobs.exists(ref.digest)


def test_document_types_constants():
    assert DOCUMENT_TYPES == {"application/pdf", "image/jpeg", "image/png"}
    assert IMAGE_TYPES == {"image/jpeg", "image/png"}

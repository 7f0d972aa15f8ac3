"""The scan check on realistic synthetic scans: each fault is flagged, a good scan is not.

The pages are A4 at 100 dpi (what pdftoppm renders) with lines of text on slightly noisy
white paper; the faults mimic what seed 004 complains about: a dark photo, an
overexposed copy, a shaken or out-of-focus camera.
"""
import base64
import io
import logging

import cv2
import numpy as np
import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter

from core.scan_quality import MESSAGES, QualityIssue, _render_dpi, assess_scan

A4_100DPI = (1169, 827)
WORDS = ("familiya", "imya", "otchestvo", "vydan", "otdelom", "UFMS", "1234", "567890", "data", "rozhdeniya")


def text_page(seed: int = 1, size: tuple[int, int] = A4_100DPI) -> np.ndarray:
    """A grayscale scan of a typed page: dark text lines on white paper with a little grain."""
    rng = np.random.default_rng(seed)
    height, width = size
    page = np.full(size, 244, np.float32) + rng.normal(0, 2.5, size)
    page = page.clip(0, 255).astype(np.uint8)
    for y in range(90, height - 80, 30):
        x = 70
        while x < width - 140:
            word = str(rng.choice(WORDS))
            cv2.putText(page, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 25, 1, cv2.LINE_AA)
            x += 14 + 11 * len(word)
    return page


def noisy(image: np.ndarray, sigma: float, seed: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (image.astype(np.float32) + rng.normal(0, sigma, image.shape)).clip(0, 255).astype(np.uint8)


def dark_photo(page: np.ndarray) -> np.ndarray:
    """Taken in a dim room: everything at a third of its brightness, plus sensor noise."""
    return noisy(page.astype(np.float32) * 0.35, 5)


def overexposed(page: np.ndarray) -> np.ndarray:
    """A copy of a copy with the brightness turned up: the ink is lifted to light grey."""
    return (165 + page.astype(np.float32) * (255 - 165) / 255).astype(np.uint8)


def blurred(page: np.ndarray) -> np.ndarray:
    """Out of focus (Gaussian σ = 2.5 px at 100 dpi), with the noise a camera adds afterwards."""
    return noisy(cv2.GaussianBlur(page, (0, 0), 2.5), 4)


def encode(image: np.ndarray, ext: str, *params) -> bytes:
    ok, buf = cv2.imencode(ext, image, list(params))
    assert ok
    return buf.tobytes()


def as_pdf(image: np.ndarray) -> bytes:
    """A scanner's PDF: the page image, JPEG-compressed as scanners do, fills an A4 page."""
    jpeg = encode(image, ".jpg", cv2.IMWRITE_JPEG_QUALITY, 90)
    uri = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
    html = ("<style>@page { size: A4; margin: 0 } body { margin: 0 } img { width: 210mm; height: 297mm; "
            f"display: block }}</style><img src=\"{uri}\">")
    return weasyprint.HTML(string=html).write_pdf()


def codes(data: bytes, content_type: str) -> list[str]:
    return [issue.code for issue in assess_scan(data, content_type)]


FAULTS = {"good": (lambda p: p, []), "dark": (dark_photo, ["too_dark"]),
          "overexposed": (overexposed, ["too_light"]), "blurred": (blurred, ["blurred"])}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_each_fault_is_flagged_and_a_good_scan_is_not(fault, fmt):
    make, expected = FAULTS[fault]
    image = make(text_page())
    data = encode(image, ".jpg", cv2.IMWRITE_JPEG_QUALITY, 80) if fmt == "jpeg" else encode(image, ".png")
    assert codes(data, f"image/{fmt}") == expected


@pytest.mark.parametrize("fault", FAULTS)
def test_pdf_scans_are_judged_by_their_first_page(fault):
    make, expected = FAULTS[fault]
    assert codes(as_pdf(make(text_page())), "application/pdf") == expected


def test_only_the_first_pdf_page_counts():
    first, second = as_pdf(text_page()), as_pdf(dark_photo(text_page()))
    writer = PdfWriter()
    for data in (first, second):
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    assert codes(out.getvalue(), "application/pdf") == []


def test_a_phone_photo_at_full_resolution_is_judged_like_a_scan():
    big = cv2.resize(text_page(), (3024, 4032), interpolation=cv2.INTER_CUBIC)
    assert codes(encode(big, ".jpg"), "image/jpeg") == []
    assert codes(encode(cv2.GaussianBlur(big, (0, 0), 10), ".jpg"), "image/jpeg") == ["blurred"]


def test_dark_and_blurred_together():
    image = noisy(cv2.GaussianBlur(text_page(), (0, 0), 3).astype(np.float32) * 0.35, 1)
    assert codes(encode(image, ".png"), "image/png") == ["too_dark", "blurred"]
    # Strong noise on a dark photo masks the blur (a known limit): it is still flagged as dark.
    assert codes(encode(dark_photo(blurred(text_page())), ".png"), "image/png")[0] == "too_dark"


def test_colour_and_transparent_images():
    colour = cv2.cvtColor(text_page(), cv2.COLOR_GRAY2BGR)
    colour[:, :, 0] = np.minimum(colour[:, :, 0].astype(np.int16) + 10, 255).astype(np.uint8)  # bluish paper
    assert codes(encode(colour, ".jpg"), "image/jpeg") == []
    # Black text on a transparent background (a signature cut out): transparent counts as white paper.
    ink = 255 - text_page()
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[:, :, 3] = ink
    assert codes(encode(rgba, ".png"), "image/png") == []
    assert codes(encode(text_page().astype(np.uint16) * 257, ".png"), "image/png") == []  # 16-bit


def test_a_blank_page_is_neither_blurred_nor_washed_out():
    blank = noisy(np.full(A4_100DPI, 250, np.uint8), 1)
    assert codes(encode(blank, ".png"), "image/png") == []
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    assert codes(out.getvalue(), "application/pdf") == []


def test_undecodable_input_gives_no_warning():
    assert assess_scan(b"\x89PNG\r\n\x1a\n garbage", "image/png") == []
    assert assess_scan(b"\xff\xd8\xff garbage", "image/jpeg") == []
    assert assess_scan(b"%PDF-1.4 garbage", "application/pdf") == []
    assert assess_scan(b"whatever", "text/plain") == []


def test_without_pdftoppm_pdfs_are_not_judged(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no poppler-utils
    with caplog.at_level(logging.WARNING, logger="core.scan_quality"):
        assert assess_scan(as_pdf(dark_photo(text_page())), "application/pdf") == []
    assert "pdftoppm" in caplog.text


def test_huge_pages_are_rendered_at_a_lower_resolution():
    writer = PdfWriter()
    writer.add_blank_page(width=14_400, height=10_000)  # 200 × 139 inches
    out = io.BytesIO()
    writer.write(out)
    assert _render_dpi(out.getvalue()) == 10  # 2000 px on the long side instead of 20 000
    assert _render_dpi(as_pdf(text_page())) == 100


def test_messages_are_russian_advice():
    issue = assess_scan(encode(dark_photo(text_page()), ".png"), "image/png")[0]
    assert issue == QualityIssue("too_dark", MESSAGES["too_dark"])
    assert MESSAGES["too_dark"].startswith("Скан слишком тёмный")
    assert MESSAGES["too_light"].startswith("Скан пересвечен")
    assert MESSAGES["blurred"].startswith("Скан размыт")

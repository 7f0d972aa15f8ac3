"""Warn about scans a ЦОК reviewer would reject: too dark, washed out, blurred (seed 004).

«Плохо отсканированные копии документов (копия копии, слишком светлая, слишком тёмная)»
is the first typical error in seed 004; telling the applicant at upload time saves a
round of «На доработке». The checks only warn (the reviewer decides), so they lean
towards not flagging a readable scan.

How the numbers were chosen. Synthetic A4 pages (dense text, sparse text, a ruled form,
a passport-like page with a patterned background, large and small fonts) were rendered
and turned into realistic variants: JPEG at quality 40–85, phone photos (page on a desk,
perspective, vignetting, sensor noise), brightness scaled down (×0.3–0.6), washed out
(ink lifted to 130–210 of 255), Gaussian blur σ = 1–8 px with and without noise. All
measures are taken on the grayscale image shrunk to at most 1000 px on the long side
(an A4 page at ~85 dpi), so a 12-Мп photo and a 100-dpi scan are judged alike.

* Brightness. The mean alone depends on how much text covers the page (a dense page is
  ~15 levels darker than a sparse one), so the paper is judged by the 95th percentile
  (the brightest part of a document is its paper) and the ink by the 0.1th percentile.
  `too_dark`: paper below 120 or mean below 80 — pages darkened ×0.45 or more (paper
  98–116) and dim phone photos (paper 72–96) are flagged, ×0.6 (paper 130–153) and an
  ordinary photo (paper 160–195) are not. `too_light`: mean above 200 and even the
  darkest ink above 130 — washed-out pages (ink 136–182) are flagged, good scans
  (ink 14–80) are not.
* Blur. The raw variance of the Laplacian failed on these pages: a sharp sparse page
  (378) scored below a dense page blurred with σ = 1 (1386), and a sharp washed-out page
  scored 23, because the variance grows with contrast squared and with the amount of
  text. We keep the Laplacian but divide it by the gradient on the strongest edges (the
  99.9th percentiles of |Laplacian| and of the gradient magnitude): a blurred edge's
  second derivative falls faster than its first, and the ratio does not depend on
  contrast or text density. Sharp pages scored 1.99–3.5 (very large bold headings 1.7),
  pages blurred with σ ≥ 2 px at 150 dpi (≈ 1.1 px at the analysis size) scored
  0.6–1.42 even with noise; the threshold is 1.55. A page without any edge (blank) is judged neither blurred nor
  washed out.
* Known limit: on a dark, noisy photo the noise outweighs the faint edges and hides the
  blur; such a photo is flagged `too_dark`, and the retake is judged for blur again.
* A blurred page also looks pale (thin strokes spread out), so `too_light` is not
  reported together with `blurred`: the advice to rescan sharply covers it.
* The measures are made for text. A portrait has few sharp edges (an ideal step edge
  scores 2.0, a real face outline less), so callers should not judge photos for blur.
* A PDF is judged by its first page, rasterised by poppler's `pdftoppm` at 100 dpi
  (lower for giant page sizes) through a pipe; without pdftoppm PDFs get no warnings.
"""
from __future__ import annotations

import io
import logging
import shutil
import subprocess
from dataclasses import dataclass

import cv2
import numpy as np
from pypdf import PdfReader

from core.uploads import JPEG, PDF, PNG, image_size

log = logging.getLogger(__name__)

ANALYSIS_LONG_SIDE = 1000
DARK_PAPER_LEVEL = 120  # 95th percentile of gray below this: the paper itself is dark
DARK_MEAN_LEVEL = 80
LIGHT_INK_LEVEL = 130  # 0.1th percentile above this: not even the ink is dark
LIGHT_MEAN_LEVEL = 200
BLUR_SHARPNESS = 1.55  # |Laplacian| / gradient on the strongest edges
MIN_EDGE_STRENGTH = 3.0  # gray levels per pixel: weaker "strongest edges" mean a blank page
PDF_DPI = 100
PDF_MAX_LONG_SIDE_PX = 2000  # a huge page size (or a hostile one) is rendered smaller
PDFTOPPM_TIMEOUT = 30

MESSAGES = {
    "too_dark": "Скан слишком тёмный: текст сливается с фоном. Отсканируйте документ ещё раз при хорошем "
                "освещении или увеличьте яркость сканера.",
    "too_light": "Скан пересвечен: текст бледный и плохо читается. Уменьшите яркость сканера (или уберите "
                 "вспышку), не сканируйте копию с копии.",
    "blurred": "Скан размыт: мелкий текст не прочитать. Положите документ ровно, держите камеру неподвижно "
               "и наведите резкость (или сканируйте с разрешением не меньше 200 dpi).",
}


@dataclass(frozen=True)
class QualityIssue:
    """One problem found in a scan: a stable `code` (stored) and the Russian advice."""

    code: str
    message: str


def assess_scan(data: bytes, content_type: str) -> list[QualityIssue]:
    """Check an accepted PDF (its first page), JPEG or PNG; an empty list means no warning.

    Never raises for bad input: a file that cannot be rendered or decoded gets no
    warning (it was already validated by `core.uploads`), and the reason is logged.
    """
    if content_type == PDF:
        gray = _render_first_page(data)
    elif content_type in (JPEG, PNG):
        gray = _decode_image(data, content_type)
    else:
        return []
    if gray is None or gray.size == 0:
        return []
    return [QualityIssue(code, MESSAGES[code]) for code in _issue_codes(_shrink(gray))]


def _issue_codes(gray: np.ndarray) -> list[str]:
    mean = float(gray.mean())
    ink, paper = np.percentile(gray, [0.1, 95])
    sharpness = _sharpness(gray)
    blank = sharpness is None  # nothing printed on it: neither washed out nor blurred
    blurred = not blank and sharpness < BLUR_SHARPNESS
    codes = []
    if paper < DARK_PAPER_LEVEL or mean < DARK_MEAN_LEVEL:
        codes.append("too_dark")
    elif mean > LIGHT_MEAN_LEVEL and ink > LIGHT_INK_LEVEL and not blurred and not blank:
        codes.append("too_light")
    if blurred:
        codes.append("blurred")
    return codes


def _sharpness(gray: np.ndarray) -> float | None:
    """|Laplacian| over gradient on the strongest edges (module docstring); None for a blank page."""
    image = gray.astype(np.float32)
    gradient = cv2.magnitude(cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3),
                             cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)) / 8
    laplacian = np.abs(cv2.Laplacian(image, cv2.CV_32F, ksize=3)) / 4
    edge = float(np.percentile(gradient, 99.9))
    if edge < MIN_EDGE_STRENGTH:
        return None
    return float(np.percentile(laplacian, 99.9)) / edge


def _shrink(gray: np.ndarray) -> np.ndarray:
    height, width = gray.shape
    scale = ANALYSIS_LONG_SIDE / max(height, width)
    if scale >= 1:  # never enlarge: interpolation would add blur of its own
        return gray
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def _decode_image(data: bytes, content_type: str) -> np.ndarray | None:
    """Decode to 8-bit gray; transparent PNG areas count as white paper, not black."""
    buffer = np.frombuffer(data, np.uint8)
    if content_type == JPEG:
        size = image_size(data, JPEG)
        long_side = max(size) if size else 0
        # libjpeg can scale while decoding: stay at or above the analysis size, use less memory.
        flags = cv2.IMREAD_GRAYSCALE
        for factor, reduced in ((8, cv2.IMREAD_REDUCED_GRAYSCALE_8), (4, cv2.IMREAD_REDUCED_GRAYSCALE_4),
                                (2, cv2.IMREAD_REDUCED_GRAYSCALE_2)):
            if long_side >= factor * ANALYSIS_LONG_SIDE:
                flags = reduced
                break
        return _decoded(cv2.imdecode(buffer, flags))
    image = cv2.imdecode(buffer, cv2.IMREAD_UNCHANGED)
    if image is None:
        return _decoded(None)
    if image.dtype != np.uint8:
        image = (image / 257).astype(np.uint8)
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255
        image = (image[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _decoded(image: np.ndarray | None) -> np.ndarray | None:
    if image is None:
        log.warning("scan quality: the image could not be decoded, not assessed")
    return image


def _render_first_page(data: bytes) -> np.ndarray | None:
    """Rasterise page 1 with poppler's pdftoppm at 100 dpi (stdin to stdout: no plaintext file on disk)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        log.warning("scan quality: pdftoppm (poppler-utils) is not installed, PDF scans are not assessed")
        return None
    # Grey PGM, not PNG: pdftoppm's PNG compression of a noisy scan takes seconds, PGM ~0.1 s.
    cmd = [tool, "-r", str(_render_dpi(data)), "-gray", "-f", "1", "-l", "1", "-"]
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=PDFTOPPM_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        log.warning("scan quality: pdftoppm took longer than %s s, not assessed", PDFTOPPM_TIMEOUT)
        return None
    if done.returncode != 0 or not done.stdout:
        log.warning("scan quality: pdftoppm failed (%s): %s", done.returncode,
                    done.stderr.decode("utf-8", "replace")[:300])
        return None
    return _decoded(cv2.imdecode(np.frombuffer(done.stdout, np.uint8), cv2.IMREAD_GRAYSCALE))


def _render_dpi(data: bytes) -> int:
    """100 dpi, or less for a page so large that 100 dpi would take hundreds of MB."""
    try:
        page = PdfReader(io.BytesIO(data), strict=False).pages[0]
        points = max(float(page.mediabox.width), float(page.mediabox.height)) * float(page.user_unit)
    except Exception as ex:  # a page pypdf cannot measure: let pdftoppm try at the default
        log.info("scan quality: page size unknown (%s), rendering at %s dpi", ex, PDF_DPI)
        return PDF_DPI
    if points <= 0:
        return PDF_DPI
    return max(1, min(PDF_DPI, int(PDF_MAX_LONG_SIDE_PX * 72 / points)))

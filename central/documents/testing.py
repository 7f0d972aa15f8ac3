"""Read generated PDFs back for tests: images really drawn, fonts used, text sizes, page size.

WeasyPrint shares one resource dictionary between pages, so pypdf's `page.images` lists every
image on every page; what a page shows is what its content stream draws (`Do`), followed
into form XObjects.
"""
from __future__ import annotations

import io
import math

from pypdf import PdfReader
from pypdf.generic import ContentStream

MM = 72 / 25.4


def _drawn(reader: PdfReader, resources, content, seen: tuple = ()) -> list[str]:
    xobjects = resources.get("/XObject") if resources else None
    xobjects = xobjects.get_object() if xobjects is not None else {}
    names: list[str] = []
    for operands, operator in ContentStream(content, reader).operations:
        if operator != b"Do":
            continue
        name = operands[0]
        target = xobjects.get(name)
        if target is None:
            continue
        target = target.get_object()
        if target.get("/Subtype") == "/Image":
            names.append(str(name))
        elif target.get("/Subtype") == "/Form" and name not in seen:
            names.extend(_drawn(reader, target.get("/Resources"), target, seen + (name,)))
    return names


def drawn_images(pdf: bytes) -> list[list[str]]:
    """Per page, the image XObjects its content draws (forms followed)."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        content = page.get_contents()
        pages.append([] if content is None else _drawn(reader, page.get("/Resources"), content))
    return pages


def font_names(pdf: bytes) -> set[str]:
    """Base font names without the subset prefix («Liberation-Serif-Bold»)."""
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font") or {}
        for font in fonts.get_object().values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def text_sizes(pdf: bytes, page_index: int = 0) -> list[tuple[str, float]]:
    """(text, size in points) of each text run on a page, as printed (text and page matrices applied)."""
    reader = PdfReader(io.BytesIO(pdf))
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
            runs.append((text.strip(), round(size * scale, 1)))

    reader.pages[page_index].extract_text(visitor_text=visit)
    return runs


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM)) for p in reader.pages]


def drawn_pixels(pdf: bytes, page_index: int = 0) -> list:
    """Grey pixels (numpy arrays) of the images the page draws, to compare with what was meant to be there."""
    import numpy as np

    reader = PdfReader(io.BytesIO(pdf))
    wanted = [name.lstrip("/") for name in drawn_images(pdf)[page_index]]
    by_name = {image.name.rsplit(".", 1)[0]: image for image in reader.pages[page_index].images}
    return [np.array(by_name[name].image.convert("L")) for name in wanted]


def png_pixels(png: bytes):
    import numpy as np
    from PIL import Image

    return np.array(Image.open(io.BytesIO(png)).convert("L"))

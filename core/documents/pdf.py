"""HTML → PDF with WeasyPrint: one Jinja2 environment and one print stylesheet for every document.

Templates live in `templates/` and are rendered with autoescape (an applicant's name or a
profile field can never inject markup) and `StrictUndefined` (a misspelt variable fails
the test instead of printing an empty line). Documents load nothing from outside: images
(the QR code, a facsimile) are embedded as `data:` URIs and any other URL is refused, so a
crafted profile field can neither read local files nor reach the network.

The parsed stylesheet and the font configuration are built once per process: parsing CSS
and scanning fonts would otherwise cost more than laying out a page (~20–50 ms).
"""
from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any

import jinja2

from core.documents.money import amount_in_words, format_amount
from core.documents.texts import date_digits, date_words, short_person_name

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_local = threading.local()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(date=date_words, digits=date_digits, money=format_amount, words=amount_in_words,
                       initials=short_person_name)
    return env


ENV = _environment()


def _weasy() -> tuple[Any, Any, Any]:
    """(stylesheet, font configuration, URL fetcher) of this thread, built on first use.

    The fetcher allows `data:` URIs only (embedded images); a broken embedded image stops the
    rendering instead of silently leaving a document without its QR code or signature.
    """
    cached = getattr(_local, "weasy", None)
    if cached is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        fonts = FontConfiguration()
        fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
        css = CSS(filename=str(TEMPLATE_DIR / "print.css"), font_config=fonts, url_fetcher=fetcher)
        cached = _local.weasy = (css, fonts, fetcher)
    return cached


def render_html(template: str, **context: Any) -> str:
    """The document's HTML (what `render_pdf` lays out); useful to look at a template's output."""
    return ENV.get_template(template).render(**context)


def render_pdf(template: str, **context: Any) -> bytes:
    """Render `template` with `context` into PDF bytes (A4, the shared print stylesheet)."""
    from weasyprint import HTML

    from weasyprint.urls import FatalURLFetchingError

    css, fonts, fetcher = _weasy()
    html = HTML(string=render_html(template, **context), url_fetcher=fetcher)
    try:
        return html.write_pdf(stylesheets=[css], font_config=fonts)
    except FatalURLFetchingError as ex:  # a BaseException in WeasyPrint: it must not take a worker down
        raise RuntimeError(f"{template}: an embedded resource did not load ({ex})") from None


def png_data_uri(png: bytes) -> str:
    """Embed a PNG (QR code, facsimile) in a document; anything that is not a PNG is refused."""
    if not png.startswith(PNG_MAGIC):
        raise ValueError("expected PNG image data")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
